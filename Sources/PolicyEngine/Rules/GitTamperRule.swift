/// Post stage. The `.git` metadata changed during the agent's run: any difference between the
/// snapshots the agent runner took before and after it (`Facts.gitMetadataChanges`), or, when `pre`
/// and `post` ran in the same job, `.git/config` or a file under `.git/hooks` differs from the digests
/// `pre` recorded (`Facts.preState`, `Facts.gitMetadata`).
enum GitTamperRule: PolicyRule {
    static let description = RuleDescription(
        id: "workspace.git-tamper",
        title: "Git configuration or hooks changed during the run",
        rationale: """
        A new remote, credential helper, core.hooksPath or hook runs code or sends data the next time \
        someone (or a later job) uses git in this checkout, and none of it shows up in the diff.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("unchanged", violations: 0) {
                .post([], preState: state(config: "c1", hooks: ["pre-commit.sample": "h1"]),
                      gitMetadata: GitMetadata(configSHA256: "c1", hooks: ["pre-commit.sample": "h1"]))
            },
            RuleExample("a modified pre-commit hook", violations: 1) {
                .post([], preState: state(config: "c1", hooks: ["pre-commit": "h1"]),
                      gitMetadata: GitMetadata(configSHA256: "c1", hooks: ["pre-commit": "h2"]))
            },
            RuleExample("config changed and a hook added", violations: 2) {
                .post([], preState: state(config: "c1", hooks: [:]),
                      gitMetadata: GitMetadata(configSHA256: "c2", hooks: ["post-checkout": "h9"]))
            },
            RuleExample("the runner saw .git/info/attributes added", violations: 1) {
                var facts = Facts.post([])
                facts.gitMetadataChanges = [".git/info/attributes was added"]
                return facts
            },
            RuleExample("the runner saw no change", violations: 0) {
                var facts = Facts.post([])
                facts.gitMetadataChanges = []
                return facts
            },
        ])

    static func state(config: String?, hooks: [String: String]) -> PreState {
        PreState(baseline: String(repeating: "0", count: 40), gitConfigSHA256: config, hooks: hooks, policySource: "built-in",
                 policySHA256: "", grants: [], permissionMode: nil)
    }

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        var violations = (facts.gitMetadataChanges ?? []).map { change in
            Violation("\(change) during the agent's run", location: .init(path: String(change.prefix { $0 != " " })))
        }
        guard let before = facts.preState, let now = facts.gitMetadata else { return violations }
        if before.gitConfigSHA256 != now.configSHA256 {
            violations.append(Violation(".git/config changed during the agent's run", location: .init(path: ".git/config")))
        }
        for name in Set(before.hooks.keys).union(now.hooks.keys).sorted() where before.hooks[name] != now.hooks[name] {
            let what = before.hooks[name] == nil ? "was added" : now.hooks[name] == nil ? "was removed" : "was modified"
            violations.append(Violation(".git/hooks/\(name) \(what) during the agent's run", location: .init(path: ".git/hooks/\(name)")))
        }
        return violations
    }
}
