import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// Every built-in secret rule carries samples it must find and samples it must not; this runs them all,
/// through the whole engine (keywords, entropy, global and rule allowlists), as gitleaks does for its rules.
@Suite struct DefaultRuleSetTests {
    static let ruleSet: SecretRuleSet? = try? SecretRulesLoader.builtIn()
    static let ruleIDs: [String] = ruleSet?.rules.map(\.id) ?? []

    @Test func builtInRulesLoadAndAreEnough() throws {
        let rules = try SecretRulesLoader.builtIn()
        #expect(rules.rules.count >= 80)
    }

    @Test(arguments: ruleIDs)
    func samplesOfRule(_ id: String) throws {
        let ruleSet = try #require(Self.ruleSet)
        let rule = try #require(ruleSet.rule(id: id))
        #expect(!rule.truePositives.isEmpty, "rule \(id) has no true-positive samples")
        #expect(!rule.falsePositives.isEmpty, "rule \(id) has no false-positive samples")
        let scanner = SecretScanner(ruleSet: ruleSet)
        for (index, sample) in rule.truePositives.enumerated() {
            let found = try scanner.scan(lines: sample).map(\.ruleID)
            // A generic rule's sample may be claimed by a specific rule on the same line (generic de-duplication).
            let claimed = found.contains(id) || (id.contains("generic") && found.contains { !$0.contains("generic") })
            #expect(claimed, "rule \(id): true positive #\(index + 1) was not found (found: \(found))")
        }
        for (index, sample) in rule.falsePositives.enumerated() {
            let found = try scanner.scan(lines: sample).map(\.ruleID)
            #expect(!found.contains(id), "rule \(id): false positive #\(index + 1) was reported")
        }
    }

    @Test func embeddedCopiesMatchTheRuleFiles() throws {
        let copies = [
            (EmbeddedDefaults.secretsTOML, "rules/secrets.toml"), (EmbeddedDefaults.policyYAML, "rules/policy.yml"),
            (EmbeddedDefaults.starterPolicyYAML, "init/policy-gate.yml"),
            (EmbeddedDefaults.starterCIIncludeYAML, "init/policy-gate.gitlab-ci.yml"),
            (EmbeddedDefaults.claudeMarkdown, "CLAUDE.md.example"),
            (EmbeddedDefaults.componentYAML, "templates/policy-gate.yml"),
        ]
        for (embedded, file) in copies {
            var text = try String(contentsOfFile: PackagePaths.root + "/" + file, encoding: .utf8)
            if text.hasSuffix("\n") { text.removeLast() }
            #expect(embedded == text, "\(file) changed: run scripts/embed-defaults.sh")
        }
    }
}
