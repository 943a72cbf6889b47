/// Post stage. A change to a path in `workspace.protected` (gitignore semantics), checked on both the
/// old and the new path of renames and deletions, and to the CI files `pre` read the agent's job from
/// (its local includes, and new files their wildcards match). Reads `Facts.changeSet` and `Facts.preState`.
enum ProtectedPathRule: PolicyRule {
    static let description = RuleDescription(
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
            RuleExample("a local include pre read the agent's job from", violations: 1) {
                .post([.modified("ci/jobs.yml")], preState: .example(ciFiles: [".gitlab-ci.yml", "ci/jobs.yml"]))
            },
            RuleExample("a new file a wildcard include takes", violations: 1) {
                .post([ChangedFile(path: "ci/parts/late.yml", status: .added)], preState: .example(ciFilePatterns: ["ci/**/*.yml"]))
            },
            RuleExample("a file no include names", violations: 0) {
                .post([.modified("ci/readme.md")], preState: .example(ciFiles: ["ci/jobs.yml"], ciFilePatterns: ["ci/*.yml"]))
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let files = facts.changeSet?.files else { return [] }
        let ciFiles = Set((facts.preState?.ciFiles ?? []).map { $0.lowercased() })
        let ciPatterns = (facts.preState?.ciFilePatterns ?? []).map { pattern in
            (pattern, try? PCRE2Pattern(CIConfigurationReader.wildcardRegex(pattern)))
        }
        return files.compactMap { file in
            for path in [file.path, file.oldPath].compactMap({ $0 }) {
                if let pattern = policy.workspace.protected.match(path) {
                    return Violation("\(file.status.rawValue) '\(path)', protected by '\(pattern.text)'",
                                     location: .init(path: file.path), fingerprint: "\(file.path):\(path)")
                }
                if ciFiles.contains(path.lowercased()) {
                    return Violation("\(file.status.rawValue) '\(path)', a CI file the agent's job was read from",
                                     location: .init(path: file.path), fingerprint: "\(file.path):\(path)")
                }
                // A wildcard the gate cannot compile protects everything it could match: fail closed.
                if let (text, _) = ciPatterns.first(where: { $0.1.map { (try? $0.matches(path)) ?? true } ?? true }) {
                    return Violation("\(file.status.rawValue) '\(path)', taken by the CI include '\(text)'",
                                     location: .init(path: file.path), fingerprint: "\(file.path):\(path)")
                }
            }
            return nil
        }
    }
}
