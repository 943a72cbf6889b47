import Foundation
import Testing
import TestSupport

@Suite struct ScanCommandTests {
    private func repositoryWithLeaks() throws -> (ScratchDirectory, GitCLI, base: String, head: String) {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["app/config.py": "DEBUG = False\n",
                                                             "old.env": "TOKEN=\(FakeSecrets.gitlabToken)\n"])
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try scratch.write("app/config.py", "DEBUG = False\nGITLAB = \"\(FakeSecrets.gitlabToken)\"\n")
        try scratch.write("app/llm.ts", "// client\nconst key = '\(FakeSecrets.anthropicKey)';\n")
        try FileManager.default.removeItem(atPath: scratch.path + "/old.env")  // the old token only in a removed line
        let head = try git.commitAll()
        return (scratch, git, base, head)
    }

    private func expectNoSecrets(_ outcome: GateProcess.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!outcome.allOutput.contains(FakeSecrets.gitlabToken), sourceLocation: sourceLocation)
        #expect(!outcome.allOutput.contains(FakeSecrets.anthropicKey), sourceLocation: sourceLocation)
        #expect(!outcome.allOutput.contains(String(FakeSecrets.anthropicKey.dropFirst(4).prefix(24))), sourceLocation: sourceLocation)
    }

    @Test func rangeScanFindsTokensInAddedLinesOnlyRedacted() throws {
        let (scratch, _, base, head) = try repositoryWithLeaks()
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base, "--head", head, "--format", "json"])
        #expect(outcome.status == 1)
        expectNoSecrets(outcome)
        let document = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        let findings = try #require(document?["findings"] as? [[String: Any]])
        let places = Set(findings.map { "\($0["path"] ?? ""):\($0["line"] ?? 0)" })
        #expect(places == ["app/config.py:2", "app/llm.ts:2"])
        #expect(findings.allSatisfy { ($0["redacted"] as? String)?.contains("…#") == true })
    }

    @Test func diffFromStandardInputGivesTheSameFindings() throws {
        let (scratch, git, base, head) = try repositoryWithLeaks()
        let diff = try git.run("diff", base, head)
        let outcome = try GateProcess.run(["scan", "--diff", "-"], stdin: Data(diff.utf8), directory: scratch.path)
        #expect(outcome.status == 1)
        expectNoSecrets(outcome)
        #expect(outcome.stdout.contains("app/config.py:2: secret ["))
        #expect(outcome.stdout.contains("app/llm.ts:2: secret ["))
        #expect(!outcome.stdout.contains("old.env"))
    }

    @Test func cleanChangeExitsZero() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        try scratch.write("src/main.swift", "print(\"hello\")\nlet password = ProcessInfo.processInfo.environment[\"DB_PASSWORD\"]\n")
        let head = try git.commitAll()
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", "HEAD~1", "--head", head])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("0 secrets found"))
    }

    @Test func worktreeScanSeesUntrackedFiles() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        try scratch.write("notes/new.txt", "token: \(FakeSecrets.gitlabToken)\n")
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--worktree"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("notes/new.txt:1:"))
        expectNoSecrets(outcome)
    }

    @Test(arguments: [
        (["scan", "--base", "no-such-rev", "--head", "HEAD"], "revision 'no-such-rev' does not name a commit"),
        (["scan", "--diff", "/nonexistent/file.diff"], "/nonexistent/file.diff: cannot open the diff"),
        (["scan", "--rules", "/nonexistent/rules.toml", "--worktree"], "/nonexistent/rules.toml: cannot read the file"),
    ])
    func unreadableInputsExitTwoWithOneLine(arguments: [String], expected: String) throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let outcome = try GateProcess.run(arguments + ["--repo", scratch.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(expected))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test func brokenRuleFileExitsTwoNamingTheRuleAndOffset() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        try scratch.write("rules.toml", "[[rules]]\nid = \"broken\"\nregex = '''abc[def'''\n")
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--worktree", "--rules", scratch.path + "/rules.toml"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("rules.toml:1: rule 'broken': regex does not compile"))
        #expect(outcome.stderr.contains("at offset"))
    }

    @Test func truncatedDiffIsNotReadAsClean() throws {
        let diff = "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n+b\n"
        let outcome = try GateProcess.run(["scan", "--diff", "-"], stdin: Data(diff.utf8))
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("truncated"))
    }

    @Test func emptyRepositoryIsAClearError() throws {
        let scratch = try ScratchDirectory()
        try GitCLI(directory: scratch.path).run("init", "-q")
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--worktree"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("revision 'HEAD' does not name a commit"))
    }

    @Test func sarifOutputGoesToTheRequestedFile() throws {
        let (scratch, _, base, head) = try repositoryWithLeaks()
        let report = scratch.path + "/out.sarif"
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base, "--head", head,
                                           "--format", "sarif", "--output", report])
        #expect(outcome.status == 1)
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("\"version\" : \"2.1.0\""))
        #expect(!text.contains(FakeSecrets.gitlabToken))
    }
}
