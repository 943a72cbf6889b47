/// Why a secret rule file could not be loaded: one line naming the file, the line and the reason.
public struct SecretRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or `built-in`).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
