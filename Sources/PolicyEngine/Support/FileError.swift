/// Why a file the gate reads (a policy, a secret rule file) could not be used: one line naming the file,
/// the line and the reason. `Kind` only keeps the errors of different files apart as types.
public struct FileError<Kind: FileErrorKind>: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or `built-in`).
    public var file: String
    /// 1-based line, when known.
    var line: Int?
    /// What is wrong, and what to do about it.
    var reason: String

    /// Creates an error.
    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "\(Kind.prefix)\(file)\(line.map { ":\($0)" } ?? ""): \(reason)"
    }
}

/// What kind of file a `FileError` is about.
public protocol FileErrorKind: Sendable {
    /// Put before the file name in messages.
    static var prefix: String { get }
}

/// A policy file (`.policy-gate.yml`, `--policy`, the built-in policy).
public enum PolicyFileKind: FileErrorKind {
    public static let prefix = "policy "
}

/// A secret rule file in gitleaks' format, or an ignore file.
public enum SecretRulesFileKind: FileErrorKind {
    public static let prefix = ""
}

/// Why a policy file could not be used.
public typealias PolicyError = FileError<PolicyFileKind>
/// Why a secret rule file could not be loaded.
public typealias SecretRulesError = FileError<SecretRulesFileKind>
