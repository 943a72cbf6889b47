#if canImport(Glibc)
import Glibc
#endif

/// The hook's own failures: one line on stderr (Claude Code shows it to the model) and exit 2, which
/// blocks the call. Claude Code lets a call through on exit 1, a crash or a timeout, so nothing the hook
/// runs into may end it any other way.
public struct HookFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// Largest PreToolUse input read: a Write of a big file is still a few megabytes.
    public static let maxInputBytes = 64 << 20

    public static func exit(_ reason: String) -> Never {
        write(to: 2, "policy-gate hook: \(reason); the call is blocked\n")
        Glibc.exit(2)
    }

    /// Ends the process with exit 2 when the hook has not answered within `seconds`, whatever it is doing
    /// (reading a stdin that never closes, waiting for a runner kept busy, judging a pathological command).
    /// A timer signal, not a thread: the runner's client links nothing that could start one.
    public static func armWatchdog(seconds: Double) {
        // Out of range is the default, not a trap: a crash is a failing exit Claude Code lets through.
        // No budget beyond a day means anything: Claude Code's own hook timeout is far shorter.
        let budget = seconds.isFinite && seconds > 0 ? min(seconds, 86_400) : 10
        watchdogMessage = Array("policy-gate hook: no answer within its time budget of \(budget) s; the call is blocked\n".utf8)
        signal(SIGALRM) { _ in
            // Only async-signal-safe calls here: the message was made before the timer was armed.
            watchdogMessage.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
            _exit(2)
        }
        // Output to a reader that went away is an error (exit 2), not a signal that ends the process.
        signal(SIGPIPE, SIG_IGN)
        let whole = budget.rounded(.down)
        var timer = itimerval(it_interval: timeval(), it_value: timeval(tv_sec: Int(whole), tv_usec: Int((budget - whole) * 1_000_000)))
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }

    /// The whole of stdin, up to `maxInputBytes`.
    /// - Throws: `HookFailure` on a read error or a larger input.
    public static func readStandardInput() throws(HookFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw HookFailure("cannot read the hook input")
            }
            bytes += chunk[0..<count]
            if bytes.count > maxInputBytes { throw HookFailure("the hook input is larger than \(maxInputBytes >> 20) MiB") }
        }
    }

    /// Writes all of `text` to `descriptor`; false when it cannot.
    @discardableResult
    public static func write(to descriptor: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}

/// The watchdog's line, made before its timer is armed (a signal handler must not allocate).
nonisolated(unsafe) private var watchdogMessage: [UInt8] = []
