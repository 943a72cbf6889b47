import ArgumentParser
import Foundation
import HookClient
import PolicyEngine

/// `policy-gate hook …`: the gate as Claude Code's hook, judging each call before it runs.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Claude Code hooks: enforce the policy live, inside the agent.",
        subcommands: [PreToolUseCommand.self])
}

/// `policy-gate hook pre-tool-use --policy PATH` (or `--runner SOCKET`, as the agent runner installs it):
/// reads the PreToolUse JSON on stdin and denies a call the policy refuses. Claude Code lets a call through on exit 1, a crash or a timeout, so every failure of
/// the hook's own is exit 2, which blocks the call; a usage error is one too (see `PolicyGate.main`).
struct PreToolUseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre-tool-use",
        abstract: "Judge one tool call from a PreToolUse hook's stdin; deny it when the policy refuses it.",
        discussion: """
        Prints a JSON deny (permissionDecision "deny", with the reason and what the policy allows instead) \
        and exits 0, or prints nothing and exits 0, leaving Claude's own permission rules in charge. It never \
        answers allow. Exits 2, which blocks the call, on bad input, a missing policy, an internal error or \
        when its own time budget runs out.
        """)

    @Option(name: .long, help: "The policy file: judge every rule that needs no history here.")
    var policy: String?

    @Option(name: .long, help: "The agent runner's socket: ask it, with the run's history (run and agent install the hook so).")
    var runner: String?

    @Option(name: .long, help: "The repository root (default: $CLAUDE_PROJECT_DIR; the hook refuses to guess it).")
    var workspace: String?

    @Option(name: .long, help: "Seconds before the hook gives up and blocks the call (default 10; keep it below the hook timeout).")
    var timeBudget: Double = 10

    func run() throws {
        // Under the runner the hook is a thin client: it loads neither the policy nor the secret rules.
        if let runner { ThinClient.run(socket: runner, budget: timeBudget) }
        HookFailure.armWatchdog(seconds: timeBudget)
        do {
            let bytes = try HookFailure.readStandardInput()
            guard let policyPath = policy else { throw HookFailure("no policy: give --policy PATH or --runner SOCKET") }
            let input = try PreToolUseHook.parse(bytes)
            let environment = ProcessInfo.processInfo.environment
            // Never the call's own cwd: a `cd` of the agent moves it, and `/` as the root would put every path inside.
            guard let root = workspace ?? environment["CLAUDE_PROJECT_DIR"].flatMap({ $0.hasPrefix("/") ? $0 : nil }) else {
                throw HookFailure("no workspace: give --workspace PATH, or run the hook from Claude Code, which sets CLAUDE_PROJECT_DIR")
            }
            let trusted = try Gate.TrustedInputs(source: .file(policyPath), repository: root)
            let context = ToolCallJudgement.Context(workspaceRoot: root, cwd: input.cwd, home: environment["HOME"])
            let findings = try ToolCallJudgement.judge(input.call, in: context, policy: trusted.policy, scanner: trusted.scanner)
            if let answer = PreToolUseHook.answer(for: findings, policy: trusted.policy) {
                FileHandle.standardOutput.write(Data((answer + "\n").utf8))
            }
        } catch {
            HookFailure.exit(GateExit.describe(error))
        }
    }
}
