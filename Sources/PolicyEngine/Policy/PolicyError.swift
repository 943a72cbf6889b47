/// Why a policy file could not be used: one line naming the file, the line and the reason.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy file (or `built-in`).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// What is wrong, and what to do about it.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "policy \(file)\(line.map { ":\($0)" } ?? ""): \(reason)"
    }
}
