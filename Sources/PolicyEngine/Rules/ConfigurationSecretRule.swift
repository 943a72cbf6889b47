/// Pre stage. A literal secret in the agent's command line or its CI job (prompt, flags, script,
/// variables). Reads `Facts.configurationSecrets`, which the collector fills with the secret scanner.
enum ConfigurationSecretRule: PolicyRule {
    static let description = RuleDescription(
        id: "ci.secret-in-config",
        title: "A literal secret in the agent's arguments or CI configuration",
        rationale: """
        A token written into .gitlab-ci.yml or a prompt is in the repository's history and in every job \
        log, and the agent can read it. Secrets belong in masked CI/CD variables.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("a variable reference", violations: 0) { try .pre("-p \"use $GITLAB_TOKEN\"") },
            RuleExample("a token found in the prompt", violations: 1) {
                try .pre("-p task", configurationSecrets: [SecretFinding(
                    ruleID: "gitlab-pat", description: "GitLab personal access token", path: "--claude-args", line: 1,
                    endLine: 1, column: 4, commit: nil, redacted: "glpa…#00000000", secretHash: "", entropy: 4, tags: [],
                    hasAllowMarker: false)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        facts.configurationSecrets.map { secret in
            Violation("secret of rule '\(secret.ruleID)' written literally in the configuration\(secret.summary)",
                      location: .init(path: secret.path, line: secret.line), secretRule: secret.ruleID, evidence: secret.redacted,
                      fingerprint: "\(secret.path):\(secret.line):\(secret.ruleID)")
        }
    }
}
