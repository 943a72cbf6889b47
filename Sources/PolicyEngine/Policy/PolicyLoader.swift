import Foundation
import Yams

/// Loads the policy file: YAML read with Yams, every key checked against the schema (unknown keys and
/// unknown rule ids are errors with a suggestion), absent keys taken from the built-in default policy,
/// and every pattern compiled now so a bad one fails the load rather than a later check.
public enum PolicyLoader {
    /// Name used for the embedded default policy in messages.
    static let builtInName = "built-in"

    /// The default policy shipped in `rules/policy.yml`.
    public static func builtIn() throws(PolicyError) -> Policy {
        try load(text: EmbeddedDefaults.policyYAML, origin: .builtIn)
    }

    /// Loads a policy file from disk.
    public static func load(path: String) throws(PolicyError) -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(file: path, line: nil, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: path, line: nil, reason: "the file is not valid UTF-8")
        }
        return try load(text: text, origin: .file(path: path))
    }

    /// Loads a policy from YAML text read from the file `source`; see `load(text:origin:knownRuleIDs:)`.
    public static func load(text: String, source: String, knownRuleIDs: [String]? = nil) throws(PolicyError) -> Policy {
        try load(text: text, origin: .file(path: source), knownRuleIDs: knownRuleIDs)
    }

    /// Loads a policy from YAML text; keys it leaves out take the built-in default's values.
    /// - Parameters:
    ///   - text: the YAML.
    ///   - origin: where the text came from, for messages, the audit record and where its rule files are read.
    ///   - knownRuleIDs: the rule ids `rules:` may name (default: every registered rule).
    public static func load(text: String, origin: PolicyOrigin, knownRuleIDs: [String]? = nil) throws(PolicyError) -> Policy {
        let ids = knownRuleIDs ?? RuleRegistry.ids
        let document: PolicyDocument
        switch origin {
        case .builtIn:
            document = try PolicyDocument.readBuiltIn(text: text, knownRuleIDs: ids)
        case .file, .commit:
            let defaults = try PolicyDocument.readBuiltIn(text: EmbeddedDefaults.policyYAML, knownRuleIDs: ids)
            document = try PolicyDocument.read(text: text, source: origin.description, defaults: defaults, knownRuleIDs: ids)
        }
        return try document.compile(origin: origin, sha256: SecretRedaction.hash(text))
    }
}
