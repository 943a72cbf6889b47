/// A gitleaks configuration file as written, before patterns are compiled and `[extend]` is applied.
struct GitleaksConfig {
    struct Allowlist {
        var description = ""
        var condition = SecretAllowlist.Condition.or
        var commits: [String] = []
        var paths: [String] = []
        var regexTarget = SecretAllowlist.RegexTarget.secret
        var regexes: [String] = []
        var stopwords: [String] = []
        var targetRules: [String] = []
        var line: Int
    }

    struct Rule {
        var id: String
        var description = ""
        var regex: String?
        var secretGroup = 0
        var entropy = 0.0
        var keywords: [String] = []
        var path: String?
        var tags: [String] = []
        var allowlists: [Allowlist] = []
        var required: [SecretRule.Requirement] = []
        var skipReport = false
        var truePositives: [String] = []
        var falsePositives: [String] = []
        var line: Int
    }

    struct Extend {
        var useDefault = false
        var path: String?
        var disabledRules: [String] = []
    }

    var file: String
    var title = ""
    var extend: Extend?
    var rules: [Rule] = []
    var allowlists: [Allowlist] = []

    /// Layers `self` over `base` with gitleaks' merge: for a rule in both, this file's non-empty scalar
    /// fields win and its tags, keywords and allowlists are appended; other base rules are kept unless disabled.
    func layered(over base: GitleaksConfig) -> GitleaksConfig {
        let disabled = Set(extend?.disabledRules ?? [])
        var merged: [String: Rule] = [:]
        for rule in base.rules where !disabled.contains(rule.id) {
            merged[rule.id] = rule
        }
        for rule in rules {
            guard var existing = merged[rule.id] else {
                merged[rule.id] = rule
                continue
            }
            if !rule.description.isEmpty { existing.description = rule.description }
            if rule.entropy != 0 { existing.entropy = rule.entropy }
            if rule.secretGroup != 0 { existing.secretGroup = rule.secretGroup }
            if let regex = rule.regex { existing.regex = regex }
            if let path = rule.path { existing.path = path }
            existing.tags += rule.tags
            existing.keywords += rule.keywords
            existing.allowlists += rule.allowlists
            existing.line = rule.line
            merged[rule.id] = existing
        }
        var result = self
        result.rules = merged.values.sorted { $0.id < $1.id }
        result.allowlists = base.allowlists + allowlists
        return result
    }
}
