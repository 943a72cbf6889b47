import Foundation

/// Renders findings as SARIF 2.1.0, with the rules in `tool.driver.rules`.
public enum SARIFReporter {
    /// Renders a SARIF log.
    /// - Parameters:
    ///   - findings: the findings, in report order.
    ///   - rules: descriptors for every rule that was evaluated (SARIF lists rules even without results).
    ///   - bySecretRule: use the secret rule's id as `ruleId` (the `scan` command) instead of the governance rule id.
    public static func render(findings: [Finding], rules: [RuleDescriptor], bySecretRule: Bool = true) throws -> String {
        var descriptors = rules
        let known = Set(rules.map(\.id))
        for finding in findings {
            let id = ruleID(finding, bySecretRule: bySecretRule)
            if !known.contains(id), !descriptors.contains(where: { $0.id == id }) {
                descriptors.append(RuleDescriptor(id: id, summary: id))
            }
        }
        let results = findings.map { finding in
            Result(
                ruleId: ruleID(finding, bySecretRule: bySecretRule),
                level: finding.action == .block ? "error" : finding.action == .warn ? "warning" : "note",
                message: .init(text: [finding.message, finding.evidence.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")),
                locations: finding.location.map { location in
                    [Location(physicalLocation: .init(
                        artifactLocation: .init(uri: location.path),
                        region: .init(startLine: max(1, location.line ?? 1))))]
                } ?? [],
                partialFingerprints: ["policyGate/v1": finding.fingerprint],
                properties: finding.secretRule.map { ["secret_rule": $0] })
        }
        let log = Log(runs: [Run(
            tool: .init(driver: .init(
                name: "policy-gate", version: PolicyGateVersion.current,
                informationUri: "https://gitlab.com/policy-gate/policy-gate",
                rules: descriptors.map { descriptor in
                    ReportingDescriptor(id: descriptor.id, shortDescription: .init(text: descriptor.summary),
                                        fullDescription: descriptor.detail.isEmpty ? nil : .init(text: descriptor.detail))
                })),
            results: results)])
        return String(decoding: try JSONEncoding.encode(log), as: UTF8.self) + "\n"
    }

    /// Descriptors for the secret rules of a rule set.
    public static func secretRuleDescriptors(_ ruleSet: SecretRuleSet) -> [RuleDescriptor] {
        ruleSet.rules.filter { !$0.skipReport }.map { RuleDescriptor(id: $0.id, summary: $0.description.isEmpty ? $0.id : $0.description) }
    }

    private static func ruleID(_ finding: Finding, bySecretRule: Bool) -> String {
        bySecretRule ? (finding.secretRule ?? finding.rule) : finding.rule
    }

    // MARK: - SARIF model (the subset written)

    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var results: [Result]
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name: String
        var version: String
        var informationUri: String
        var rules: [ReportingDescriptor]
    }

    struct ReportingDescriptor: Encodable {
        var id: String
        var shortDescription: Message
        var fullDescription: Message?
    }

    struct Message: Encodable {
        var text: String
    }

    struct Result: Encodable {
        var ruleId: String
        var level: String
        var message: Message
        var locations: [Location]
        var partialFingerprints: [String: String]
        var properties: [String: String]?
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }

    struct ArtifactLocation: Encodable {
        var uri: String
    }

    struct Region: Encodable {
        var startLine: Int
    }
}
