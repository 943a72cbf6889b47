/// Post stage. More files or lines changed than `workspace.max_changed_files` / `max_changed_lines`.
/// Reads `Facts.changeSet`.
enum DiffTooLargeRule: PolicyRule {
    static let description = RuleDescription(
        id: "diff.too-large",
        title: "The change is larger than a reviewer can check",
        rationale: """
        Review is the last control on an agent's work. A change of thousands of lines will not get a \
        line-by-line read; split it, or have a person confirm it is meant to be that large.
        """,
        stages: [.post], defaultAction: .warn,
        examples: [
            RuleExample("a small change", violations: 0) { .post([.modified("a.swift", added: 40)]) },
            RuleExample("too many lines", violations: 1, policy: "workspace:\n  max_changed_lines: 100\n") {
                .post([.modified("a.swift", added: 150)])
            },
            RuleExample("too many files and lines", violations: 2, policy: "workspace:\n  max_changed_files: 1\n  max_changed_lines: 1\n") {
                .post([.modified("a.swift", added: 2), .modified("b.swift", added: 2)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let change = facts.changeSet else { return [] }
        var violations: [Violation] = []
        if change.files.count > policy.workspace.maxChangedFiles {
            violations.append(Violation("\(change.files.count) files changed (max_changed_files: \(policy.workspace.maxChangedFiles))",
                                        fingerprint: "files"))
        }
        let lines = change.addedLines + change.removedLines
        if lines > policy.workspace.maxChangedLines {
            violations.append(Violation("\(lines) lines changed (max_changed_lines: \(policy.workspace.maxChangedLines))",
                                        fingerprint: "lines"))
        }
        return violations
    }
}
