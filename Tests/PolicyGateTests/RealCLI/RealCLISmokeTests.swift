import Foundation
import Testing
import TestSupport

/// The pinned claude CLI really runs the scripted tool calls, and policy-gate reads what it wrote.
@Suite(.enabled(if: RealClaude.shouldRun, Comment(rawValue: RealClaude.skipReason)))
struct RealCLISmokeTests {
    @Test func aBashCallAndAWriteAreRunAndTheTranscriptIsRead() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        try git.run("checkout", "-q", "-b", "agent/work")
        let run = try RealClaude.run(
            RealClaude.printMode(["--permission-mode", "acceptEdits", "--allowedTools", "Bash(echo *)", "Write"]),
            turns: [.tools(.bash("echo smoke-$((6*7))", id: "toolu_bash")),
                    .tools(.write(scratch.path + "/notes.txt", "written by the agent\n", id: "toolu_write")),
                    .final("Wrote the notes.")],
            in: scratch.path)
        #expect(run.status == 0, "\(run.stderr)")
        // The CLI ran both calls for real: the shell's output went back to the model, the file exists.
        #expect(run.toolResultText("toolu_bash") == "smoke-42")
        #expect(FileManager.default.contents(atPath: scratch.path + "/notes.txt") == Data("written by the agent\n".utf8))
        #expect(run.isolated || getuid() != 0, "as root the run must be inside a loopback-only namespace")

        let (outcome, rules, record) = try RealCLIPost.judge(run, in: scratch, git: git)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(rules.isEmpty, "\(rules)")
        #expect((record["inputs"] as? [String: Any])?["transcript_sha256"] != nil)
    }

    @Test func aRealWriteOutsideTheCheckoutIsBlockedFromItsTranscript() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        try git.run("checkout", "-q", "-b", "agent/work")
        let outside = scratch.path + "-outside.txt"
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let run = try RealClaude.run(
            RealClaude.printMode(["--permission-mode", "acceptEdits", "--allowedTools", "Write"]),
            turns: [.tools(.write(outside, "x\n", id: "toolu_out")), .final()], in: scratch.path)
        #expect(run.status == 0, "\(run.stderr)")
        // The CLI's own scoping lets this Write through (spec section 10); only the gate stops it.
        #expect(FileManager.default.fileExists(atPath: outside))
        let (outcome, rules, _) = try RealCLIPost.judge(run, in: scratch, git: git)
        #expect(outcome.status == 1)
        #expect(rules["transcript.path-outside-workspace"] == "block")
    }
}
