import Foundation
import Testing
import TestSupport

/// A widening flag, as the pinned claude really applies it, and what `pre` makes of the same arguments.
struct FlagCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Arguments after `-p PROMPT --output-format stream-json --verbose --allowedTools Read`.
    let arguments: [String]
    var environment: [String: String] = [:]
    /// Whether the real CLI let the probe (a python3 command through Bash, never granted by --allowedTools) run.
    let probeRuns: Bool
    /// The rule pre must block with; nil when pre passes.
    let blockingRule: String?
    var testDescription: String { name }
}

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
    ]

    @Test(arguments: cases)
    func preRecordsWhatTheCLIAllows(_ testCase: FlagCase) throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        try git.run("checkout", "-q", "-b", "agent/work")
        let tail = ["--allowedTools", "Read"] + testCase.arguments
        let run = try RealClaude.run(RealClaude.printMode(tail), turns: [.tools(.bash("python3 -c 'print(\"probe-ran\")'", id: "toolu_probe")), .final()],
                                     in: scratch.path, environment: testCase.environment)
        let ran = run.toolResultText("toolu_probe") == "probe-ran"
        #expect(ran == testCase.probeRuns, "\(run.stderr)")
        let widenedOtherwise = FileManager.default.fileExists(atPath: scratch.path + "/" + Self.marker)
        if testCase.name.contains("hook") || testCase.name.contains("mcp") {
            #expect(widenedOtherwise, "the CLI did not run the command the flag brought in")
            try? FileManager.default.removeItem(atPath: scratch.path + "/" + Self.marker)
        }

        // pre on the same arguments, given without the leading `claude` and starting with a dash.
        let words = ["-p", "do the task"] + tail
        let commandLine = words.map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
        let report = scratch.path + "-pre.json", state = scratch.path + "-state.json"
        defer { for file in [report, state] { try? FileManager.default.removeItem(atPath: file) } }
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", state, "--report", "json=" + report,
                                           "--claude-args", commandLine])
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
