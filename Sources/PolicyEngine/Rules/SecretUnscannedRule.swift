/// Post stage. A file of the change that the secret scan could not read (a binary blob over
/// `ScannableText.binaryLimit`): whatever it holds reaches the repository unchecked. Reads the
/// `secrets.unscanned` entries of `Facts.changeSecrets`; `secrets.leak` reports the others.
///
/// Blocks by default: the agent chooses what it writes, so a file too large to scan is the cheapest way
/// to publish a credential past the scan. A project that commits large binaries on purpose can lower
/// it to `warn` without touching `secrets.leak`.
public enum SecretUnscannedRule: PolicyRule {
    /// The id, also the `ruleID` of the scan's entries for such files.
    public static let id = "secrets.unscanned"

    public static let description = RuleDescription(
        id: id,
        title: "A file of the change could not be scanned for secrets",
        rationale: """
        The secret scan reads binary files up to a size limit; past it, nothing in the file was checked. \
        The agent decides what it writes, so an oversized file is a way to publish a credential unseen. \
        Store such files outside the repository or with Git LFS, or lower this rule to warn.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("a change whose files were all scanned", violations: 0) {
                .post([.modified("assets/model.bin")], secrets: [])
            },
            RuleExample("a binary file over the limit", violations: 1) {
                .post([.modified("assets/model.bin")], secrets: [SecretFinding(
                    ruleID: id, description: "binary file of 40000000 bytes, over the 32 MiB limit of binary files scanned",
                    path: "assets/model.bin", line: 1, endLine: 1, column: 1, commit: nil, redacted: "(not scanned)",
                    secretHash: "", entropy: 0, tags: [], hasAllowMarker: false)])
            },
        ])

    public static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        facts.changeSecrets.filter { $0.ruleID == id }.map { entry in
            Violation("not scanned for secrets: \(entry.description)", location: .init(path: entry.path, line: nil),
                      fingerprint: entry.fingerprint)
        }
    }
}
