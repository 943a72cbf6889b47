/// Turns a secret into text that is safe to print: a short prefix, an ellipsis and a hash.
public enum SecretRedaction {
    /// SHA-256 of the secret's UTF-8 bytes, in lowercase hex.
    public static func hash(_ secret: String) -> String {
        SHA256Hex.of(Array(secret.utf8))
    }

    /// The first 4 characters, `…`, and the first 8 hex digits of the hash (`glpa…#1a2b3c4d`).
    /// Secrets shorter than 12 characters show no prefix at all: 4 characters of a short password
    /// would give too much of it away.
    static func redact(_ secret: String, hash: String? = nil) -> String {
        let digest = (hash ?? SecretRedaction.hash(secret)).prefix(8)
        let prefix = secret.count >= 12 ? String(secret.prefix(4)) : ""
        return "\(prefix)…#\(digest)"
    }

    /// The built-in rules (the process' one compiled copy), used to scrub messages (immutable, so safe to share).
    private static let messageScanner: SecretScanner? = try? SecretScanner(
        ruleSet: SecretRulesLoader.builtIn(), options: .init(honoursInlineAllowMarkers: false))

    /// `text` with every secret the built-in rules find replaced by its redacted form; see
    /// ``SecretScanner/redactingSecrets(in:)``.
    public static func scrub(_ text: String) -> String {
        guard let scanner = messageScanner else { return "(text withheld: the built-in secret rules did not load)" }
        return scanner.redactingSecrets(in: text)
    }
}
