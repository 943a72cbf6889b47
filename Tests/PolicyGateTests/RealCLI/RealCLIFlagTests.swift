import Foundation
import Testing
import TestSupport

/// A widening flag, as the pinned claude really applies it, and what `pre` makes of the same arguments.
struct FlagCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Arguments after `-p PROMPT --output-format stream-json --verbose --allowedTools Read`. `@OUTSIDE@`
    /// stands for a directory beside the checkout.
    let arguments: [String]
    var environment: [String: String] = [:]
    /// Files written into the checkout (and committed) before the run; `@MARKER@` is the marker file's path.
    var files: [String: String] = [:]
    /// Whether the real CLI let the probe (a python3 command through Bash, never granted by --allowedTools;
    /// or a Write outside the checkout when `writesOutside`) run.
    let probeRuns: Bool
    /// The rule pre must block with; nil when pre passes.
    let blockingRule: String?
    /// The probe is a Write to `@OUTSIDE@/probe.txt` instead of the Bash command.
    var writesOutside = false
    /// The flag brings a command in that the CLI runs (it touches `@MARKER@`).
    var runsCommand = false
    /// The CLI refuses the command line (exit 1, no request) and pre cannot decide (exit 2).
    var refused = false
    var prompt = "do the task"
    var testDescription: String { name }
}

/// A plugin whose SessionStart hook touches the marker.
private let pluginFiles = [
    "plug/.claude-plugin/plugin.json": #"{"name":"probe-plugin"}"#,
    "plug/hooks/hooks.json": #"{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"touch @MARKER@"}]}]}}"#,
]
/// A skill of the repository whose allowed-tools grant python3.
private let skillFiles = [".claude/skills/probe/SKILL.md": "---\nname: probe\ndescription: probe\nallowed-tools: Bash(python3 *)\n---\nRun the probe.\n"]
private let grantPython = #"{"permissions":{"allow":["Bash(python3 *)"]}}"#
private let onlyEnv = #"{"env":{"PROBE_SETTING":"1"}}"#

@Suite(.enabled(if: RealClaude.shouldRun, Comment(rawValue: RealClaude.skipReason)))
struct RealCLIFlagTests {
    static let marker = "policy-gate-widening-marker"

    static let cases: [FlagCase] = [
        FlagCase(name: "only Read granted", arguments: [], probeRuns: false, blockingRule: nil),
        FlagCase(name: "--effort takes a value", arguments: ["--effort", "high"], probeRuns: false, blockingRule: nil),
        FlagCase(name: "--managed-settings grants Bash",
                 arguments: ["--managed-settings", #"{"permissions":{"allow":["Bash"]}}"#], probeRuns: true,
                 blockingRule: "settings.repo-grants"),
        FlagCase(name: "inline --settings grants Bash",
                 arguments: ["--settings", #"{"permissions":{"allow":["Bash(python3 *)"]}}"#], probeRuns: true,
                 blockingRule: "settings.repo-grants"),
        FlagCase(name: "--inherit-permission-mode bypassPermissions",
                 arguments: ["--inherit-permission-mode", "bypassPermissions"], environment: ["IS_SANDBOX": "1"], probeRuns: true,
                 blockingRule: "permission-mode.forbidden"),
        FlagCase(name: "--permission-mode bypassPermissions",
                 arguments: ["--permission-mode", "bypassPermissions"], environment: ["IS_SANDBOX": "1"], probeRuns: true,
                 blockingRule: "permission-mode.forbidden"),
        FlagCase(name: "inline --settings hook runs a command",
                 arguments: ["--settings", #"{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"touch \#(marker)"}]}]}}"#],
                 probeRuns: false, blockingRule: "settings.repo-grants"),
        FlagCase(name: "inline --mcp-config stdio server is spawned",
                 arguments: ["--mcp-config", #"{"mcpServers":{"x":{"command":"sh","args":["-c","touch \#(marker); sleep 1"]}}}"#],
                 probeRuns: false, blockingRule: "settings.repo-grants"),
        // Plugins, agents, directories and the permission prompt tool: ci.widening-option.
        FlagCase(name: "--plugin-dir plugin's hook runs", arguments: ["--plugin-dir", "plug"], files: pluginFiles,
                 probeRuns: false, blockingRule: "ci.widening-option", runsCommand: true),
        FlagCase(name: "--plugin-dir= form, plugin's hook runs", arguments: ["--plugin-dir=plug"], files: pluginFiles,
                 probeRuns: false, blockingRule: "ci.widening-option", runsCommand: true),
        FlagCase(name: "--plugin-url is fetched", arguments: ["--plugin-url=http://127.0.0.1:9/p.zip"],
                 probeRuns: false, blockingRule: "ci.widening-option"),
        FlagCase(name: "--agents hook runs in the main session",
                 arguments: ["--agents", #"{"x":{"description":"d","prompt":"p","hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"touch @MARKER@"}]}]}}}"#,
                             "--agent", "x"],
                 probeRuns: false, blockingRule: "ci.widening-option", runsCommand: true),
        FlagCase(name: "--agents permissionMode bypassPermissions (the CLI keeps the session's mode)",
                 arguments: ["--agents", #"{"x":{"description":"d","prompt":"p","permissionMode":"bypassPermissions"}}"#, "--agent", "x"],
                 environment: ["IS_SANDBOX": "1"], probeRuns: false, blockingRule: "ci.widening-option"),
        FlagCase(name: "--agents with a prompt and tools only",
                 arguments: ["--agents", #"{"x":{"description":"d","prompt":"p","tools":["Read","Bash"]}}"#, "--agent", "x"],
                 probeRuns: false, blockingRule: nil),
        FlagCase(name: "--permission-prompt-tool", arguments: ["--permission-prompt-tool", "mcp__x__approve"],
                 probeRuns: false, blockingRule: "ci.widening-option"),
        FlagCase(name: "--permission-prompt-tool that approves everything",
                 arguments: ["--mcp-config", #"{"mcpServers":{"gate":{"command":"python3","args":["\#(RealClaude.repositoryRoot)/Tests/RealCLI/fake_mcp_server.py"]}}}"#,
                             "--permission-prompt-tool", "mcp__gate__approve"],
                 probeRuns: true, blockingRule: "ci.widening-option"),
        FlagCase(name: "--add-dir outside lets Write leave the checkout",
                 arguments: ["--permission-mode", "acceptEdits", "--add-dir", "@OUTSIDE@"],
                 probeRuns: true, blockingRule: "ci.widening-option", writesOutside: true),
        FlagCase(name: "acceptEdits without --add-dir keeps Write inside", arguments: ["--permission-mode", "acceptEdits"],
                 probeRuns: false, blockingRule: nil, writesOutside: true),
        FlagCase(name: "--add-dir inside the checkout", arguments: ["--permission-mode", "acceptEdits", "--add-dir", "src"],
                 files: ["src/a.txt": "a"], probeRuns: false, blockingRule: nil, writesOutside: true),
        // Settings keys read wherever settings are read.
        FlagCase(name: "--settings enables a plugin from a marketplace in the checkout",
                 arguments: ["--settings", #"{"enabledPlugins":{"probe-plugin@acme":true},"extraKnownMarketplaces":{"acme":{"source":{"source":"directory","path":"./m"}}}}"#],
                 files: ["m/.claude-plugin/marketplace.json": #"{"name":"acme","owner":{"name":"a"},"plugins":[{"name":"probe-plugin","source":"./plug"}]}"#,
                         "m/plug/.claude-plugin/plugin.json": #"{"name":"probe-plugin"}"#],
                 probeRuns: false, blockingRule: "settings.repo-grants"),
        FlagCase(name: "--settings awsAuthRefresh", arguments: ["--settings", #"{"awsAuthRefresh":"touch @MARKER@"}"#],
                 probeRuns: false, blockingRule: "settings.repo-grants"),
        // A repository skill's allowed-tools apply when the prompt invokes it.
        FlagCase(name: "a skill's allowed-tools grant python3 for /probe", arguments: [], files: skillFiles,
                 probeRuns: true, blockingRule: "settings.repo-grants", prompt: "/probe"),
        FlagCase(name: "a skill is not loaded with --setting-sources user", arguments: ["--setting-sources", "user"], files: skillFiles,
                 probeRuns: false, blockingRule: nil, prompt: "/probe"),
        FlagCase(name: "a skill is not loaded with --bare", arguments: ["--bare"], files: skillFiles,
                 probeRuns: false, blockingRule: nil, prompt: "/probe"),
        FlagCase(name: "a skill's hooks run", arguments: [], files: [".claude/skills/probe/SKILL.md":
                    "---\nname: probe\ndescription: probe\nhooks:\n  PreToolUse:\n    - matcher: \"*\"\n      hooks:\n        - type: command\n          command: touch @MARKER@\n---\nRun the probe.\n"],
                 probeRuns: false, blockingRule: "settings.repo-grants", runsCommand: true, prompt: "/probe"),
        // Spellings and repeats, as the binary reads them.
        FlagCase(name: "--settings twice: the last applies (grant first)", arguments: ["--settings", grantPython, "--settings", onlyEnv],
                 probeRuns: false, blockingRule: "settings.repo-grants"),
        FlagCase(name: "--settings twice: the last applies (grant last)", arguments: ["--settings", onlyEnv, "--settings", grantPython],
                 probeRuns: true, blockingRule: "settings.repo-grants"),
        FlagCase(name: "--managed-settings twice: the last applies", arguments: ["--managed-settings", grantPython, "--managed-settings", onlyEnv],
                 probeRuns: false, blockingRule: "settings.repo-grants"),
        FlagCase(name: "--settings and --managed-settings both apply", arguments: ["--settings", grantPython, "--managed-settings", onlyEnv],
                 probeRuns: true, blockingRule: "settings.repo-grants"),
        FlagCase(name: "--allowedTools twice: merged", arguments: ["--allowedTools", "Bash(python3 *)"],
                 probeRuns: true, blockingRule: "tools.not-allowed"),
        FlagCase(name: "--allowedTools= form", arguments: ["--allowedTools=Bash(python3 *)"],
                 probeRuns: true, blockingRule: "tools.not-allowed"),
        FlagCase(name: "--permission-mode twice: the last applies (bypass first)",
                 arguments: ["--permission-mode", "bypassPermissions", "--permission-mode", "default"], environment: ["IS_SANDBOX": "1"],
                 probeRuns: false, blockingRule: nil),
        FlagCase(name: "--permission-mode twice: the last applies (bypass last)",
                 arguments: ["--permission-mode", "default", "--permission-mode", "bypassPermissions"], environment: ["IS_SANDBOX": "1"],
                 probeRuns: true, blockingRule: "permission-mode.forbidden"),
        FlagCase(name: "--permission-mode= form", arguments: ["--permission-mode=bypassPermissions"], environment: ["IS_SANDBOX": "1"],
                 probeRuns: true, blockingRule: "permission-mode.forbidden"),
        FlagCase(name: "no abbreviations: --allowedTool", arguments: ["--allowedTool", "Bash(python3 *)"],
                 probeRuns: false, blockingRule: nil, refused: true),
        FlagCase(name: "options are case-sensitive: --allowedtools", arguments: ["--allowedtools", "Bash(python3 *)"],
                 probeRuns: false, blockingRule: nil, refused: true),
    ]

    @Test(arguments: cases)
    func preRecordsWhatTheCLIAllows(_ testCase: FlagCase) throws {
        let scratch = try ScratchDirectory()
        let outside = scratch.path + "-outside", marker = scratch.path + "-marker"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { for path in [outside, marker] { try? FileManager.default.removeItem(atPath: path) } }
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "@OUTSIDE@", with: outside).replacingOccurrences(of: "@MARKER@", with: marker)
        }
        var files = ["README.md": "hello\n"]
        for (path, text) in testCase.files { files[path] = fill(text) }
        let git = try GitCLI.repository(in: scratch, files: files)
        try git.run("checkout", "-q", "-b", "agent/work")
        let tail = ["--allowedTools", "Read"] + testCase.arguments.map(fill)
        let probe: ToolUse = testCase.writesOutside
            ? .write(outside + "/probe.txt", "x", id: "toolu_probe")
            : .bash("python3 -c 'print(\"probe-ran\")'", id: "toolu_probe")
        let run = try RealClaude.run(RealClaude.printMode(tail, prompt: testCase.prompt), turns: [.tools(probe), .final()],
                                     in: scratch.path, environment: testCase.environment)
        if testCase.refused {
            #expect(run.status == 1 && run.requests.isEmpty, "\(run.stderr)")
            #expect(run.stderr.contains("unknown option"), "\(run.stderr)")
        }
        let ran = testCase.writesOutside
            ? FileManager.default.fileExists(atPath: outside + "/probe.txt")
            : run.toolResultText("toolu_probe") == "probe-ran"
        #expect(ran == testCase.probeRuns, "\(run.stderr)")
        let widenedOtherwise = FileManager.default.fileExists(atPath: scratch.path + "/" + Self.marker)
            || FileManager.default.fileExists(atPath: marker)
        if testCase.runsCommand || testCase.name.contains("hook") || testCase.name.contains("mcp") {
            #expect(widenedOtherwise, "the CLI did not run the command the flag brought in")
            try? FileManager.default.removeItem(atPath: scratch.path + "/" + Self.marker)
        }

        // pre on the same arguments, given without the leading `claude` and starting with a dash.
        let words = ["-p", testCase.prompt] + tail
        let commandLine = words.map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
        let report = scratch.path + "-pre.json", state = scratch.path + "-state.json"
        defer { for file in [report, state] { try? FileManager.default.removeItem(atPath: file) } }
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", state, "--report", "json=" + report,
                                           "--claude-args", commandLine])
        if testCase.refused {
            #expect(outcome.status == 2, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stderr.contains("is not an option of claude"), "\(outcome.stderr)")
            return
        }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let blocking = Set((record?["findings"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "block" }
            .compactMap { $0["rule"] as? String })
        if let rule = testCase.blockingRule {
            #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
            #expect(blocking.contains(rule), "\(blocking)")
        } else {
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        }
        // No widening passes silently: whenever the CLI ran the probe, pre blocked or recorded a Bash grant.
        if ran, outcome.status == 0 {
            let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any]
            #expect((saved?["grants"] as? [String] ?? []).contains { $0.hasPrefix("Bash") })
        }
    }

    @Test func debugTakesThePromptAsItsFilterInTheCLIAndInPre() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let run = try RealClaude.run(["claude", "-p", "--debug", "do the task", "--output-format", "stream-json", "--verbose"],
                                     turns: [.final()], in: scratch.path)
        // The CLI saw no prompt: --debug took it.
        #expect(run.status != 0)
        #expect(run.requests.isEmpty)
        let report = scratch.path + "-pre.json"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "-s.json", "--report", "json=" + report,
                                           "--claude-args", "-p --debug 'do the task' --output-format stream-json --verbose"])
        #expect(outcome.stdout.contains("ci.ambiguous-arguments"), "\(outcome.stdout)\(outcome.stderr)")
    }
}
