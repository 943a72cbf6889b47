/// Post stage. A secret in a line the change adds, one finding per secret naming the secret rule.
/// Inline allow markers on added lines do not suppress it unless the policy opts in; the finding says
/// a marker was there. Reads `Facts.changeSecrets`, but for the files that could not be scanned
/// (`SecretUnscannedRule`).
public enum SecretLeakRule: PolicyRule {
    public static let description = RuleDescription(
        id: "secrets.leak",
        title: "A secret in an added line",
        rationale: """
        A credential committed to a branch is in the repository's history, in forks and in every clone; \
        it has to be revoked, not just removed. The agent writes the diff, so nothing in the diff can \
        wave a secret through.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("no secrets", violations: 0) { .post([.modified("a.py")]) },
            RuleExample("a token in an added line", violations: 1) {
                .post([.modified("app/settings.py")], secrets: [SecretFinding(
                    ruleID: "gitlab-pat", description: "GitLab personal access token", path: "app/settings.py", line: 3,
                    endLine: 3, column: 16, commit: nil, redacted: "glpa…#00000000", secretHash: "", entropy: 4.2, tags: [],
                    hasAllowMarker: true)])
            },
        ])

    public static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        facts.changeSecrets.filter { $0.ruleID != SecretUnscannedRule.id }.map { secret in
            var message = "secret of rule '\(secret.ruleID)' \(secret.place)\(secret.summary)"
            if secret.hasAllowMarker {
                message += " (an inline allow marker was on the line and was not honoured)"
            }
            return Violation(message, location: .init(path: secret.path, line: secret.line), secretRule: secret.ruleID,
                             evidence: secret.redacted, fingerprint: secret.fingerprint)
        }
    }
}
