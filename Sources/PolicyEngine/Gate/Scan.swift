import Foundation

extension Gate {
    /// What `scan` found, and the rules it scanned with (for the SARIF rule list).
    public struct ScanOutcome: Sendable {
        /// The findings and what was scanned.
        public var result: SecretScan.Result
        /// The rules.
        public var ruleSet: SecretRuleSet

        /// The findings as gate findings, each under `secrets.leak` (or `secrets.unscanned`), for SARIF.
        public var findings: [Finding] {
            result.findings.map { secret in
                secret.asFinding(rule: secret.ruleID == SecretUnscannedRule.id ? SecretUnscannedRule.id : SecretLeakRule.description.id,
                                 action: .block)
            }
        }
    }

    /// `scan`: the secrets in a diff, a range of commits or a folder.
    /// - Parameters:
    ///   - input: what to scan.
    ///   - ruleFile: a rule file (policy-gate or gitleaks format) instead of the built-in rules.
    ///   - ignoreFile: a file of accepted fingerprints.
    ///   - honoursInlineAllowMarkers: whether a `gitleaks:allow` / `policy-gate:allow` marker hides a line.
    /// - Throws: a one-line error when the rules or the input cannot be read.
    public static func scan(_ input: SecretScan.Input, ruleFile: String?, ignoreFile: String?,
                            honoursInlineAllowMarkers: Bool) throws -> ScanOutcome {
        let ruleSet = try ruleFile.map { try SecretRulesLoader.load(path: $0) } ?? SecretRulesLoader.builtIn()
        let ignored = try ignoreFile.map { try IgnoreFile.load(path: $0) } ?? []
        let scanner = SecretScanner(ruleSet: ruleSet, options: .init(honoursInlineAllowMarkers: honoursInlineAllowMarkers,
                                                                     ignoredFingerprints: ignored))
        return ScanOutcome(result: try SecretScan.run(input, scanner: scanner), ruleSet: ruleSet)
    }
}
