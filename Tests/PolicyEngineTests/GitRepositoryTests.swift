import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct GitRepositoryTests {
    @Test func resolvesRevisionsAndReportsMissingOnesWithLibgit2sWords() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let head = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let repository = try GitRepository(path: scratch.path)
        #expect(try repository.resolveCommit("HEAD") == head)
        #expect(try repository.resolveCommit(String(head.prefix(8))) == head)
        #expect {
            try repository.resolveCommit("no-such-branch")
        } throws: { error in
            (error as? NativeError)?.message.contains("no-such-branch") == true
        }
    }

    @Test func openingAFolderWithoutRepositoryFails() throws {
        let scratch = try ScratchDirectory()
        #expect(throws: NativeError.self) { try GitRepository(path: scratch.path) }
    }

    @Test func diffsCommitsWithRenamesModesSymlinksAndBinaries() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: [
            "keep.txt": "one\ntwo\nthree\n",
            "old-name.txt": (1...20).map { "line \($0)\n" }.joined(),
            "gone.txt": "bye\n",
        ])
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try scratch.write("keep.txt", "one\nTWO\nthree\nfour\n")
        try git.run("mv", "old-name.txt", "new-name.txt")
        try git.run("rm", "-q", "gone.txt")
        try scratch.write("blob.bin", Data([0, 1, 2, 0, 255]))
        try scratch.write("tool.sh", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.path + "/tool.sh")
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: "../../etc/passwd")
        let head = try git.commitAll()

        let recorder = DiffRecorder()
        try GitRepository(path: scratch.path).diff(from: base, to: .revision(head), into: recorder)
        let byPath = Dictionary(uniqueKeysWithValues: recorder.files.map { ($0.path, $0) })
        #expect(byPath["keep.txt"]?.status == .modified)
        #expect(byPath["new-name.txt"]?.status == .renamed)
        #expect(byPath["new-name.txt"]?.oldPath == "old-name.txt")
        #expect(byPath["gone.txt"]?.status == .deleted)
        #expect(byPath["blob.bin"]?.isBinary == true)
        #expect(byPath["tool.sh"]?.newMode == .executable)
        #expect(byPath["link"]?.newMode == .symlink)
        #expect(byPath["link"]?.symlinkTarget == "../../etc/passwd")
        let keepLines = recorder.added.filter { $0.path == "keep.txt" }
        #expect(keepLines == [.init(path: "keep.txt", number: 2, text: "TWO"), .init(path: "keep.txt", number: 4, text: "four")])
        #expect(!recorder.added.contains { $0.path == "blob.bin" })
    }

    /// The net diff of a change is read only for its list of files; new files' line counts come from
    /// the commits' reads of the same blobs. The list must be what reading every line gives.
    @Test func aListingWithCountsFromEarlierReadsEqualsAFullRead() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["base.txt": "one\ntwo\n", "gone.txt": "bye\n"])
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try scratch.write("crlf.txt", "a\r\nb\r\n\r\nc")
        try scratch.write("no-final-newline.txt", "x\ny")
        try scratch.write("empty.txt", "")
        try scratch.write("blank-lines.txt", "\n\n\n")
        try scratch.write("utf16.txt", Data([0xFF, 0xFE] + Array("line one\nline two\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        try scratch.write("blob.bin", Data([0, 1, 2] + Array("printable text run\nand another one".utf8) + [0, 0]))
        try scratch.write("later.txt", "first\n")
        try scratch.write("base.txt", "one\ntwo\nthree\n")
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: "base.txt")
        let first = try git.commitAll()
        try scratch.write("later.txt", "first\nsecond\nthird\n")
        try scratch.write("late-new.txt", "1\n2\n3\n4\n")
        try scratch.write("base.txt", "zero\none\ntwo\nthree\n")
        try git.run("rm", "-q", "gone.txt")
        let head = try git.commitAll()

        let repository = try GitRepository(path: scratch.path)
        let wholeFiles = WholeFileCounts()
        for (parent, commit) in [(base, first), (first, head)] {
            try repository.diff(from: parent, to: .revision(commit), into: ChangeCollector(commit: commit) { _ in },
                                wholeFiles: wholeFiles)
        }
        let listing = ChangeCollector(commit: nil, keepsLines: false) { _ in Issue.record("a listing handed out a fragment") }
        try repository.diff(from: base, to: .revision(head), into: listing, wholeFiles: wholeFiles, readsContent: false)
        let full = ChangeCollector(commit: nil) { _ in }
        try repository.diff(from: base, to: .revision(head), into: full)
        #expect(listing.files.count == 11)
        #expect(listing.files == full.files)
        let lines = Dictionary(uniqueKeysWithValues: full.files.map { ($0.path, $0.addedLines) })
        #expect(lines["crlf.txt"] == 4 && lines["empty.txt"] == 0 && lines["blank-lines.txt"] == 3 && lines["utf16.txt"] == 2)
    }

    @Test func diffsTheWorkingTreeWithUntrackedFiles() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["a.txt": "a\n", ".gitignore": "ignored/\n"])
        try scratch.write("a.txt", "a\nb\n")
        try scratch.write("new/dir/file.txt", "fresh\n")
        try scratch.write("ignored/secret.txt", "not part of the change\n")
        _ = git
        let recorder = DiffRecorder()
        try GitRepository(path: scratch.path).diff(from: "HEAD", to: .workingTree, into: recorder)
        #expect(Set(recorder.files.map(\.path)) == ["a.txt", "new/dir/file.txt"])
        #expect(recorder.added.contains(.init(path: "new/dir/file.txt", number: 1, text: "fresh")))
        #expect(recorder.added.contains(.init(path: "a.txt", number: 2, text: "b")))
    }

    @Test func readsAFileAtACommit() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: ["conf/policy.yml": "version: 1\n"])
        let repository = try GitRepository(path: scratch.path)
        #expect(try repository.fileContents(at: "HEAD", path: "conf/policy.yml") == Array("version: 1\n".utf8))
        #expect(throws: NativeError.self) { try repository.fileContents(at: "HEAD", path: "missing.yml") }
    }

    @Test func findsTheMergeBase() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let fork = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try git.run("checkout", "-q", "-b", "feature")
        try scratch.write("f.txt", "f\n")
        _ = try git.commitAll()
        try git.run("checkout", "-q", "main")
        try scratch.write("m.txt", "m\n")
        _ = try git.commitAll()
        #expect(try GitRepository(path: scratch.path).mergeBase("main", "feature") == fork)
    }
}
