import Foundation

/// A GitLab access token. It prints as `GitLabToken(redacted)`, shows nothing to mirrors, and is
/// neither `Codable` nor `Equatable`, so it cannot reach a message, a report or a test log by accident.
public struct GitLabToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// What replaces the token wherever it appears in text.
    static let placeholder = "[REDACTED]"

    let value: String

    /// Wraps a token read from a CI/CD variable.
    /// - Parameter text: the variable's value; surrounding white space is removed.
    /// - Returns: `nil` when the text is empty or holds white space or control characters inside
    ///   (which would otherwise let a value add header lines to a request).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty,
              trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return nil }
        value = trimmed
    }

    /// `GitLabToken(redacted)`.
    public var description: String { "GitLabToken(redacted)" }

    /// `GitLabToken(redacted)`.
    public var debugDescription: String { description }

    /// An empty mirror.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// `text` with every occurrence of the token (as is, and percent-encoded) replaced by `placeholder`.
    /// - Parameter text: any text that may echo the token (a server's error body, an error description).
    /// - Returns: the text without the token.
    func redact(_ text: String) -> String {
        var result = text.replacingOccurrences(of: value, with: Self.placeholder)
        if let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != value {
            result = result.replacingOccurrences(of: encoded, with: Self.placeholder)
        }
        return result
    }

    /// `data` with every occurrence of the token replaced by `placeholder` (for outgoing bodies).
    func redact(_ data: Data) -> Data {
        guard data.range(of: Data(value.utf8)) != nil else { return data }
        return Data(redact(String(decoding: data, as: UTF8.self)).utf8)
    }
}
