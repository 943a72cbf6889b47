import ArgumentParser
import PolicyEngine

/// `policy-gate explain [RULE-ID]`: a rule's description, rationale and examples; the catalogue without an id.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a rule, or list the rule catalogue.")

    @Argument(help: "A rule id, e.g. tools.unscoped.")
    var ruleID: String?

    func run() throws {
        try GateExit.guarded {
            guard let ruleID else {
                print(RuleCatalogue.markdownTable())
                return GateExit.pass
            }
            guard let rule = RuleRegistry.rule(id: ruleID) else {
                StandardError.write("error: unknown rule id '\(ruleID)' (known: \(RuleRegistry.ids.joined(separator: ", ")))")
                return GateExit.couldNotDecide
            }
            print(RuleCatalogue.explanation(rule.description))
            return GateExit.pass
        }
    }
}
