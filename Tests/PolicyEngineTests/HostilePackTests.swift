import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// Packs git wrote, then damaged as an agent that owns `.git` after its run could: the reader must
/// fail (an error naming the object) or leave the object to libgit2 (`nil`), never hand out other bytes.
@Suite struct HostilePackTests {
    private static let marker = "confidential-payload-line"

    /// A packed repository whose first commit adds `payload.txt` (whole in the pack) and `other.txt`.
    private static func packedRepository(_ scratch: ScratchDirectory) throws -> (git: GitCLI, payload: [UInt8], other: [UInt8]) {
        let payload = Array((0..<200).map { "\(marker) \($0 * 7919 % 1000)\n" }.joined().utf8)
        let other = Array((0..<50).map { "other file line \($0)\n" }.joined().utf8)
        let git = try GitCLI.repository(in: scratch, files: ["payload.txt": String(decoding: payload, as: UTF8.self),
                                                             "other.txt": String(decoding: other, as: UTF8.self)])
        try git.run("gc", "-q", "--prune=now")
        return (git, payload, other)
    }

    private static func reader(_ scratch: ScratchDirectory) -> PackObjectReader {
        PackObjectReader(objectsDirectory: scratch.path + "/.git/objects")
    }

    /// Rewrites the only index, given where the 32-bit offsets of two blobs' entries sit in it.
    private static func patchOffsets(_ scratch: ScratchDirectory, of first: [UInt8], and second: [UInt8],
                                     _ change: (inout [UInt8], Int, Int) -> Void) throws {
        let index = try onlyIndex(scratch)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: index)))
        let firstSlot = try #require(indexSlots(bytes, of: blobName(first)))
        let secondSlot = try #require(indexSlots(bytes, of: blobName(second)))
        try patchFile(index) { change(&$0, firstSlot.offset, secondSlot.offset) }
    }

    private static func onlyIndex(_ scratch: ScratchDirectory) throws -> String {
        let folder = scratch.path + "/.git/objects/pack/"
        return folder + (try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".idx") } ?? "")
    }

    @Test func aFlippedByteInABlobsZlibDataIsAnErrorNamingItWithoutItsContent() throws {
        let scratch = try ScratchDirectory()
        let (_, payload, _) = try Self.packedRepository(scratch)
        let name = blobName(payload)
        let entry = try #require(try packedEntries(scratch.path).first { $0.name == name.map { String(format: "%02x", $0) }.joined() })
        #expect(entry.depth == 0)
        for position in [entry.offset + entry.sizeInPack / 2, entry.offset + entry.sizeInPack - 1] {
            try patchFile(entry.pack) { $0[position] ^= 0x5A }
            #expect {
                _ = try Self.reader(scratch).blob(named: name)
            } throws: { error in
                let message = (error as? NativeError)?.description ?? ""
                return message.contains(entry.name) && message.contains("damaged") && !message.contains(Self.marker)
            }
            try patchFile(entry.pack) { $0[position] ^= 0x5A }
        }
        #expect(try Self.reader(scratch).blob(named: name) == payload)
    }

    @Test func aTruncatedPackIsRefusedOrAnErrorNeverOtherBytes() throws {
        let scratch = try ScratchDirectory()
        let (_, payload, other) = try Self.packedRepository(scratch)
        let pack = String(try Self.onlyIndex(scratch).dropLast(4)) + ".pack"
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: pack)))
        for length in [0, 11, 12, 31, 32, original.count / 2, original.count - 1] {
            try patchFile(pack) { $0 = Array(original.prefix(length)) }
            #expect(Self.reader(scratch).packCount == 0, "cut to \(length) bytes")
            #expect(try Self.reader(scratch).blob(named: blobName(payload)) == nil)
        }
        // Cut, but with the trailer the index expects: the index is accepted, the entries run out.
        for length in stride(from: 12, to: original.count - 20, by: 7) {
            try patchFile(pack) { $0 = Array(original.prefix(length) + original.suffix(20)) }
            for content in [payload, other] {
                do {
                    let read = try Self.reader(scratch).blob(named: blobName(content))
                    #expect(read == nil || read == content, "cut at \(length)")
                } catch {
                    #expect(error.description.contains("damaged"))
                }
            }
        }
    }

    @Test func anIndexThatSwapsTwoObjectsOffsetsIsAnError() throws {
        let scratch = try ScratchDirectory()
        let (_, payload, other) = try Self.packedRepository(scratch)
        try Self.patchOffsets(scratch, of: payload, and: other) { bytes, first, second in
            let saved = Array(bytes[first..<(first + 4)])
            bytes[first..<(first + 4)] = bytes[second..<(second + 4)]
            bytes[second..<(second + 4)] = saved[...]
        }
        for content in [payload, other] {
            #expect {
                _ = try Self.reader(scratch).blob(named: blobName(content))
            } throws: { error in
                (error as? NativeError)?.message.contains("does not match its name") == true
            }
        }
    }

    /// Index headers that do not hold together: the pack is skipped and libgit2 reads its objects.
    @Test(arguments: ["magic", "version", "fanout", "count", "pack checksum", "short"])
    func anIndexThatDoesNotHoldTogetherIsSkipped(damage: String) throws {
        let scratch = try ScratchDirectory()
        let (_, payload, _) = try Self.packedRepository(scratch)
        let index = try Self.onlyIndex(scratch)
        #expect(PackIndex(indexPath: index) != nil)
        switch damage {
        case "magic": try patchFile(index) { $0[1] = 0x75 }
        case "version": try patchFile(index) { $0[7] = 3 }
        // A count that falls from one slot to the next.
        case "fanout": try patchFile(index) { $0[8 + 4 * 100 + 3] = 0xFF; $0[8 + 4 * 100 + 2] = 0xFF }
        case "count": try patchFile(String(index.dropLast(4)) + ".pack") { $0[11] += 1 }
        case "pack checksum": try patchFile(index) { $0[$0.count - 40] ^= 1 }
        default: try patchFile(index) { $0 = Array($0.prefix(1000)) }
        }
        #expect(PackIndex(indexPath: index) == nil)
        #expect(try Self.reader(scratch).blob(named: blobName(payload)) == nil)
    }

    /// End to end: a blob a commit of the range adds is damaged in the pack. The scan must fail, not
    /// report a clean result without that file.
    @Test func aScanOverADamagedPackFailsInsteadOfSkippingTheFile() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let token = DemoTokens.token(1)
        let content = (0..<120).map { "filler \($0 * 31 % 97)\n" }.joined() + "key = \(token)\n"
        try scratch.write("config.txt", content)
        let head = try git.commitAll()
        try git.run("gc", "-q", "--prune=now")
        let scanner = try DemoTokens.scanner()
        let clean = try SecretScan.run(.git(repository: scratch.path, base: base, head: .revision(head)), scanner: scanner)
        #expect(clean.findings.map(\.ruleID) == ["demo-token"])

        let name = blobName(Array(content.utf8)).map { String(format: "%02x", $0) }.joined()
        let entry = try #require(try packedEntries(scratch.path).first { $0.name == name })
        try patchFile(entry.pack) { $0[entry.offset + entry.sizeInPack / 2] ^= 0x21 }
        #expect {
            _ = try SecretScan.run(.git(repository: scratch.path, base: base, head: .revision(head)), scanner: scanner)
        } throws: { error in
            "\(error)".contains(name) && !"\(error)".contains(token)
        }
    }

    /// End to end: the blob a commit adds is, in a pack, a reference delta on itself. The scan must fail
    /// with one line, not leave it to libgit2 (which follows the loop until memory runs out).
    @Test func aScanOverABlobWhoseDeltaChainLoopsFails() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let content = "key = \(DemoTokens.token(2))\n"
        try scratch.write("config.txt", content)
        let head = try git.commitAll()
        let name = blobName(Array(content.utf8))
        let hex = name.map { String(format: "%02x", $0) }.joined()
        try FileManager.default.removeItem(atPath: scratch.path + "/.git/objects/\(hex.prefix(2))/\(hex.dropFirst(2))")
        var loop = PackWriter()
        loop.add(.referenceDelta(base: name, delta: DeltaBytes.delta(baseSize: 1, resultSize: 1, DeltaBytes.insert([0x0A]))),
                 name: name)
        try loop.write(to: scratch.path + "/.git/objects/pack")
        #expect {
            _ = try SecretScan.run(.git(repository: scratch.path, base: base, head: .revision(head)), scanner: try DemoTokens.scanner())
        } throws: { error in
            "\(error)".contains("loops") && "\(error)".contains(hex)
        }
    }

    /// The index lists a second name at the offset of an object already read and checked: the content
    /// must be checked against that name too, or a secret blob's name could hand out a harmless blob.
    @Test func aSecondNameForACheckedObjectIsStillChecked() throws {
        let scratch = try ScratchDirectory()
        let (_, payload, other) = try Self.packedRepository(scratch)
        try Self.patchOffsets(scratch, of: payload, and: other) { bytes, first, second in
            bytes[second..<(second + 4)] = bytes[first..<(first + 4)]
        }
        let reader = Self.reader(scratch)
        #expect(try reader.blob(named: blobName(payload)) == payload)
        #expect {
            _ = try reader.blob(named: blobName(other))
        } throws: { error in
            (error as? NativeError)?.message.contains("does not match its name") == true
        }
    }

    /// A FIFO in place of a pack index would block libgit2 (and a plain `open`) forever: opening the
    /// repository is refused with one line instead.
    @Test func aFIFOAmongThePackFilesIsRefusedWithoutBlocking() throws {
        let scratch = try ScratchDirectory()
        _ = try Self.packedRepository(scratch)
        let fifo = scratch.path + "/.git/objects/pack/pack-0000000000000000000000000000000000000000.idx"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(PackIndex(indexPath: fifo) == nil)
        #expect {
            _ = try GitRepository(path: scratch.path)
        } throws: { error in
            (error as? NativeError)?.message.contains("is not a regular file") == true
        }
    }
}

/// The base commit's objects are already on the server, so a push never sends them and nobody there
/// hashes them again. An agent that owns `.git` can put a tree or commit in a pack under a base object's
/// name whose content says the base already held the new secret line: the diff then shows nothing added.
@Suite struct ForgedBaseObjectTests {
    private static func forge(kind: String) throws -> (scratch: ScratchDirectory, base: String, head: String, token: String) {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["a.txt": "hello\n"])
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let token = DemoTokens.token(7)
        try scratch.write("a.txt", "hello\nkey = \(token)\n")
        let head = try git.commitAll()
        let objectName = kind == "tree" ? base + "^{tree}" : base
        let victim = try git.run("rev-parse", objectName).trimmingCharacters(in: .whitespacesAndNewlines)
        // The head's own tree or commit, stored under the base object's name.
        let forgedContent = try gitData(scratch.path, ["cat-file", kind, kind == "tree" ? head + "^{tree}" : head])
        let type = kind == "tree" ? 2 : 1
        var writer = PackWriter()
        writer.add(.raw(type: type, size: forgedContent.count, data: PackWriter.zlibStored(Array(forgedContent))), name: hexBytes(victim))
        try writer.write(to: scratch.path + "/.git/objects/pack")
        let loose = scratch.path + "/.git/objects/" + victim.prefix(2) + "/" + victim.dropFirst(2)
        try FileManager.default.removeItem(atPath: loose)
        return (scratch, base, head, token)
    }

    @Test(arguments: ["tree", "commit"])
    func aForgedBaseObjectIsAnErrorNotAnEmptyDiff(kind: String) throws {
        let (scratch, base, head, token) = try Self.forge(kind: kind)
        let scanner = try DemoTokens.scanner()
        #expect {
            let result = try SecretScan.run(.git(repository: scratch.path, base: base, head: .revision(head)), scanner: scanner)
            // A scan that reads the real base finds the token; only a forged one can pass.
            if result.findings.isEmpty { Issue.record("the forged \(kind) hid the added line") }
        } throws: { error in
            "\(error)".contains("object hash mismatch") && !"\(error)".contains(token)
        }
    }
}
