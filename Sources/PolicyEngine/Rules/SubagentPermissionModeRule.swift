/// Pre stage. A subagent (`.claude/agents/*.md` in the checkout, or written by the job before claude
/// starts) whose frontmatter sets a `permissionMode` the policy does not allow. Its `tools` only narrow
/// what the session may use, so they are not judged. Reads `Facts.subagents`.
enum SubagentPermissionModeRule: PolicyRule {
    static let description = RuleDescription(
        id: "subagent.permission-mode",
        title: "A subagent runs in a permission mode the policy does not allow",
        rationale: """
        The agent can hand any task to a subagent of the checkout; a subagent with permissionMode \
        bypassPermissions runs every tool call unchecked, whatever mode the job started claude in.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("a subagent in plan mode", violations: 0) {
                var facts = try Facts.pre("-p task --permission-mode plan")
                facts.subagents = [SubagentDefinition(path: ".claude/agents/review.md", permissionMode: "plan", tools: ["Read"])]
                return facts
            },
            RuleExample("a subagent in bypass mode", violations: 1) {
                var facts = try Facts.pre("-p task --permission-mode plan")
                facts.subagents = [SubagentDefinition(path: ".claude/agents/fix.md", permissionMode: "bypassPermissions")]
                return facts
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        facts.subagents.compactMap { agent in
            guard let raw = agent.permissionMode else { return nil }
            let mode = PermissionMode(parsing: raw)
            guard mode == .bypassPermissions || !mode.isKnown || !policy.agent.permissionModes.contains(mode) else { return nil }
            let allowed = policy.agent.permissionModes.map(\.name).joined(separator: ", ")
            return Violation("subagent \(agent.path) runs in permission mode '\(raw)' (allowed: \(allowed))",
                             location: .init(path: agent.path), fingerprint: "subagent.permission-mode:\(agent.path)")
        }
    }
}
