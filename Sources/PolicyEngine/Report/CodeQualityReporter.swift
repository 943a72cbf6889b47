import Foundation

/// GitLab's Code Quality report (the Code Climate subset GitLab reads), shown in the MR widget on every tier.
enum CodeQualityReporter {
    struct Issue: Encodable {
        struct Location: Encodable {
            struct Lines: Encodable { var begin: Int }
            var path: String
            var lines: Lines
        }
        var description: String
        var checkName: String
        var fingerprint: String
        var severity: String
        var location: Location
        enum CodingKeys: String, CodingKey {
            case description, checkName = "check_name", fingerprint, severity, location
        }
    }

    /// Code Quality severity for an action.
    static func severity(_ action: Finding.Action) -> String {
        switch action {
        case .block: "major"
        case .warn: "minor"
        case .info: "info"
        }
    }

    /// Renders the issues. Fingerprints hash rule, path, evidence and an occurrence index (no line
    /// numbers, so an issue keeps its identity when lines move) and are unique per issue.
    static func render(_ report: GateReport) throws -> String {
        var occurrences: [String: Int] = [:]
        let issues = report.findings.map { finding in
            let path = finding.location?.path ?? ".gitlab-ci.yml"
            let key = [finding.rule, path, finding.secretRule ?? "", finding.evidence ?? finding.message].joined(separator: "\u{1F}")
            let index = occurrences[key, default: 0]
            occurrences[key] = index + 1
            var description = "[\(finding.rule)] \(finding.message)"
            if let evidence = finding.evidence { description += " (\(evidence))" }
            return Issue(description: description, checkName: "policy-gate/\(finding.rule)",
                         fingerprint: SecretRedaction.hash(key + "\u{1F}\(index)"), severity: severity(finding.action),
                         location: .init(path: path, lines: .init(begin: max(1, finding.location?.line ?? 1))))
        }
        return String(decoding: try JSONEncoding.encode(issues), as: UTF8.self) + "\n"
    }
}
