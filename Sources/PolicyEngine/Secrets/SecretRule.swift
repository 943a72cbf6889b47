/// One secret-detection rule in gitleaks' model: keywords, a pattern, how to pick the secret, and allowlists.
public struct SecretRule: Sendable {
    /// A rule that must also match near this rule's match for it to count (gitleaks' composite rules).
    public struct Requirement: Sendable, Equatable {
        /// The id of the other rule.
        public var ruleID: String
        /// Maximum distance in lines, if any.
        var withinLines: Int?
        /// Maximum distance in columns, if any.
        var withinColumns: Int?

        /// Creates a requirement.
        public init(ruleID: String, withinLines: Int? = nil, withinColumns: Int? = nil) {
            self.ruleID = ruleID
            self.withinLines = withinLines
            self.withinColumns = withinColumns
        }
    }

    /// Stable identifier, e.g. `gitlab-pat`.
    public var id: String
    /// Human text copied into findings.
    public var description: String
    /// The pattern that finds the secret; `nil` for a path-only rule.
    var regex: PCRE2Pattern?
    /// The capture group holding the secret; 0 means the first non-empty group, or the whole match.
    var secretGroup: Int
    /// Minimum Shannon entropy of the secret; a finding at or below it is dropped. 0 disables the check.
    var entropy: Double
    /// Lowercase prefilter words: the rule runs only on text containing one of them. Empty means always.
    var keywords: [String]
    /// A pattern the file path must match.
    public var path: PCRE2Pattern?
    /// Tags copied into findings.
    var tags: [String]
    /// Rule-level allowlists.
    var allowlists: [SecretAllowlist]
    /// Rules that must also match for this one to be reported.
    var required: [Requirement]
    /// Whether the rule only serves other rules' `required` lists.
    var skipReport: Bool
    /// Lines that must produce a finding of this rule (checked by tests and `check`).
    var truePositives: [String]
    /// Lines that must not produce a finding of this rule.
    var falsePositives: [String]
    /// Line of the rule in its file, for messages.
    var sourceLine: Int

    /// Whether the pattern is written to match across lines (`\n`, `[\s\S]`, or dot-all), so a match can
    /// start well before its keyword.
    var spansLines: Bool {
        guard let source = regex?.source else { return false }
        return source.containsBytes("\\n") || source.containsBytes("[\\s\\S]") || source.containsBytes("(?s")
    }

    /// Creates a rule.
    public init(id: String, description: String = "", regex: PCRE2Pattern?, secretGroup: Int = 0, entropy: Double = 0,
                keywords: [String] = [], path: PCRE2Pattern? = nil, tags: [String] = [],
                allowlists: [SecretAllowlist] = [], required: [Requirement] = [], skipReport: Bool = false,
                truePositives: [String] = [], falsePositives: [String] = [], sourceLine: Int = 0) {
        self.id = id
        self.description = description
        self.regex = regex
        self.secretGroup = secretGroup
        self.entropy = entropy
        self.keywords = keywords
        self.path = path
        self.tags = tags
        self.allowlists = allowlists
        self.required = required
        self.skipReport = skipReport
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.sourceLine = sourceLine
    }
}
