/// Post stage. A changed path (old or new) that no `workspace.writable` pattern covers. Reads `Facts.changeSet`.
enum OutsideScopeRule: PolicyRule {
    static let description = RuleDescription(
        id: "workspace.outside-scope",
        title: "The change touches a path outside the writable scope",
        rationale: """
        A task scoped to one service should not change another. The writable globs say where the agent \
        may write; anything else needs a person.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("inside the scope", violations: 0, policy: "workspace:\n  writable: [\"src/**\", \"Tests/**\"]\n") {
                .post([.modified("src/a.swift")])
            },
            RuleExample("outside the scope", violations: 1, policy: "workspace:\n  writable: [\"src/**\"]\n") {
                .post([.modified("infra/main.tf")])
            },
            RuleExample("a rename out of the scope", violations: 1, policy: "workspace:\n  writable: [\"src/**\"]\n") {
                .post([ChangedFile(path: "src/moved.swift", oldPath: "lib/old.swift", status: .renamed)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let files = facts.changeSet?.files else { return [] }
        return files.compactMap { file in
            for path in [file.path, file.oldPath].compactMap({ $0 }) where policy.workspace.writable.match(path) == nil {
                return Violation("'\(path)' is outside workspace.writable (\(policy.workspace.writable.patterns.map(\.text).joined(separator: ", ")))",
                                 location: .init(path: file.path), fingerprint: "\(file.path):\(path)")
            }
            return nil
        }
    }
}
