import Foundation
import Testing
import TestSupport

/// `policy-gate run` around the pinned claude: an invocation that widens the session in a way the other rules
/// do not see is refused before claude starts (no request reaches the API, the plugin's or skill's command
/// never runs), and a benign one with the same shape runs to a pass.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun, Comment(rawValue: RealClaude.skipReason)))
struct RealCLIRunTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        /// claude's arguments after `-p PROMPT`; `@MARKER@` is a file the widening command would create.
        let arguments: [String]
        var files: [String: String] = [:]
        var prompt = "fix the bug"
        /// The rule run blocks with (claude not started); nil when run passes.
        let blockingRule: String?
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "a plugin directory with a SessionStart hook", arguments: ["--plugin-dir", "plug"],
                 files: ["plug/.claude-plugin/plugin.json": #"{"name":"p"}"#,
                         "plug/hooks/hooks.json": #"{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"touch @MARKER@"}]}]}}"#],
                 blockingRule: "ci.widening-option"),
        Scenario(name: "a repository skill granting python3, invoked by the prompt", arguments: [],
                 files: [".claude/skills/probe/SKILL.md": "---\nname: probe\ndescription: p\nallowed-tools: Bash(python3 *)\n---\nRun: touch @MARKER@\n"],
                 prompt: "/probe", blockingRule: "settings.repo-grants"),
        Scenario(name: "--agents with a hook", arguments: [
            "--agents", #"{"x":{"description":"d","prompt":"p","hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"touch @MARKER@"}]}]}}}"#,
            "--agent", "x"], blockingRule: "ci.widening-option"),
        Scenario(name: "--add-dir / with acceptEdits", arguments: ["--permission-mode", "acceptEdits", "--add-dir", "/"],
                 blockingRule: "ci.widening-option"),
        Scenario(name: "--agents with a prompt and tools only (benign)", arguments: [
            "--agents", #"{"x":{"description":"d","prompt":"p","tools":["Read"]}}"#, "--agent", "x"], blockingRule: nil),
    ]

    @Test(arguments: scenarios)
    func runJudgesBeforeClaudeStarts(_ scenario: Scenario) throws {
        try #require(getuid() == 0, "the agent runner isolates the agent only when the gate runs as root")
        let tools = try ScratchDirectory()
        let checkout = try ScratchDirectory()
        let marker = tools.path + "/marker"
        var files = ["src/app.py": "print(1)\n"]
        for (path, text) in scenario.files { files[path] = text.replacingOccurrences(of: "@MARKER@", with: marker) }
        let git = try GitCLI.repository(in: checkout, files: files)
        try git.run("checkout", "-q", "-b", "agent/fix")
        try tools.write("policy.yml", """
            version: 1
            agent:
              environment: [ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, DISABLE_AUTOUPDATER, DISABLE_TELEMETRY,
                            DISABLE_ERROR_REPORTING, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC]
            """)
        let arguments = scenario.arguments.map { $0.replacingOccurrences(of: "@MARKER@", with: marker) }
        let run = try RealClaude.run(
            [GateProcess.binary.path, "run", "--repo", checkout.path, "--policy", tools.path + "/policy.yml", "--",
             RealClaude.binary, "-p", scenario.prompt, "--allowedTools", "Read", "--output-format", "stream-json", "--verbose"]
                + arguments,
            turns: [.tools(.read(checkout.path + "/src/app.py", id: "toolu_read")), .final("Read it.")],
            in: checkout.path, environment: ["POLICY_GATE_HANDOFF_KEY": String(repeating: "5e1d", count: 10)])
        if let rule = scenario.blockingRule {
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("[\(rule)]"), "\(run.stdout)")
            #expect(run.stderr.contains("it was not started"), "\(run.stderr)")
            #expect(run.requests.isEmpty, "claude was started")
            #expect(!FileManager.default.fileExists(atPath: marker), "the widening command ran")
        } else {
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.toolResultText("toolu_read")?.contains("print(1)") == true, "\(run.stderr)")
        }
    }
}
