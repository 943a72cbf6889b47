import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct UnifiedDiffReaderTests {
    private func read(_ text: String) throws -> DiffRecorder {
        let recorder = DiffRecorder()
        try UnifiedDiffReader(source: "test.diff").read(text, into: recorder)
        return recorder
    }

    @Test func readsAddedLinesWithNewLineNumbersAndIgnoresHunkHeaderContext() throws {
        let recorder = try read("""
        diff --git a/src/app.py b/src/app.py
        index 1111111..2222222 100644
        --- a/src/app.py
        +++ b/src/app.py
        @@ -10,3 +10,4 @@ OLD_TOKEN = "glpat-ShouldNeverBeScanned0"
         context
        -removed = "glpat-RemovedLineIsNotScanned"
        +added = 1
        +also = 2
         more
        """)
        #expect(recorder.added == [.init(path: "src/app.py", number: 11, text: "added = 1"),
                                   .init(path: "src/app.py", number: 12, text: "also = 2")])
        #expect(recorder.removed == 1)
        #expect(recorder.files.first?.newMode == .regular)
    }

    @Test func readsRenamesNewFilesDeletionsAndBinaryMarkers() throws {
        let recorder = try read("""
        diff --git a/old.txt b/new.txt
        similarity index 90%
        rename from old.txt
        rename to new.txt
        diff --git a/img.png b/img.png
        new file mode 100644
        index 0000000..1234567
        Binary files /dev/null and b/img.png differ
        diff --git a/gone.txt b/gone.txt
        deleted file mode 100644
        index 1234567..0000000
        --- a/gone.txt
        +++ /dev/null
        @@ -1 +0,0 @@
        -bye
        diff --git a/link b/link
        new file mode 120000
        --- /dev/null
        +++ b/link
        @@ -0,0 +1 @@
        +../../etc/passwd
        \\ No newline at end of file
        """)
        #expect(recorder.files.map(\.path) == ["new.txt", "img.png", "gone.txt", "link"])
        #expect(recorder.files[0].status == .renamed && recorder.files[0].oldPath == "old.txt")
        #expect(recorder.files[1].isBinary && recorder.files[1].status == .added)
        #expect(recorder.files[2].status == .deleted)
        #expect(recorder.files[3].newMode == .symlink)
        #expect(recorder.added == [.init(path: "link", number: 1, text: "../../etc/passwd")])
    }

    @Test func stripsCarriageReturnsAndKeepsInvalidUTF8() throws {
        let diff = "--- a/w.txt\r\n+++ b/w.txt\r\n@@ -0,0 +1,2 @@\r\n+crlf line\r\n+bad \u{FFFD} byte\r\n"
        let recorder = try read(diff)
        #expect(recorder.added.map(\.text) == ["crlf line", "bad \u{FFFD} byte"])
    }

    @Test func unquotesGitQuotedPaths() throws {
        let recorder = try read("""
        diff --git "a/dir/caf\\303\\251 tab\\t.txt" "b/dir/caf\\303\\251 tab\\t.txt"
        --- "a/dir/caf\\303\\251 tab\\t.txt"
        +++ "b/dir/caf\\303\\251 tab\\t.txt"
        @@ -1 +1 @@
        -a
        +b
        """)
        #expect(recorder.files.first?.path == "dir/café tab\t.txt")
    }

    @Test(arguments: [
        ("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n", "ends inside the hunk"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n", "line counts"),
        ("--- a/x\n+++ b/x\n@@ nonsense @@\n", "malformed hunk header"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\nzzz\n", "line counts"),
    ])
    func inconsistentDiffsAreErrors(diff: String, expected: String) {
        #expect {
            _ = try read(diff)
        } throws: { error in
            (error as? DiffParseError)?.description.contains(expected) == true
        }
    }

    @Test func gitLogOutputWithCommitMessagesIsRead() throws {
        let recorder = try read("""
        commit 0123456789abcdef0123456789abcdef01234567
        Author: A <a@example.com>

            add things

        diff --git a/a.txt b/a.txt
        --- a/a.txt
        +++ b/a.txt
        @@ -0,0 +1 @@
        +x
        """)
        #expect(recorder.added == [.init(path: "a.txt", number: 1, text: "x")])
    }

    @Test func plainDiffUWithTimestamps() throws {
        let recorder = try read("--- config.orig\t2026-01-01 00:00:00\n+++ config\t2026-01-02 00:00:00\n@@ -1 +1,2 @@\n a\n+b\n")
        #expect(recorder.added == [.init(path: "config", number: 2, text: "b")])
    }
}
