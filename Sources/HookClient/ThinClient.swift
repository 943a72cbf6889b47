#if canImport(Glibc)
import Glibc
#endif

/// The live hook as the agent runner installs it: a thin client that hands the PreToolUse JSON to the
/// runner's socket and prints the runner's deny. It loads no policy and no secret rules (the runner
/// holds them) and links neither Foundation nor the gate's libraries, so a call costs little more than a
/// process start (`policy-gate-hook`; `policy-gate hook pre-tool-use --runner` runs the same code).
public enum ThinClient {
    /// What the runner's reply means.
    public enum Reply: Equatable, Sendable {
        /// No decision: Claude Code's own rules decide.
        case noDecision
        /// The deny JSON to print.
        case deny(String)
        /// Why the call is blocked without an answer.
        case failed(String)
    }

    /// Reads the runner's reply (`none`, `deny {…}` or `error: reason`). Anything else, an empty reply or
    /// an `allow` included, is a failure: the runner never allows.
    public static func interpret(_ reply: [UInt8]?, socket: String) -> Reply {
        guard let reply else { return .failed("the gate's runner cannot be reached at \(socket)") }
        let text = String(decoding: reply, as: UTF8.self)
        if text == "none" { return .noDecision }
        if text.hasPrefix("deny {") { return .deny(String(text.dropFirst(5))) }
        if text.hasPrefix("error: ") { return .failed("the gate's runner could not judge the call: \(text.dropFirst(7).prefix(300))") }
        return .failed("the gate's runner gave no answer")
    }

    /// The whole hook under the runner: stdin to the socket, a deny to stdout, exit 0; exit 2 on anything else.
    public static func run(socket: String, budget: Double) -> Never {
        HookFailure.armWatchdog(seconds: budget)
        let input: [UInt8]
        do {
            input = try HookFailure.readStandardInput()
        } catch {
            HookFailure.exit(error.description)
        }
        switch interpret(UnixSocket.exchange(path: socket, request: input), socket: socket) {
        case .noDecision:
            exit(0)
        case .deny(let answer):
            guard HookFailure.write(to: 1, answer + "\n") else { HookFailure.exit("cannot write the answer") }
            exit(0)
        case .failed(let reason):
            HookFailure.exit(reason)
        }
    }
}
