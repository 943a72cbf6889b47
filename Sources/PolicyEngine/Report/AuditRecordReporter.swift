import Foundation

/// The JSON audit record: a versioned, documented record of one stage's decision (`docs/audit-record.md`).
public enum AuditRecordReporter {
    /// The schema version of the record.
    static let schemaVersion = 1

    struct Record: Encodable {
        struct PolicyInfo: Encodable {
            var path: String
            var sha256: String
        }
        struct RuleEntry: Encodable {
            var id: String
            var action: String
            var findings: Int
        }
        struct Entry: Encodable {
            var rule: String
            var severity: String
            var action: String
            var message: String
            var location: Finding.Location?
            var secretRule: String?
            var evidence: String?
            var fingerprint: String
            enum CodingKeys: String, CodingKey {
                case rule, severity, action, message, location
                case secretRule = "secret_rule"
                case evidence, fingerprint
            }
        }
        struct CIEntry: Encodable {
            var projectID: String?
            var projectPath: String?
            var pipelineID: String?
            var pipelineSource: String?
            var jobID: String?
            var jobURL: String?
            var mergeRequestIID: String?
            var commitSHA: String?
            var refName: String?
            enum CodingKeys: String, CodingKey {
                case projectID = "project_id", projectPath = "project_path", pipelineID = "pipeline_id"
                case pipelineSource = "pipeline_source", jobID = "job_id", jobURL = "job_url"
                case mergeRequestIID = "merge_request_iid", commitSHA = "commit_sha", refName = "ref_name"
            }
        }
        var schemaVersion = AuditRecordReporter.schemaVersion
        var tool = "policy-gate"
        var version = PolicyGateVersion.current
        var stage: String
        var decision: String
        var policy: PolicyInfo
        var inputs: [String: String]
        var ci: CIEntry
        var rules: [RuleEntry]
        var findings: [Entry]
        var summary: [String: Int]
        var notes: [String]
        enum CodingKeys: String, CodingKey {
            case schemaVersion = "schema_version"
            case tool, version, stage, decision, policy, inputs, ci, rules, findings, summary, notes
        }
    }

    /// The severity word for an action.
    static func severity(_ action: Finding.Action) -> String {
        switch action {
        case .block: "high"
        case .warn: "medium"
        case .info: "info"
        }
    }

    /// Renders the record.
    public static func render(_ report: GateReport) throws -> String {
        let record = Record(
            stage: report.stage.rawValue, decision: report.decision.rawValue,
            policy: .init(path: report.policySource, sha256: report.policySHA256), inputs: report.inputs,
            ci: .init(projectID: report.ci.projectID, projectPath: report.ci.projectPath, pipelineID: report.ci.pipelineID,
                      pipelineSource: report.ci.pipelineSource, jobID: report.ci.jobID, jobURL: report.ci.jobURL,
                      mergeRequestIID: report.ci.mergeRequestIID, commitSHA: report.ci.commitSHA, refName: report.ci.refName.map(SecretRedaction.scrub)),
            rules: report.evaluatedRules.map { rule in
                .init(id: rule.id, action: rule.action.rawValue, findings: report.findings.filter { $0.rule == rule.id }.count)
            },
            findings: report.findings.map { finding in
                .init(rule: finding.rule, severity: severity(finding.action), action: finding.action.rawValue, message: finding.message,
                      location: finding.location, secretRule: finding.secretRule, evidence: finding.evidence,
                      fingerprint: finding.fingerprint)
            },
            summary: Dictionary(uniqueKeysWithValues: Finding.Action.allCases.map { action in
                (action.rawValue, report.findings.filter { $0.action == action }.count)
            }),
            notes: report.notes)
        return String(decoding: try JSONEncoding.encode(record), as: UTF8.self) + "\n"
    }
}
