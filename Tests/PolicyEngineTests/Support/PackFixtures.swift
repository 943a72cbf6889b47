import Crypto
import Foundation
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// Runs `git` with raw bytes in and out (blob contents are not text), like `GitCLI` otherwise.
func gitData(_ directory: String, _ arguments: [String], input: Data? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory,
                           "GIT_CONFIG_NOSYSTEM": "1"]
    let output = Pipe(), feed = Pipe()
    process.standardOutput = output
    process.standardInput = feed
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Feed from another thread: git may fill its output pipe before it has read all of its input.
    let writer = Thread {
        if let input { feed.fileHandleForWriting.write(input) }
        try? feed.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw GitFailure(arguments: arguments, status: process.terminationStatus) }
    return data
}

/// Every blob of the repository with its content, as `git cat-file` gives it.
func allBlobs(_ directory: String) throws -> [(name: String, content: [UInt8])] {
    let objects = String(decoding: try gitData(directory, ["rev-list", "--objects", "--all"]), as: UTF8.self)
    let names = objects.split(separator: "\n").map { String($0.prefix(40)) }
    let query = Data((names.joined(separator: "\n") + "\n").utf8)
    let checked = String(decoding: try gitData(directory, ["cat-file", "--batch-check"], input: query), as: UTF8.self)
    var blobs: [String] = []
    for line in checked.split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 3, fields[1] == "blob" { blobs.append(String(fields[0])) }
    }
    return try blobs.map { ($0, Array(try gitData(directory, ["cat-file", "blob", $0]))) }
}

/// One entry of `git verify-pack -v`.
struct PackedEntry {
    var name: String
    var type: String
    var sizeInPack: Int
    var offset: Int
    /// 0 for a whole object.
    var depth: Int
    /// The pack file's path.
    var pack: String
}

/// Every entry of every pack of the repository in `directory`.
func packedEntries(_ directory: String) throws -> [PackedEntry] {
    let folder = directory + "/.git/objects/pack"
    var entries: [PackedEntry] = []
    for idx in try FileManager.default.contentsOfDirectory(atPath: folder) where idx.hasSuffix(".idx") {
        let text = String(decoding: try gitData(directory, ["verify-pack", "-v", folder + "/" + idx]), as: UTF8.self)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[0].count == 40, let inPack = Int(fields[3]), let offset = Int(fields[4]) else { continue }
            entries.append(PackedEntry(name: String(fields[0]), type: String(fields[1]), sizeInPack: inPack, offset: offset,
                                       depth: fields.count >= 7 ? Int(fields[5]) ?? 0 : 0,
                                       pack: folder + "/" + String(idx.dropLast(4)) + ".pack"))
        }
    }
    return entries
}

/// Rewrites bytes of a file in place (pack files are read-only to their owner; the test runs as their owner).
func patchFile(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    change(&bytes)
    try? FileManager.default.removeItem(atPath: path)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Where a name sits in a version-2 index, and where its 4-byte offset is.
func indexSlots(_ index: [UInt8], of name: [UInt8]) -> (name: Int, offset: Int)? {
    let count = Int(index[8 + 1020]) << 24 | Int(index[8 + 1021]) << 16 | Int(index[8 + 1022]) << 8 | Int(index[8 + 1023])
    for position in 0..<count where Array(index[(1032 + 20 * position)..<(1052 + 20 * position)]) == name {
        return (1032 + 20 * position, 1032 + 24 * count + 4 * position)
    }
    return nil
}

func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

func blobName(_ content: [UInt8]) -> [UInt8] {
    var hasher = Insecure.SHA1()
    hasher.update(data: Array("blob \(content.count)\0".utf8))
    hasher.update(data: content)
    return Array(hasher.finalize())
}

/// Writes a version-2 pack and its index by hand, so that a test can put in it what git never would.
/// Entries are zlib streams of stored blocks (no compression), which needs no zlib here.
struct PackWriter {
    enum Body {
        case blob([UInt8])
        case offsetDelta(baseEntry: Int, delta: [UInt8])
        /// A delta at `distance` bytes back from its own header (any number, even a wrong one).
        case rawOffsetDelta(distance: Int, delta: [UInt8])
        case referenceDelta(base: [UInt8], delta: [UInt8])
        /// A header declaring `size` with the given zlib data.
        case raw(type: Int, size: Int, data: [UInt8])
    }

    private(set) var pack: [UInt8] = Array("PACK".utf8) + [0, 0, 0, 2, 0, 0, 0, 0]
    private(set) var offsets: [Int] = []
    private(set) var names: [[UInt8]] = []

    /// Appends an entry; `name` is what the index lists for it.
    mutating func add(_ body: Body, name: [UInt8]) {
        let offset = pack.count
        switch body {
        case .blob(let content):
            pack += Self.header(type: 3, size: content.count) + Self.zlibStored(content)
        case .offsetDelta(let baseEntry, let delta):
            pack += Self.header(type: 6, size: delta.count) + Self.distance(offset - offsets[baseEntry]) + Self.zlibStored(delta)
        case .rawOffsetDelta(let distance, let delta):
            pack += Self.header(type: 6, size: delta.count) + Self.distance(distance) + Self.zlibStored(delta)
        case .referenceDelta(let base, let delta):
            pack += Self.header(type: 7, size: delta.count) + base + Self.zlibStored(delta)
        case .raw(let type, let size, let data):
            pack += Self.header(type: type, size: size) + data
        }
        offsets.append(offset)
        names.append(name)
    }

    /// Writes `<folder>/pack-<hex>.pack` and `.idx`; returns the index's path.
    /// - Parameter largeOffsets: 64-bit offsets for every entry, each as these two 32-bit halves (high, low)
    ///   in the table git uses for packs over 2 GiB; the 32-bit slots then point into that table.
    @discardableResult
    func write(to folder: String, largeOffsets: [(high: Int, low: Int)]? = nil) throws -> String {
        var pack = self.pack
        let count = UInt32(offsets.count)
        pack[8...11] = [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)][...]
        let packSum = Array(Insecure.SHA1.hash(data: pack))
        pack += packSum
        let order = names.indices.sorted { names[$0].lexicographicallyPrecedes(names[$1]) }
        var index: [UInt8] = [0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2]
        for slot in 0..<256 { index += Self.be32(order.filter { Int(names[$0][0]) <= slot }.count) }
        for position in order { index += names[position] }
        for _ in order { index += [0, 0, 0, 0] }
        if let largeOffsets {
            for slot in order.indices { index += Self.be32(0x8000_0000 | slot) }
            for position in order { index += Self.be32(largeOffsets[position].high) + Self.be32(largeOffsets[position].low) }
        } else {
            for position in order { index += Self.be32(offsets[position]) }
        }
        index += packSum
        index += Array(Insecure.SHA1.hash(data: index))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stem = folder + "/pack-" + packSum.map { String(format: "%02x", $0) }.joined()
        try Data(pack).write(to: URL(fileURLWithPath: stem + ".pack"))
        try Data(index).write(to: URL(fileURLWithPath: stem + ".idx"))
        return stem + ".idx"
    }

    static func be32(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func header(type: Int, size: Int) -> [UInt8] {
        var bytes = [UInt8(type << 4 | size & 0x0F)]
        var rest = size >> 4
        while rest > 0 {
            bytes[bytes.count - 1] |= 0x80
            bytes.append(UInt8(rest & 0x7F))
            rest >>= 7
        }
        return bytes
    }

    /// git's offset encoding: big-endian, each continuation adding one.
    static func distance(_ value: Int) -> [UInt8] {
        var value = value
        var bytes = [UInt8(value & 0x7F)]
        value >>= 7
        while value > 0 {
            value -= 1
            bytes.insert(UInt8(0x80 | value & 0x7F), at: 0)
            value >>= 7
        }
        return bytes
    }

    /// A zlib stream of stored blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let length = min(65535, data.count - start)
            let final: UInt8 = start + length == data.count ? 1 : 0
            out += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8 & 0xFF)]
            out += data[start..<(start + length)]
            start += length
        } while start < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + be32(Int(b << 16 | a))
    }
}

/// Delta instructions, for building deltas by hand.
enum DeltaBytes {
    static func size(_ value: Int) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }

    /// Copies `length` bytes at `offset` of the base (a length of 0x10000 is written as none, meaning 64 KiB).
    static func copy(offset: Int, length: Int) -> [UInt8] {
        var instruction: UInt8 = 0x80
        var operands: [UInt8] = []
        for bit in 0..<4 where offset >> (8 * bit) & 0xFF != 0 {
            instruction |= 1 << bit
            operands.append(UInt8(offset >> (8 * bit) & 0xFF))
        }
        let written = length == 0x10000 ? 0 : length
        for bit in 0..<3 where written >> (8 * bit) & 0xFF != 0 {
            instruction |= 0x10 << bit
            operands.append(UInt8(written >> (8 * bit) & 0xFF))
        }
        return [instruction] + operands
    }

    static func insert(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count)] + bytes }

    static func delta(baseSize: Int, resultSize: Int, _ instructions: [UInt8]...) -> [UInt8] {
        size(baseSize) + size(resultSize) + instructions.flatMap { $0 }
    }
}

/// A scanner with one rule for synthetic `demo_` tokens, and such tokens built at run time.
enum DemoTokens {
    static func scanner() throws -> SecretScanner {
        SecretScanner(ruleSet: try SecretRulesLoader.load(text: """
            [[rules]]
            id = "demo-token"
            regex = '''\\b(demo_[a-zA-Z0-9]{16})\\b'''
            keywords = ["demo_"]
            """, source: "test.toml", directory: nil))
    }

    /// A distinct token for each `seed`.
    static func token(_ seed: Int) -> String {
        "demo_" + String(String("Q7fK2pL9xW4mZ8rT".reversed()).dropLast(2)) + String(format: "%02d", seed % 100)
    }
}
