import Foundation
import HookClient

/// The runner's side of the live hook: a Unix socket only root and the agent's group can reach, answering
/// each PreToolUse call with the policy, the secret rules (loaded once, before the agent started) and the
/// history of the run. The hook is a thin client; when it cannot reach this server it blocks the call.
///
/// The history is append-only: a call the agent's own code sends here (it runs as the agent's user, so it
/// can connect) can add an event but never remove one, and the transcript audit after the run does not
/// rest on it.
final class HookServer: @unchecked Sendable {
    /// The socket's path.
    let path: String
    private let descriptor: Int32
    private let policy: Policy
    private let scanner: SecretScanner
    private let checkout: String
    private var agentHome: String?
    private let lock = NSLock()
    private var history: [Transcript.ToolCall] = []
    private var historyBytes = 0
    private let stopped = DispatchSemaphore(value: 0)

    /// How much history the server keeps: every later call is judged against all of it, and agent code
    /// can send calls of its own. Once either limit is reached every call is refused (fail closed), since
    /// dropping an event could let through a call an earlier one forbids.
    struct HistoryLimit {
        var calls = 5_000
        var bytes = 256 << 20
    }

    private let limit: HistoryLimit

    /// Starts serving at `path`.
    /// - Throws: `RunnerError` when the socket cannot be made.
    init(path: String, group: UInt32, policy: Policy, scanner: SecretScanner, checkout: String,
         limit: HistoryLimit = HistoryLimit()) throws(RunnerError) {
        self.limit = limit
        guard let descriptor = UnixSocket.listen(at: path, group: group) else {
            throw RunnerError("\(path): cannot create the live hook's socket")
        }
        self.path = path
        self.descriptor = descriptor
        self.policy = policy
        self.scanner = scanner
        self.checkout = checkout
        let thread = Thread { [self] in
            while let connection = UnixSocket.accept(descriptor, seconds: 5) {
                if let request = UnixSocket.receive(connection) {
                    _ = UnixSocket.send(connection, Array(answer(request).utf8))
                }
                UnixSocket.close(connection)
            }
            stopped.signal()
        }
        thread.start()
    }

    /// The reply to one request: `deny ` and the JSON answer, `none` for no decision, or `error: reason`
    /// (the hook blocks the call on that, and on any other reply: an empty one is no answer).
    func answer(_ request: [UInt8]) -> String {
        do {
            let input = try PreToolUseHook.parse(request)
            let (earlier, home, bytes) = lock.withLock { (history, agentHome, historyBytes) }
            guard earlier.count < limit.calls, bytes < limit.bytes else {
                return "error: the run's history is full (\(earlier.count) calls, \(bytes >> 20) MiB); every later call is refused"
            }
            let context = ToolCallJudgement.Context(workspaceRoot: checkout, cwd: input.cwd, home: home)
            let findings = try ToolCallJudgement.judge(input.call, in: context, policy: policy, scanner: scanner, history: earlier)
            let answer = PreToolUseHook.answer(for: findings, policy: policy)
            // Only calls let through can have changed anything.
            if answer == nil {
                lock.withLock {
                    history.append(input.call)
                    historyBytes += request.count
                }
            }
            return answer.map { "deny " + $0 } ?? "none"
        } catch {
            return "error: " + SecretRedaction.scrub(String(describing: error))
        }
    }

    /// The agent's home folder, for `~` (known once the runner made it, before the agent starts).
    var home: String? {
        get { lock.withLock { agentHome } }
        set { lock.withLock { agentHome = newValue } }
    }

    /// Stops serving and removes the socket.
    func stop() {
        UnixSocket.shutDown(descriptor)
        _ = stopped.wait(timeout: .now() + 5)
        UnixSocket.close(descriptor)
        try? FileManager.default.removeItem(atPath: path)
    }
}
