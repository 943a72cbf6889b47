/// Pre stage. A grant (from `--allowedTools` or the repository's settings) that could permit a call an
/// `agent.tools.deny` entry forbids. Reads `Facts.invocation` and `Facts.repositorySettings`.
enum ToolsDeniedRule: PolicyRule {
    static let description = RuleDescription(
        id: "tools.denied",
        title: "A granted tool meets the policy's deny list",
        rationale: """
        Deny entries name what must never run unasked (network tools, force pushes, web access). A grant \
        that could permit one of those calls is refused even if an allow entry covers it: denials win.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("grants clear of the deny list", violations: 0) { try .pre("-p task --allowedTools 'Bash(git status:*)'") },
            RuleExample("curl is denied", violations: 1) { try .pre("-p task --allowedTools 'Bash(curl:*)'") },
            RuleExample("git push includes force pushes", violations: 1) { try .pre("-p task --allowedTools 'Bash(git push:*)'") },
            RuleExample("web access is denied", violations: 1) { try .pre("-p task --allowedTools WebFetch") },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        return invocation.allowedTools.compactMap { grant in
            let met = PermissionCoverage.deniesMet(by: grant, in: policy.agent.deny)
            guard !met.isEmpty else { return nil }
            return Violation("granted tool '\(grant.text)' meets agent.tools.deny entry '\(met.map(\.text).joined(separator: "', '"))'",
                             location: facts.invocationSource.map { .init(path: $0) }, evidence: grant.text)
        }
    }
}
