/// Post stage. A secret inside a tool call's input or result (a key echoed in a command, a token in a
/// file the agent read): it is now in the transcript, the model's context and possibly the provider's
/// logs. Reads `Facts.transcriptSecrets`, filled by the collector with the secret scanner.
enum TranscriptSecretExposureRule: PolicyRule {
    static let description = RuleDescription(
        id: "transcript.secret-exposure",
        title: "A secret appeared in the agent's tool calls",
        rationale: """
        Commands and their output are stored unmasked in the transcript and sent to the model. A secret \
        there must be treated as exposed and rotated.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("no secrets", violations: 0) { try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])) },
            RuleExample("a key echoed in a command", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"echo $KEY"}"#, false)]), transcriptSecrets: [SecretFinding(
                    ruleID: "anthropic-api-key", description: "Anthropic API key", path: "transcript.jsonl", line: 2, endLine: 2,
                    column: 1, commit: nil, redacted: "sk-a…#00000000", secretHash: "", entropy: 5, tags: [], hasAllowMarker: false)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        facts.transcriptSecrets.map { secret in
            Violation("secret of rule '\(secret.ruleID)' in a tool call's input or output\(secret.summary)",
                      location: .init(path: secret.path, line: secret.line), secretRule: secret.ruleID, evidence: secret.redacted,
                      fingerprint: "\(secret.path):\(secret.line):\(secret.ruleID):\(secret.secretHash.prefix(12))")
        }
    }
}
