/// Pre stage. The claude command line reads in a way its author likely did not mean: a prompt swallowed by
/// a variadic option or taken as an optional value (`--debug task`), extra positional words, a repeated
/// option, a value that is not a number. Each parse warning of `Facts.invocation` is one finding.
enum AmbiguousArgumentsRule: PolicyRule {
    static let description = RuleDescription(
        id: "ci.ambiguous-arguments",
        title: "The claude command line is read differently than it looks",
        rationale: """
        Claude Code's option parser lets a tool list swallow the prompt and an optional value take the next \
        word. The grants then differ from what a reviewer reads in the job script.
        """,
        stages: [.pre], defaultAction: .warn,
        examples: [
            RuleExample("the prompt right after -p", violations: 0) { try .pre("-p 'fix it' --allowedTools Read Edit") },
            RuleExample("a prompt swallowed by --allowedTools", violations: 1) { try .pre("-p --allowedTools Read 'fix the failing test'") },
            RuleExample("--debug takes the prompt as its filter", violations: 1) { try .pre("-p --debug 'fix it'") },
            RuleExample("an extra positional word", violations: 1) { try .pre("-p 'fix it' extra") },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        let location = facts.invocationSource.map { Finding.Location(path: $0) }
        return invocation.warnings.enumerated().map { index, warning in
            Violation(warning, location: location, fingerprint: "warning-\(index)")
        }
    }
}
