import ArgumentParser
import Foundation
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
        HookFailure.armWatchdog(seconds: timeBudget)
        do {
            let bytes = try Self.readInput()
            if let runner {
                if let answer = try PreToolUseHook.askRunner(socket: runner, input: bytes) {
                    FileHandle.standardOutput.write(Data((answer + "\n").utf8))
                }
                return
            }
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

    /// The whole of stdin, up to the limit.
    static func readInput() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 16), !chunk.isEmpty {
            bytes += chunk
            if bytes.count > PreToolUseHook.maxInputBytes {
                throw HookFailure("the hook input is larger than \(PreToolUseHook.maxInputBytes >> 20) MiB")
            }
        }
        return bytes
    }
}

/// The hook's own failures: one line on stderr (Claude shows it to the model) and exit 2 (blocks the call).
struct HookFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    static func exit(_ reason: String) -> Never {
        StandardError.write("policy-gate hook: \(reason); the call is blocked")
        Foundation.exit(2)
    }

    /// Ends the process with exit 2 when the hook has not answered within `seconds`, whatever it is doing
    /// (reading a stdin that never closes, judging a pathological command).
    static func armWatchdog(seconds: Double) {
        let budget = seconds.isFinite && seconds > 0 ? seconds : 10
        let thread = Thread {
            Thread.sleep(forTimeInterval: budget)
            StandardError.write("policy-gate hook: no answer within its time budget of \(budget) s; the call is blocked")
            _exit(2)
        }
        thread.start()
    }
}
