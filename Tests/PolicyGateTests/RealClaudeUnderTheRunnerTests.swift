import Foundation
import Testing
import TestSupport

/// The pinned Claude Code CLI under `policy-gate run`, against the scripted Messages API: it must start
/// and work as the agent's own user (no passwd entry, a fresh HOME), run the tools the model asks for,
/// and never see the gate's own variables.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun, Comment(rawValue: RealClaude.skipReason)))
struct RealClaudeUnderTheRunnerTests {
    @Test func claudeRunsAsTheAgentUserWithoutTheGatesSecrets() throws {
        try #require(getuid() == 0, "the agent runner isolates the agent only when the gate runs as root")
        let tools = try ScratchDirectory()
        let checkout = try ScratchDirectory()
        _ = try GitCLI.repository(in: checkout, files: ["src/app.py": "print(1)\n"])
        // The fake API's address and the CLI's quiet switches are passed to the agent by name.
        try tools.write("policy.yml", """
            version: 1
            agent:
              tools:
                allow: [Bash, Write, Read]
                deny: []
              environment: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, DISABLE_AUTOUPDATER, DISABLE_TELEMETRY,
                            DISABLE_ERROR_REPORTING, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC]
            rules:
              tools.unscoped: off
            """)
        let key = String(repeating: "7f3a", count: 10)
        let report = tools.path + "/audit.json"
        let run = try RealClaude.run(
            [GateProcess.binary.path, "run", "--repo", checkout.path, "--policy", tools.path + "/policy.yml",
             "--report", "json=" + report, "--", RealClaude.binary, "-p", "fix the bug", "--permission-mode", "acceptEdits",
             "--allowedTools", "Bash,Write", "--output-format", "stream-json", "--verbose"],
            turns: [
                // The live hook refuses `printenv` itself, so the agent asks through a script it wrote: code
                // run that way is out of the hook's sight, and only the isolation keeps the secrets away.
                .tools(.write(checkout.path + "/src/probe.sh", "id -u; printenv POLICY_GATE_HANDOFF_KEY CI_JOB_TOKEN; echo end\n",
                              id: "toolu_probe")),
                .tools(.bash("sh src/probe.sh", id: "toolu_env")),
                .tools(.write(checkout.path + "/src/app.py", "print(2)\n", id: "toolu_write")),
                .final("Fixed."),
            ],
            in: checkout.path, environment: ["POLICY_GATE_HANDOFF_KEY": key, "CI_JOB_TOKEN": "job-token-" + key])
        // The agent asked for the environment: it got none of the gate's secrets.
        let seen = try #require(run.toolResultText("toolu_env"), "the model never got the command's output")
        #expect(seen.hasPrefix("65532"), "claude's Bash did not run as the agent user: \(seen)")
        #expect(!seen.contains(key))
        #expect(seen.contains("end"))
        // The Write landed in the checkout and in the gate's commit of it.
        let git = GitCLI(directory: checkout.path)
        try git.run("fetch", "-q", checkout.path + "/.policy-gate/agent.bundle", "HEAD:refs/gate/agent")
        #expect(try git.run("show", "refs/gate/agent:src/app.py") == "print(2)\n")
        let record = try String(contentsOfFile: report, encoding: .utf8)
        #expect(record.contains("user 65532:65532"))
        #expect(!record.contains(key))
    }
}
