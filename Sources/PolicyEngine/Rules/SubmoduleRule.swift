/// Post stage. A gitlink (submodule) added, moved, or pointed at another commit. Reads `Facts.changeSet`.
enum SubmoduleRule: PolicyRule {
    static let description = RuleDescription(
        id: "workspace.submodule",
        title: "A submodule is added or moved",
        rationale: """
        A submodule pulls code from another repository at a commit nobody reviewed in this merge request, \
        and its URL in .gitmodules decides where later clones fetch from.
        """,
        stages: [.post], defaultAction: .warn,
        examples: [
            RuleExample("ordinary files", violations: 0) { .post([.modified("src/a.c")]) },
            RuleExample("a new submodule", violations: 1) {
                .post([ChangedFile(path: "vendor/lib", status: .added, oldMode: .absent, newMode: .gitlink)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let files = facts.changeSet?.files else { return [] }
        return files.compactMap { file in
            guard file.newMode == .gitlink || file.oldMode == .gitlink else { return nil }
            let what: String
            switch (file.status, file.oldMode == .gitlink, file.newMode == .gitlink) {
            case (.added, _, _): what = "added"
            case (.deleted, _, _): what = "removed"
            case (.renamed, _, _): what = "moved from '\(file.oldPath ?? "?")'"
            case (_, false, true): what = "put in place of a file"
            default: what = "pointed at another commit"
            }
            return Violation("submodule '\(file.path)' \(what)", location: .init(path: file.path))
        }
    }
}
