/// A secret rule could not finish on some text (a pattern hit PCRE2's match or depth limit), so that
/// text was not checked. One line naming the file, the line, the rule and the limit; never the text.
@_spi(Fuzzing) public struct SecretScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The scanned file, as the fragment names it.
    public var path: String
    /// 1-based line where the failed search began.
    var line: Int
    /// The rule whose pattern failed, or `nil` for an allowlist pattern.
    public var ruleID: String?
    /// PCRE2's words, with the limits in force.
    var reason: String

    /// Creates an error.
    public init(path: String, line: Int, ruleID: String?, reason: String) {
        self.path = path
        self.line = line
        self.ruleID = ruleID
        self.reason = reason
    }

    /// Wraps a PCRE2 match error.
    /// - Parameters:
    ///   - error: the error from `PCRE2Pattern`.
    ///   - limits: the limits the pattern ran under.
    init(path: String, line: Int, ruleID: String?, error: NativeError, limits: PCRE2Pattern.Limits) {
        let limit = PCRE2Pattern.isJITStackError(error)
            ? "PCRE2 JIT stack of \(PCRE2Pattern.largeJITStack >> 20) MiB"
            : "PCRE2 match limit \(limits.matchLimit), depth limit \(limits.depthLimit)"
        self.init(path: path, line: line, ruleID: ruleID,
                  reason: "\(error.message) (\(limit)); this text was not checked: simplify the pattern")
    }

    public var description: String {
        let what = ruleID.map { "secret rule '\($0)'" } ?? "a secret allowlist pattern"
        return "\(path):\(line): \(what) could not finish: \(reason)"
    }
}
