import Foundation

/// Reads a file of accepted finding fingerprints, one per line (`commit:path:rule:line` or `path:rule:line`),
/// in the format of `.gitleaksignore`; `#` comments and blank lines are skipped.
public enum IgnoreFile {
    /// Parses the text of an ignore file.
    public static func parse(_ text: String) -> Set<String> {
        var fingerprints = Set<String>()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            fingerprints.insert(line.replacingOccurrences(of: "\\", with: "/"))
        }
        return fingerprints
    }

    /// Loads an ignore file.
    /// - Throws: `SecretRulesError` when it cannot be read: an unreadable ignore file must not mean "ignore nothing"
    ///   silently, nor "ignore everything".
    public static func load(path: String) throws(SecretRulesError) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SecretRulesError(file: path, line: nil, reason: "cannot read the ignore file")
        }
        return parse(text)
    }
}
