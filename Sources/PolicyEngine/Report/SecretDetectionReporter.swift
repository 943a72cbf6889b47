import Foundation

/// GitLab's secret-detection security report (schema 15.2.x): one vulnerability per secret finding,
/// with the redacted value only.
public enum SecretDetectionReporter {
    /// The schema version written.
    static let schemaVersion = "15.2.4"

    struct Document: Encodable {
        var version = SecretDetectionReporter.schemaVersion
        var scan: Scan
        var vulnerabilities: [Vulnerability]
    }
    struct Vendor: Encodable { var name = "policy-gate" }
    struct Component: Encodable {
        var id: String
        var name: String
        var version = PolicyGateVersion.current
        var vendor = Vendor()
    }
    struct Scan: Encodable {
        var analyzer = Component(id: "policy-gate", name: "policy-gate")
        var scanner = Component(id: "policy-gate-secrets", name: "policy-gate secret scanner")
        var type = "secret_detection"
        var startTime: String
        var endTime: String
        var status = "success"
        enum CodingKeys: String, CodingKey {
            case analyzer, scanner, type, startTime = "start_time", endTime = "end_time", status
        }
    }
    struct Identifier: Encodable {
        var type: String
        var name: String
        var value: String
    }
    struct Commit: Encodable { var sha: String }
    struct Location: Encodable {
        var file: String
        var startLine: Int
        var endLine: Int
        var commit: Commit
        enum CodingKeys: String, CodingKey {
            case file, startLine = "start_line", endLine = "end_line", commit
        }
    }
    struct Vulnerability: Encodable {
        var id: String
        var name: String
        var description: String
        var severity = "Critical"
        var location: Location
        var identifiers: [Identifier]
        var rawSourceCodeExtract: String
        enum CodingKeys: String, CodingKey {
            case id, name, description, severity, location, identifiers
            case rawSourceCodeExtract = "raw_source_code_extract"
        }
    }

    /// Renders the report. Times are `YYYY-MM-DDTHH:MM:SS` as the schema requires.
    public static func render(_ report: GateReport, startTime: String, endTime: String) throws -> String {
        let sha = report.inputs["head"] ?? report.ci.statusSHA ?? String(repeating: "0", count: 40)
        let vulnerabilities = report.findings.compactMap { finding -> Vulnerability? in
            guard let secretRule = finding.secretRule, let location = finding.location else { return nil }
            let line = max(1, location.line ?? 1)
            return Vulnerability(
                id: uuid(from: finding.fingerprint), name: "Secret: \(secretRule)", description: finding.message,
                location: .init(file: location.path, startLine: line, endLine: line, commit: .init(sha: sha)),
                identifiers: [Identifier(type: "policy_gate_secret_rule", name: "policy-gate secret rule \(secretRule)", value: secretRule),
                              Identifier(type: "policy_gate_rule", name: "policy-gate rule \(finding.rule)", value: finding.rule)],
                rawSourceCodeExtract: finding.evidence ?? "REDACTED")
        }
        let document = Document(scan: Scan(startTime: startTime, endTime: endTime), vulnerabilities: vulnerabilities)
        return String(decoding: try JSONEncoding.encode(document), as: UTF8.self) + "\n"
    }

    /// A stable UUID-shaped id derived from the fingerprint, so re-runs keep vulnerability identities.
    static func uuid(from fingerprint: String) -> String {
        let hex = Array(SecretRedaction.hash(fingerprint).prefix(32))
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
        return groups.joined(separator: "-")
    }

    /// Formats a date the way the schema wants it.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }
}
