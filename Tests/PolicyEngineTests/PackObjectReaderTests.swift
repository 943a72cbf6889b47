import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// The pack reader against packs git wrote: every blob must come back exactly as `git cat-file` gives it.
@Suite struct PackObjectReaderTests {
    /// Many versions of several files: growing, edited in the middle, CRLF, empty, binary, and one over
    /// 64 KiB so that deltas copy whole 64 KiB runs (written as a size of 0).
    private static func history(in scratch: ScratchDirectory) throws -> GitCLI {
        let git = try GitCLI.repository(in: scratch, files: ["README.md": "start\n"])
        var large = (0..<6000).map { "row \($0) of the large file, padded to be long enough\n" }
        var growing = ""
        for version in 0..<24 {
            growing += (0..<(version + 1)).map { "growing \(version).\($0)\n" }.joined()
            large[(version * 241) % large.count] = "edited row in version \(version)\n"
            let middle = (0..<80).map { $0 == 40 ? "middle edit \(version)\n" : "steady line \($0)\n" }.joined()
            try scratch.write("growing.txt", growing)
            try scratch.write("large.txt", large.joined())
            try scratch.write("middle.txt", middle)
            try scratch.write("crlf.txt", (0..<30).map { "crlf \($0 + version % 3)\r\n" }.joined())
            try scratch.write("empty.txt", "")
            try scratch.write("blob.bin", Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ version) } + [0, 0, UInt8(version)]))
            _ = try git.commitAll("version \(version)")
        }
        return git
    }

    private static func expectEveryBlobMatches(_ directory: String, cacheBudget: Int = 64 << 20) throws {
        let reader = PackObjectReader(objectsDirectory: directory + "/.git/objects", cacheBudget: cacheBudget)
        #expect(reader.packCount > 0)
        let blobs = try allBlobs(directory)
        #expect(blobs.count > 100)
        for blob in blobs {
            let read = try reader.blob(named: hexBytes(blob.name))
            #expect(read == blob.content, "blob \(blob.name)")
        }
    }

    @Test func everyBlobOfAnAggressivelyPackedHistoryEqualsCatFile() throws {
        let scratch = try ScratchDirectory()
        let git = try Self.history(in: scratch)
        try git.run("repack", "-adf", "--depth=50", "--window=50")
        let entries = try packedEntries(scratch.path)
        #expect(entries.contains { $0.type == "blob" && $0.depth > 1 }, "deltas of deltas exist")
        #expect(try allBlobs(scratch.path).contains { $0.content.count > 0x30000 })
        try Self.expectEveryBlobMatches(scratch.path)
        // A cache that keeps nothing rebuilds every chain from its whole object.
        try Self.expectEveryBlobMatches(scratch.path, cacheBudget: 1)
    }

    /// Without `--delta-base-offset` git names each delta's base instead of giving its offset.
    @Test func referenceDeltasAndTwoPacksReadAsCatFile() throws {
        let scratch = try ScratchDirectory()
        let git = try Self.history(in: scratch)
        let middle = try git.run("rev-parse", "HEAD~12").trimmingCharacters(in: .whitespacesAndNewlines)
        // An old pack of the first half, then a thin pack of the rest whose deltas name bases in the old one.
        let oldObjects = try gitData(scratch.path, ["rev-list", "--objects", middle])
        _ = try gitData(scratch.path, ["pack-objects", "-q", "--window=50", "--depth=50", ".git/objects/pack/pack"], input: oldObjects)
        let thin = try gitData(scratch.path, ["pack-objects", "-q", "--thin", "--stdout", "--revs", "--window=50", "--depth=50"],
                               input: Data("HEAD\n^\(middle)\n".utf8))
        _ = try gitData(scratch.path, ["index-pack", "--fix-thin", "--stdin"], input: thin)
        try git.run("prune-packed")
        try git.run("prune", "--expire=now")
        let entries = try packedEntries(scratch.path)
        #expect(Set(entries.map(\.pack)).count == 2)
        let referenceDeltas = try entries.filter { entry in
            let pack = try Data(contentsOf: URL(fileURLWithPath: entry.pack))
            return entry.depth > 0 && pack[entry.offset] >> 4 & 7 == 7
        }
        #expect(referenceDeltas.count > 10)
        let loose = try FileManager.default.subpathsOfDirectory(atPath: scratch.path + "/.git/objects")
            .filter { $0.count == 41 && !$0.hasPrefix("pack") && !$0.hasPrefix("info") }
        #expect(loose.isEmpty, "every object is packed")
        try Self.expectEveryBlobMatches(scratch.path)
        try Self.expectEveryBlobMatches(scratch.path, cacheBudget: 1)
    }

    /// The scan's readers share one reader: threads reading in different orders through a cache that
    /// keeps evicting must each get every blob exactly.
    @Test func threadsSharingOneSmallCacheReadEveryBlobExactly() async throws {
        let scratch = try ScratchDirectory()
        let git = try Self.history(in: scratch)
        try git.run("repack", "-adfq", "--depth=50", "--window=50")
        let blobs = try allBlobs(scratch.path)
        let reader = PackObjectReader(objectsDirectory: scratch.path + "/.git/objects", cacheBudget: 256 << 10)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    try await onOwnThread {
                        var order = Array(blobs.indices)
                        if worker % 2 == 1 { order.reverse() }
                        var wrong = 0
                        for index in order {
                            let read = try reader.blob(named: hexBytes(blobs[index].name))
                            if read != blobs[index].content { wrong += 1 }
                        }
                        return wrong
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func anObjectInNoPackIsLeftToLibgit2() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["a.txt": "packed\n"])
        try git.run("gc", "-q")
        try scratch.write("b.txt", "loose\n")
        let head = try git.commitAll()
        let reader = PackObjectReader(objectsDirectory: scratch.path + "/.git/objects")
        #expect(try reader.blob(named: blobName(Array("packed\n".utf8))) == Array("packed\n".utf8))
        #expect(try reader.blob(named: blobName(Array("loose\n".utf8))) == nil)
        // A tree is not a blob: nil, not its bytes.
        let tree = try git.run("rev-parse", head + "^{tree}").trimmingCharacters(in: .whitespacesAndNewlines)
        try git.run("gc", "-q")
        #expect(try PackObjectReader(objectsDirectory: scratch.path + "/.git/objects").blob(named: hexBytes(tree)) == nil)
    }
}
