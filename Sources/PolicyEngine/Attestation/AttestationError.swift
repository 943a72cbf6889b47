/// Why an attestation could not be written or did not verify, in one line safe to print.
public struct AttestationError: Error, Sendable, CustomStringConvertible {
    /// How bad it is, which decides the exit code.
    public enum Kind: Sendable {
        /// The input cannot be read or trusted (bad key, bad signature, malformed envelope): exit 2.
        case invalid
        /// An authentic attestation that does not clear the commit (blocked, another commit): exit 1.
        case rejected
    }

    /// How bad it is.
    public let kind: Kind
    /// What is wrong.
    let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
