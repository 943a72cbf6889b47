/// Runs the stage's rules over the facts and turns their violations into findings with the policy's actions.
enum Evaluator {
    /// What one evaluation found.
    struct Outcome: Sendable {
        /// Findings in report order.
        var findings: [Finding]
        /// Rules that ran, with the action the policy gives each (for JUnit and SARIF).
        var evaluatedRules: [(id: String, action: RuleAction)]

        /// The decision: blocked when any finding blocks.
        var decision: Decision { Decision(findings: findings) }
    }

    /// Evaluates the facts' stage.
    static func evaluate(_ facts: Facts, policy: Policy) -> Outcome {
        evaluate(facts, policy: policy, rules: RuleRegistry.rules(for: facts.stage))
    }

    /// Evaluates only `rules` (the live hook runs the rules that judge one tool call on its own).
    static func evaluate(_ facts: Facts, policy: Policy, rules: [any PolicyRule.Type]) -> Outcome {
        var findings: [Finding] = []
        var evaluated: [(id: String, action: RuleAction)] = []
        for rule in rules {
            let description = rule.description
            let setting = policy.ruleActions[description.id] ?? description.defaultAction
            evaluated.append((description.id, setting))
            guard let action = setting.findingAction else { continue }
            for violation in rule.evaluate(facts, policy: policy) {
                // Messages, evidence, locations and fingerprints quote the input (a mode, a command, a
                // path); a token pasted there, or a file named after one, must not reach a report.
                var location = violation.location
                location?.path = SecretRedaction.scrub(violation.location?.path ?? "")
                findings.append(Finding(
                    rule: description.id, action: violation.isInformational ? .info : action,
                    message: SecretRedaction.scrub(violation.message), location: location,
                    secretRule: violation.secretRule, evidence: violation.evidence.map(SecretRedaction.scrub),
                    fingerprint: violation.fingerprint.map { "\(description.id):\(SecretRedaction.scrub($0))" }))
            }
        }
        var seen = Set<String>()
        let unique = findings.filter { seen.insert($0.fingerprint).inserted }
        return Outcome(findings: unique.sorted(by: Finding.reportOrder), evaluatedRules: evaluated)
    }
}

/// The gate's verdict.
public enum Decision: String, Sendable, Codable {
    case pass
    case warn
    case block

    /// Derives the verdict from findings: block wins, then warn.
    public init(findings: [Finding]) {
        if findings.contains(where: { $0.action == .block }) {
            self = .block
        } else if findings.contains(where: { $0.action == .warn }) {
            self = .warn
        } else {
            self = .pass
        }
    }

    /// The exit code: 1 only for block (warnings pass).
    public var exitCode: Int32 { self == .block ? 1 : 0 }
}
