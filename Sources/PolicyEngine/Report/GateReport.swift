/// Everything a stage decided, as plain data for the reporters (which render it and do no I/O).
public struct GateReport: Sendable {
    /// The stage.
    public var stage: Facts.Stage
    /// The findings, in report order.
    public var findings: [Finding]
    /// Every rule evaluated, with its action (for JUnit and SARIF, which list passing rules too).
    var evaluatedRules: [(id: String, action: RuleAction)]
    /// The policy file and its digest.
    var policySource: String
    /// SHA-256 of the policy text.
    var policySHA256: String
    /// Digests and identities of the inputs (base and head commits, transcript digest, invocation source).
    var inputs: [String: String]
    /// The pipeline's context.
    public var ci: CIContext
    /// Problems that did not change the decision (an annotation that failed), for the audit record.
    public var notes: [String]

    /// Creates a report.
    public init(stage: Facts.Stage, findings: [Finding], evaluatedRules: [(id: String, action: RuleAction)],
                policySource: String, policySHA256: String, inputs: [String: String] = [:], ci: CIContext = CIContext(),
                notes: [String] = []) {
        self.stage = stage
        self.findings = findings.sorted(by: Finding.reportOrder)
        self.evaluatedRules = evaluatedRules
        self.policySource = policySource
        self.policySHA256 = policySHA256
        self.inputs = inputs
        self.ci = ci
        self.notes = notes
    }

    /// The verdict.
    public var decision: Decision { Decision(findings: findings) }

    /// Descriptors of the evaluated rules.
    var ruleDescriptors: [RuleDescriptor] {
        evaluatedRules.map { entry in
            let description = RuleRegistry.rule(id: entry.id)?.description
            return RuleDescriptor(id: entry.id, summary: description?.title ?? entry.id, detail: description?.rationale ?? "")
        }
    }
}

/// The machine formats a stage can write.
public enum ReportKind: String, Sendable, CaseIterable {
    case json
    case codequality
    case junit
    case sarif
    case secretDetection = "secret-detection"

    /// Renders the report in this format.
    /// - Parameter now: the scan times the secret-detection format requires (the only timestamps written).
    public func render(_ report: GateReport, startTime: String, endTime: String) throws -> String {
        switch self {
        case .json: try AuditRecordReporter.render(report)
        case .codequality: try CodeQualityReporter.render(report)
        case .junit: JUnitReporter.render(report)
        case .sarif: try SARIFReporter.render(findings: report.findings, rules: report.ruleDescriptors, bySecretRule: false)
        case .secretDetection: try SecretDetectionReporter.render(report, startTime: startTime, endTime: endTime)
        }
    }
}
