/// Pre stage. An `@path` import in the agent's memory files (`CLAUDE.md`, `CLAUDE.local.md`,
/// `.claude/rules/*.md`, followed through their own imports) that reaches outside the checkout or into
/// a file that holds secrets. Reads `Facts.memoryImports`.
enum MemoryImportRule: PolicyRule {
    static let description = RuleDescription(
        id: "memory.import",
        title: "CLAUDE.md imports a file outside the checkout or a secret",
        rationale: """
        Claude Code reads every file CLAUDE.md imports into the agent's context before the first prompt, \
        with no permission check. An import of ~/.ssh/id_rsa or /proc/self/environ hands the agent the \
        credential, and the agent can write it into the change.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("no imports", violations: 0) { try .pre("-p task --permission-mode plan") },
            RuleExample("an SSH key imported from the home folder", violations: 1) {
                var facts = try Facts.pre("-p task --permission-mode plan")
                facts.memoryImports = [MemoryImport(file: "CLAUDE.md", line: 3, target: "~/.ssh/id_rsa", reason: "SSH private key")]
                return facts
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        facts.memoryImports.map { item in
            Violation("\(item.file) imports @\(item.target) (\(item.reason)) into the agent's context",
                      location: .init(path: item.file, line: item.line),
                      fingerprint: "memory.import:\(item.file):\(item.target)")
        }
    }
}
