import Foundation

/// How long and how often the GitLab client tries: attempts, timeouts, back-off and the bounds
/// that keep every loop finite.
public struct GitLabLimits: Sendable {
    /// Attempts per request, the first included.
    var maxAttempts: Int
    /// Seconds to wait for one reply.
    var requestTimeout: TimeInterval
    /// Seconds for everything one client does; no request starts, and no retry waits, past it.
    var totalTime: TimeInterval
    /// The first back-off, in seconds; it doubles on every retry.
    var initialBackoff: TimeInterval
    /// The longest back-off, in seconds.
    var maxBackoff: TimeInterval
    /// The longest wait a server may ask for (`Retry-After`, `RateLimit-Reset`) before the client gives up.
    var maxRetryAfter: TimeInterval
    /// Pages read from one list before the client gives up (100 items a page).
    var maxPages: Int
    /// Redirects followed for one request (same host only, GET only).
    var maxRedirects: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxAttempts: attempts per request (at least 1).
    ///   - requestTimeout: seconds to wait for one reply.
    ///   - totalTime: seconds for the client's whole work.
    ///   - initialBackoff: the first back-off in seconds.
    ///   - maxBackoff: the longest back-off in seconds.
    ///   - maxRetryAfter: the longest wait a server may ask for.
    ///   - maxPages: pages read from one list.
    ///   - maxRedirects: redirects followed for one request.
    public init(maxAttempts: Int = 4, requestTimeout: TimeInterval = 20, totalTime: TimeInterval = 120,
                initialBackoff: TimeInterval = 1, maxBackoff: TimeInterval = 16, maxRetryAfter: TimeInterval = 60,
                maxPages: Int = 50, maxRedirects: Int = 3) {
        self.maxAttempts = max(1, maxAttempts)
        self.requestTimeout = max(0.001, requestTimeout)
        self.totalTime = max(0.001, totalTime)
        self.initialBackoff = max(0, initialBackoff)
        self.maxBackoff = max(0, maxBackoff)
        self.maxRetryAfter = max(0, maxRetryAfter)
        self.maxPages = max(1, maxPages)
        self.maxRedirects = max(0, maxRedirects)
    }

    /// The limits used by `--annotate`: 4 attempts, 20 s a request, 2 minutes in all.
    public static let standard = GitLabLimits()

    /// Seconds to wait before attempt `attempt + 1`: the server's `Retry-After` (seconds or an
    /// HTTP date), else its `RateLimit-Reset` (Unix time), else exponential back-off with jitter.
    /// - Parameters:
    ///   - response: the reply that asked for a retry (a 429 or a 5xx), or `nil` when none arrived.
    ///   - attempt: the attempt that just failed, from 1.
    ///   - now: the current time, for the reset and date forms.
    ///   - jitter: a number in `0...1`; the back-off is `d/2 + d/2 * jitter` for the doubled delay `d`.
    /// - Returns: the wait in seconds, never negative.
    func retryDelay(after response: TransportResponse?, attempt: Int, now: Date, jitter: Double) -> TimeInterval {
        if let response {
            if let retryAfter = response.header("Retry-After") {
                if let seconds = TimeInterval(retryAfter), seconds.isFinite {
                    return max(0, seconds)
                }
                if let date = Self.httpDate(retryAfter) {
                    return max(0, date.timeIntervalSince(now))
                }
            }
            if let reset = response.header("RateLimit-Reset").flatMap(TimeInterval.init), reset.isFinite {
                return max(0, reset - now.timeIntervalSince1970)
            }
        }
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let doubled = min(maxBackoff, initialBackoff * pow(2, exponent))
        let spread = min(max(jitter, 0), 1)
        return doubled / 2 + doubled / 2 * spread
    }

    /// Parses an RFC 9110 HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
