/// Pre stage. Each `--allowedTools` grant must be covered by an `agent.tools.allow` entry of the policy
/// (coverage must be proven; when unsure it is not covered). Reads `Facts.invocation`.
enum ToolsNotAllowedRule: PolicyRule {
    static let description = RuleDescription(
        id: "tools.not-allowed",
        title: "A granted tool is not covered by the policy's allow list",
        rationale: """
        --allowedTools lets the agent use a tool without asking. Every grant must fall inside what the \
        security team allowed, or the agent can do more than anyone reviewed.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("scoped grants inside the allow list", violations: 0) {
                try .pre("-p task --permission-mode acceptEdits --allowedTools 'Read,Edit,Bash(swift test:*)' mcp__gitlab__get_issue")
            },
            RuleExample("a Bash command outside the allow list", violations: 1) {
                try .pre("-p task --allowedTools 'Read Bash(python3 deploy.py:*)'")
            },
            RuleExample("a second MCP server", violations: 1) { try .pre("-p task --allowedTools mcp__slack") },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        return invocation.allowedTools.compactMap { grant in
            guard !PermissionCoverage.isCovered(grant, byAnyOf: policy.agent.allow) else { return nil }
            return Violation("granted tool '\(grant.text)' is not covered by agent.tools.allow",
                             location: facts.invocationSource.map { .init(path: $0) }, evidence: grant.text)
        }
    }
}
