/// Post stage. An added or changed symlink whose target is absolute or, resolved lexically from the
/// link's folder, leaves the repository. Reads `Facts.changeSet`.
enum SymlinkEscapeRule: PolicyRule {
    static let description = RuleDescription(
        id: "workspace.symlink-escape",
        title: "A symlink points outside the repository",
        rationale: """
        A link to ../../etc/passwd or /var/run/secrets makes later jobs, tools and reviewers read or write \
        outside the checkout while looking at a file inside it.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("a link inside the repository", violations: 0) {
                .post([ChangedFile(path: "docs/latest", status: .added, oldMode: .absent, newMode: .symlink, symlinkTarget: "v2")])
            },
            RuleExample("a link climbing out", violations: 1) {
                .post([ChangedFile(path: "config/passwd", status: .added, oldMode: .absent, newMode: .symlink,
                                   symlinkTarget: "../../etc/passwd")])
            },
            RuleExample("an absolute link", violations: 1) {
                .post([ChangedFile(path: "token", status: .added, oldMode: .absent, newMode: .symlink,
                                   symlinkTarget: "/var/run/secrets/kubernetes.io/serviceaccount/token")])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let files = facts.changeSet?.files else { return [] }
        return files.compactMap { file in
            guard file.newMode == .symlink, file.status != .deleted else { return nil }
            guard let target = file.symlinkTarget, !target.isEmpty else {
                return Violation("symlink '\(file.path)' has no readable target", location: .init(path: file.path))
            }
            if target.hasPrefix("/") || target.hasPrefix("~") {
                return Violation("symlink '\(file.path)' points to the absolute path '\(target)'", location: .init(path: file.path),
                                 evidence: target)
            }
            var parts = file.path.split(separator: "/").dropLast().map(String.init)
            for component in target.split(separator: "/") {
                if component == ".." {
                    guard !parts.isEmpty else {
                        return Violation("symlink '\(file.path)' points outside the repository ('\(target)')",
                                         location: .init(path: file.path), evidence: target)
                    }
                    parts.removeLast()
                } else if component != "." {
                    parts.append(String(component))
                }
            }
            return nil
        }
    }
}
