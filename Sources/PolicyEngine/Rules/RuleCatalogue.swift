/// Text about the rules, generated from the rules themselves (the README's catalogue is this output).
public enum RuleCatalogue {
    /// The catalogue as a Markdown table.
    public static func markdownTable() -> String {
        var lines = ["| id | stage | what it catches | default |", "|---|---|---|---|"]
        for rule in RuleRegistry.all {
            let description = rule.description
            lines.append("| `\(description.id)` | \(description.stages.map(\.rawValue).joined(separator: ", ")) | \(description.title) | \(description.defaultAction.rawValue) |")
        }
        return lines.joined(separator: "\n")
    }

    /// One rule's explanation: title, why it matters, stages, default, and its examples.
    public static func explanation(_ description: RuleDescription) -> String {
        var lines = ["\(description.id): \(description.title)", "",
                     "Why: \(description.rationale)", "",
                     "Stages: \(description.stages.map(\.rawValue).joined(separator: ", ")). Default action: \(description.defaultAction.rawValue).",
                     "", "Examples:"]
        for example in description.examples {
            let verdict = example.triggers ? "triggers (\(example.expectedViolations))" : "passes"
            lines.append("  - \(example.name): \(verdict)\(example.policyYAML.map { " with policy `\($0.replacingOccurrences(of: "\n", with: " "))`" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}

import Foundation
