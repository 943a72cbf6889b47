import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// The diffs made from pack-read blobs (`CommonLines`, `LineDiff`, xdiff on the middle) against libgit2's
/// own patches, commit by commit over a random history.
@Suite struct BlobDiffDifferentialTests {
    /// Each file's added lines and removed count, as a visitor saw them.
    final class FileRecorder: DiffVisitor {
        struct File {
            var file: ChangedFile
            var added: [(number: Int, text: String)] = []
            var removed = 0
        }

        var files: [File] = []

        func beginFile(_ file: ChangedFile) throws { files.append(File(file: file)) }
        func beginHunk() throws {}
        func addedLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
            files[files.count - 1].added.append((lineNumber, String(decoding: bytes, as: UTF8.self)))
        }
        func removedLine() throws { files[files.count - 1].removed += 1 }
        func unscanned(size: Int) throws {}
        func endFile(isBinary: Bool) throws {}
    }

    /// A history of random edits: files with distinct lines (`d*`), files of a few repeated lines
    /// (`r*`, one with CRLF), and a large file one commit rewrites in its middle (past LineDiff's limit).
    private struct History {
        var random: SeededRandom
        var files: [String: [String]] = [:]
        var counter = 0

        mutating func uniqueLine() -> String {
            counter += 1
            return "unique line \(counter)\n"
        }

        mutating func line(for path: String) -> String {
            if path.hasPrefix("d") { return uniqueLine() }
            let alphabet = ["{\n", "}\n", "\n", "return x\n", "a\n", "b\n", "  // same\n"]
            let line = alphabet[random.below(alphabet.count)]
            return path.hasPrefix("rw") ? line.replacingOccurrences(of: "\n", with: "\r\n") : line
        }

        mutating func edit(_ path: String) {
            var lines = files[path] ?? []
            let at = random.below(lines.count + 1)
            let length = 1 + random.below(4)
            switch random.below(9) {
            case 0, 1: lines.insert(contentsOf: (0..<length).map { _ in line(for: path) }, at: at)
            case 2: lines.removeSubrange(at..<min(lines.count, at + length))
            case 3, 4: for index in at..<min(lines.count, at + length) { lines[index] = line(for: path) }
            case 5: lines += (0..<length).map { _ in line(for: path) }
            case 6: lines.insert(contentsOf: (0..<length).map { _ in line(for: path) }, at: 0)
            case 7:
                // The last line loses or gains its newline.
                if let last = lines.last { lines[lines.count - 1] = last.hasSuffix("\n") ? String(last.dropLast()) : last + "\n" }
            default: if random.below(3) == 0, path != "d-large.txt" { lines = [] }
            }
            // Only the last line may lack its newline.
            for index in lines.indices.dropLast() where !lines[index].hasSuffix("\n") { lines[index] += "\n" }
            files[path] = lines
        }
    }

    private static func lines(_ text: String) -> [String] {
        var result: [String] = [], current = ""
        for character in text.unicodeScalars {
            current.unicodeScalars.append(character)
            if character == "\n" { result.append(current); current = "" }
        }
        return current.isEmpty ? result : result + [current]
    }

    /// The added lines are the new version's lines at their numbers, and the other lines are the old
    /// version's minus exactly the removed ones, in order: a correct edit script.
    private static func expectValid(_ recorded: FileRecorder.File, old: String, new: String, _ label: String) {
        let oldLines = lines(old), newLines = lines(new)
        let addedNumbers = Set(recorded.added.map(\.number))
        #expect(addedNumbers.count == recorded.added.count && addedNumbers.allSatisfy { (1...newLines.count).contains($0) }, "\(label)")
        for (number, text) in recorded.added where (1...newLines.count).contains(number) {
            let line = newLines[number - 1]
            #expect(text == line.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "\n", with: ""), "\(label) line \(number)")
        }
        let kept = newLines.indices.filter { !addedNumbers.contains($0 + 1) }.map { newLines[$0] }
        var oldIterator = oldLines.makeIterator()
        let isSubsequence = kept.allSatisfy { line in
            while let next = oldIterator.next() { if next == line { return true } }
            return false
        }
        #expect(isSubsequence && kept.count == oldLines.count - recorded.removed, "\(label): not a correct edit script")
    }

    /// End to end through the scan: tokens edited into a packed file are found at their lines, whether
    /// the middle goes to LineDiff (one inserted line) or to xdiff (1500 lines rewritten).
    @Test func tokensEditedIntoAPackedFileAreFoundAtTheirLines() throws {
        let scratch = try ScratchDirectory()
        var lines = (0..<4000).map { "line \($0)\n" }
        let git = try GitCLI.repository(in: scratch, files: ["big.txt": lines.joined()])
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        lines.insert("key = \(DemoTokens.token(1))\n", at: 2000)
        try scratch.write("big.txt", lines.joined())
        _ = try git.commitAll()
        var rewritten = (0..<1500).map { "rewritten \($0)\n" }
        rewritten[700] = "other = \(DemoTokens.token(2))\n"
        lines.replaceSubrange(500..<2000, with: rewritten)
        try scratch.write("big.txt", lines.joined())
        let head = try git.commitAll()
        try git.run("gc", "-q", "--prune=now")
        let result = try SecretScan.run(.git(repository: scratch.path, base: base, head: .revision(head)), scanner: try DemoTokens.scanner())
        #expect(result.findings.map(\.line).sorted() == [1201, 2001])
    }

    @Test(arguments: [2026, 7, 31337] as [UInt64])
    func diffsFromPackedBlobsAreCorrectAndMatchLibgit2(seed: UInt64) throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["README.md": "history\n"])
        var history = History(random: SeededRandom(seed: seed))
        let paths = ["d0.txt", "d1.txt", "d2.txt", "d3.txt", "r0.txt", "r1.txt", "r2.txt", "rw.txt"]
        for path in paths { history.files[path] = (0..<30).map { _ in history.line(for: path) } }
        history.files["d-large.txt"] = (0..<3000).map { _ in history.uniqueLine() }
        var snapshots: [[String: String]] = []
        var commits: [String] = []
        for step in 0..<32 {
            if step > 0 {
                for _ in 0..<(1 + history.random.below(3)) { history.edit(paths[history.random.below(paths.count)]) }
                history.edit("d-large.txt")
            }
            if step == 20 {  // far more changed lines than LineDiff takes: xdiff diffs the middle
                let rewritten = (0..<1100).map { _ in history.uniqueLine() }
                #expect(history.files["d-large.txt", default: []].count > 2200)
                history.files["d-large.txt"]?.replaceSubrange(1000..<2200, with: rewritten)
            }
            if step == 12, let moved = history.files.removeValue(forKey: "d1.txt") {  // a rename with an edit
                history.files["d1-renamed.txt"] = moved + ["renamed\n"]
                try FileManager.default.removeItem(atPath: scratch.path + "/d1.txt")
            }
            for (path, lines) in history.files { try scratch.write(path, lines.joined()) }
            if step % 5 == 0 {  // a symlink's target is its blob: a one-line file without newline
                try? FileManager.default.removeItem(atPath: scratch.path + "/link")
                try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: "target/\(step)")
            }
            commits.append(try git.commitAll("step \(step)"))
            snapshots.append(history.files.mapValues { $0.joined() }.merging(["link": "target/\(step / 5 * 5)"]) { $1 })
        }
        try git.run("repack", "-adq", "--depth=50", "--window=50")
        try git.run("prune-packed")
        let packs = PackObjectReader(objectsDirectory: scratch.path + "/.git/objects")
        #expect(packs.packCount == 1)

        var numberingDiffers = 0, repeatedFiles = 0
        for index in 1..<commits.count {
            let ours = FileRecorder(), theirs = FileRecorder()
            try GitRepository(path: scratch.path, checksLooseObjects: true, packs: packs)
                .diff(from: commits[index - 1], to: .revision(commits[index]), into: ours)
            try GitRepository(path: scratch.path).diff(from: commits[index - 1], to: .revision(commits[index]), into: theirs)
            #expect(ours.files.map { "\($0.file.status) \($0.file.oldPath ?? "") \($0.file.path)" }
                    == theirs.files.map { "\($0.file.status) \($0.file.oldPath ?? "") \($0.file.path)" }, "step \(index)")
            for (mine, libgit2) in zip(ours.files, theirs.files) {
                let path = mine.file.path, label = "step \(index) \(path)"
                let old = snapshots[index - 1][mine.file.oldPath ?? path] ?? "", new = snapshots[index][path] ?? ""
                Self.expectValid(mine, old: old, new: new, label)
                Self.expectValid(libgit2, old: old, new: new, "libgit2 " + label)
                if path.hasPrefix("d") {
                    #expect(mine.added.map(\.text).sorted() == libgit2.added.map(\.text).sorted(), "\(label)")
                    #expect(mine.added.map(\.number) == libgit2.added.map(\.number), "\(label)")
                } else {
                    repeatedFiles += 1
                    if mine.added.map(\.number) != libgit2.added.map(\.number) { numberingDiffers += 1 }
                }
            }
        }
        print("BlobDiffDifferentialTests: added line numbers differ from libgit2's in \(numberingDiffers) of \(repeatedFiles) changed files of repeated lines")
    }
}
