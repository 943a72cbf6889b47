import Foundation

/// A secret found in scanned text. It never holds the secret itself: only a redacted preview and a hash.
public struct SecretFinding: Sendable, Equatable, Codable, Hashable {
    /// The secret rule's id.
    public var ruleID: String
    /// The secret rule's description.
    public var description: String
    /// Repository-relative path.
    public var path: String
    /// 1-based line where the match starts.
    var line: Int
    /// 1-based line where the match ends.
    var endLine: Int
    /// 1-based column (in bytes) where the match starts.
    var column: Int
    /// The commit, when scanning commits.
    var commit: String?
    /// First characters of the secret, an ellipsis and a short hash: safe to print.
    var redacted: String
    /// SHA-256 of the secret in hex. Kept in memory to link findings of one secret; never encoded,
    /// since a full unsalted hash of a weak password can be reversed by guessing.
    var secretHash: String
    /// Shannon entropy of the secret.
    var entropy: Double
    /// The rule's tags.
    var tags: [String]
    /// Whether the line carried a `gitleaks:allow` or `policy-gate:allow` marker that was not honoured.
    var hasAllowMarker: Bool
    /// Where the secret was when not in a file's content: `file name` or `commit message`.
    var origin: String?
    /// How the secret was encoded in the text (`base64`, `base64, then hex`, `joined` for string literals
    /// joined by the code, …); `nil` when it was plain.
    /// The line and column point at the encoded text.
    var encoding: String?

    /// The rule's description as a message tail (`: GitLab personal access token`), without a final period.
    public var summary: String {
        var text = description.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(".") { text.removeLast() }
        return text.isEmpty ? "" : ": \(text)"
    }

    /// Where the secret was, for messages: `in an added line`, `in a commit message (base64-encoded)`.
    var place: String {
        var text = origin.map { "in a \($0)" } ?? "in an added line"
        if encoding == "joined" {
            text += " (cut into string literals joined again)"
        } else if let encoding {
            text += " (\(encoding)-encoded)"
        }
        return text
    }

    /// gitleaks' fingerprint: `commit:path:rule:line`, or `path:rule:line` without a commit.
    var fingerprint: String {
        let tail = "\(path):\(ruleID):\(line)"
        return commit.map { "\($0):\(tail)" } ?? tail
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ruleID = try container.decode(String.self, forKey: .ruleID)
        description = try container.decode(String.self, forKey: .description)
        path = try container.decode(String.self, forKey: .path)
        line = try container.decode(Int.self, forKey: .line)
        endLine = try container.decode(Int.self, forKey: .endLine)
        column = try container.decode(Int.self, forKey: .column)
        commit = try container.decodeIfPresent(String.self, forKey: .commit)
        redacted = try container.decode(String.self, forKey: .redacted)
        secretHash = ""
        entropy = try container.decode(Double.self, forKey: .entropy)
        tags = try container.decode([String].self, forKey: .tags)
        hasAllowMarker = try container.decode(Bool.self, forKey: .hasAllowMarker)
        origin = try container.decodeIfPresent(String.self, forKey: .origin)
        encoding = try container.decodeIfPresent(String.self, forKey: .encoding)
    }

    /// Creates a finding.
    public init(ruleID: String, description: String, path: String, line: Int, endLine: Int, column: Int, commit: String?,
                redacted: String, secretHash: String, entropy: Double, tags: [String], hasAllowMarker: Bool,
                origin: String? = nil, encoding: String? = nil) {
        self.ruleID = ruleID
        self.description = description
        self.path = path
        self.line = line
        self.endLine = endLine
        self.column = column
        self.commit = commit
        self.redacted = redacted
        self.secretHash = secretHash
        self.entropy = entropy
        self.tags = tags
        self.hasAllowMarker = hasAllowMarker
        self.origin = origin
        self.encoding = encoding
    }

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule"
        case description, path, line
        case endLine = "end_line"
        case column, commit, redacted
        case entropy, tags
        case hasAllowMarker = "allow_marker"
        case origin, encoding
    }
}
