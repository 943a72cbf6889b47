import Foundation
import Testing
import TestSupport

@Suite struct InitCommandTests {
    static let files = [".policy-gate.yml", ".gitlab/policy-gate.gitlab-ci.yml", "CLAUDE.md"]

    private func emptyRepository() throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        try GitCLI(directory: scratch.path).run("init", "-q", "-b", "main")
        return scratch
    }

    private func contents(in scratch: ScratchDirectory) -> [String: String] {
        var result: [String: String] = [:]
        for file in Self.files {
            result[file] = try? String(contentsOfFile: scratch.path + "/" + file, encoding: .utf8)
        }
        return result
    }

    @Test func initInAnEmptyRepositoryWritesFilesThatCheckPolicyAccepts() throws {
        let scratch = try emptyRepository()
        let outcome = try GateProcess.run(["init", "--repo", scratch.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for file in Self.files {
            #expect(outcome.stdout.contains("wrote \(scratch.path)/\(file):"), "\(outcome.stdout)")
        }
        let check = try GateProcess.run(["check-policy", scratch.path + "/.policy-gate.yml"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("# effective policy from \(scratch.path)/.policy-gate.yml"))
        // With no --policy, pre finds the new file at the repository root and loads it.
        try GitCLI(directory: scratch.path).run("commit", "-q", "--allow-empty", "-m", "base")
        let pre = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/state.json",
                                       "--claude-args", "claude -p task --permission-mode dontAsk --allowedTools Read,Edit"])
        #expect(pre.status == 0, "\(pre.stdout)\(pre.stderr)")
        #expect(pre.stdout.contains("(policy: \(scratch.path)/.policy-gate.yml)"))
        let written = contents(in: scratch)
        #expect(written["CLAUDE.md"] == (try String(contentsOfFile: PackagePaths.root + "/CLAUDE.md.example", encoding: .utf8)))
        #expect(written[".gitlab/policy-gate.gitlab-ci.yml"]?.contains("component: $CI_SERVER_FQDN/") == true)
    }

    @Test func theStarterPolicyIsTheBuiltInPolicySpelledOut() throws {
        let scratch = try emptyRepository()
        #expect(try GateProcess.run(["init", "--repo", scratch.path]).status == 0)
        let starter = try GateProcess.run(["check-policy", scratch.path + "/.policy-gate.yml"])
        let builtIn = try GateProcess.run(["check-policy"])
        // The first line names the file and its digest; everything after it is the effective policy.
        #expect(starter.stdout.split(separator: "\n").dropFirst() == builtIn.stdout.split(separator: "\n").dropFirst())
    }

    @Test func secondInitWithoutForceExitsTwoAndChangesNothing() throws {
        let scratch = try emptyRepository()
        #expect(try GateProcess.run(["init", "--repo", scratch.path]).status == 0)
        try scratch.write("CLAUDE.md", "# our own instructions\n")
        let before = contents(in: scratch)
        let again = try GateProcess.run(["init", "--repo", scratch.path])
        #expect(again.status == 2)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.split(separator: "\n").count == 1)
        #expect(again.stderr.contains("\(scratch.path)/.policy-gate.yml: already exists"), "\(again.stderr)")
        #expect(contents(in: scratch) == before)

        let forced = try GateProcess.run(["init", "--repo", scratch.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(contents(in: scratch)["CLAUDE.md"]?.hasPrefix("# Working in this repository under policy-gate") == true)
    }

    @Test func anyExistingFileStopsInitBeforeItWritesAnything() throws {
        let scratch = try emptyRepository()
        try scratch.write("CLAUDE.md", "# our own instructions\n")
        let outcome = try GateProcess.run(["init", "--repo", scratch.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(scratch.path)/CLAUDE.md: already exists"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/.policy-gate.yml"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/.gitlab"))
    }

    @Test func aSymlinkCountsAsExistingAndForceReplacesItRatherThanWritingThroughIt() throws {
        let scratch = try emptyRepository()
        let outside = try ScratchDirectory()
        let target = outside.path + "/planted.md"
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/CLAUDE.md", withDestinationPath: target)
        let refused = try GateProcess.run(["init", "--repo", scratch.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("CLAUDE.md: already exists"))
        let forced = try GateProcess.run(["init", "--repo", scratch.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path + "/CLAUDE.md")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    }

    @Test func aMissingRepositoryFolderExitsTwo() throws {
        let outcome = try GateProcess.run(["init", "--repo", "/nonexistent/policy-gate-init"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "error: /nonexistent/policy-gate-init: not a folder\n")
    }
}
