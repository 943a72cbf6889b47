/// Post stage. A change to a path in `workspace.protected` (gitignore semantics), checked on both the
/// old and the new path of renames and deletions. Reads `Facts.changeSet`.
public enum ProtectedPathRule: PolicyRule {
    public static let description = RuleDescription(
        id: "workspace.protected-path",
        title: "The change touches a protected path",
        rationale: """
        CI configuration, CODEOWNERS, agent settings, the gate's own policy and ignore files decide how \
        every later change is checked. An agent that edits them can switch its own checks off.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("source changes", violations: 0) { .post([.modified("src/app.swift"), .modified("Tests/AppTests.swift")]) },
            RuleExample("the pipeline definition", violations: 1) { .post([.modified(".gitlab-ci.yml")]) },
            RuleExample("a new agent settings file", violations: 1) { .post([ChangedFile(path: ".claude/settings.json", status: .added)]) },
            RuleExample("a nested .env", violations: 1) { .post([ChangedFile(path: "services/api/.env", status: .added)]) },
            RuleExample("CODEOWNERS renamed away", violations: 1) {
                .post([ChangedFile(path: "docs/owners.txt", oldPath: "CODEOWNERS", status: .renamed)])
            },
            RuleExample("the gate's ignore file", violations: 1) { .post([ChangedFile(path: ".gitleaksignore", status: .added)]) },
        ])

    public static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let files = facts.changeSet?.files else { return [] }
        return files.compactMap { file in
            for path in [file.path, file.oldPath].compactMap({ $0 }) {
                if let pattern = policy.workspace.protected.match(path) {
                    return Violation("\(file.status.rawValue) '\(path)', protected by '\(pattern.text)'",
                                     location: .init(path: file.path), fingerprint: "\(file.path):\(path)")
                }
            }
            return nil
        }
    }
}
