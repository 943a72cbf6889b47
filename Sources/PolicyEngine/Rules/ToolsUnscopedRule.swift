/// Pre stage. A blanket grant: any shell command (`Bash`, `Bash(*)`, interpreters with wildcards),
/// every tool (`*`), every MCP server (`mcp__*`), any web host, or file access anchored outside the
/// project (`//`, `~/`). Plain file tools are scoped by the workspace and are not reported.
/// Reads `Facts.invocation`.
enum ToolsUnscopedRule: PolicyRule {
    static let description = RuleDescription(
        id: "tools.unscoped",
        title: "A blanket grant gives the agent any command, server or host",
        rationale: """
        'Bash(*)' is a shell: it can read every CI variable and send it anywhere. A grant must name the \
        commands it allows (Bash(npm test:*)), the MCP server (mcp__gitlab), or the web domain.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("scoped grants", violations: 0) {
                try .pre("-p task --allowedTools 'Read Edit Write Bash(swift test:*) mcp__gitlab WebFetch(domain:docs.swift.org)'")
            },
            RuleExample("the GitLab page's example job", violations: 1) {
                try .pre("-p task --permission-mode acceptEdits --allowedTools \"Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab\" --debug")
            },
            RuleExample("bare Bash and every MCP server", violations: 2) { try .pre("-p task --allowedTools Bash,mcp__*") },
            RuleExample("a blanket grant in inline --settings JSON", violations: 1) {
                try .pre(#"-p task --allowedTools Read --settings '{"permissions":{"allow":["Bash(*)"]}}'"#)
            },
            RuleExample("an interpreter with a wildcard", violations: 1) { try .pre("-p task --allowedTools 'Bash(python -c *)'") },
            RuleExample("reading from the filesystem root", violations: 1) { try .pre("-p task --allowedTools 'Read(//**)'") },
        ])

    private static let workspaceScopedTools: Set<String> = ["Read", "Edit", "Write", "MultiEdit", "NotebookEdit", "Glob", "Grep", "LS"]

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        return invocation.allowedTools.compactMap { grant in
            let reason: String
            if workspaceScopedTools.contains(grant.toolName) {
                guard case .path(let path) = grant.kind, path.anchor == .filesystemRoot || path.anchor == .home else { return nil }
                reason = "it reaches files outside the project (\(path.anchor == .filesystemRoot ? "filesystem root" : "home folder"))"
            } else {
                guard let blanket = grant.blanketReason else { return nil }
                reason = blanket
            }
            return Violation("granted tool '\(grant.text)' is unscoped: \(reason)",
                             location: facts.invocationSource.map { .init(path: $0) }, evidence: grant.text)
        }
    }
}
