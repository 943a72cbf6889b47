import Foundation

/// The JSON form of a secret scan. Secrets appear only redacted.
public enum ScanJSONReport {
    struct Document: Encodable {
        struct Entry: Encodable {
            var finding: SecretFinding
            func encode(to encoder: any Encoder) throws {
                try finding.encode(to: encoder)
                var container = encoder.container(keyedBy: ExtraKeys.self)
                try container.encode(finding.fingerprint, forKey: .fingerprint)
            }
            enum ExtraKeys: String, CodingKey { case fingerprint }
        }
        struct Scanned: Encodable {
            var files: Int
            var fragments: Int
            var bytes: Int
        }
        var tool = "policy-gate"
        var version = PolicyGateVersion.current
        var base: String?
        var head: String?
        var findings: [Entry]
        var scanned: Scanned
        var skipped: [String]
    }

    /// Renders the result as pretty, key-sorted JSON.
    public static func render(_ result: SecretScan.Result) throws -> String {
        let document = Document(
            base: result.base, head: result.head, findings: result.findings.map(Document.Entry.init),
            scanned: .init(files: result.files.count, fragments: result.statistics.fragments, bytes: result.statistics.bytes),
            skipped: result.skipped)
        return String(decoding: try JSONEncoding.encode(document), as: UTF8.self) + "\n"
    }
}

/// The gate's one JSON encoder setup: sorted keys (stable output), pretty, no escaped slashes.
public enum JSONEncoding {
    /// Encodes a value.
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
