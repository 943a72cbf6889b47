/// A loaded, compiled set of secret rules with global allowlists and the keyword prefilter built once.
public struct SecretRuleSet: Sendable {
    /// Where the rules came from (a path, or `built-in`).
    public var source: String
    /// The rules, sorted by id.
    public let rules: [SecretRule]
    /// Allowlists that apply to every rule (or to their `targetRules`).
    let globalAllowlists: [SecretAllowlist]
    /// The keyword prefilter over all rules.
    let automaton: KeywordAutomaton
    /// Indices of rules without keywords: they run on every fragment.
    let alwaysRun: [Int]
    /// Rule index by id.
    let indexByID: [String: Int]
    /// Per rule: whether its pattern spans lines (its matches may start far before the keyword).
    let spansLines: [Bool]
    /// Per rule: how far before a keyword's end its matches can start, when that is known (`KeywordReach`).
    var keywordReach: [Int?]

    /// Builds a rule set.
    public init(source: String, rules: [SecretRule], globalAllowlists: [SecretAllowlist]) {
        self.source = source
        let sorted = rules.sorted { $0.id < $1.id }
        self.rules = sorted
        self.globalAllowlists = globalAllowlists
        automaton = KeywordAutomaton(keywordsPerRule: sorted.map(\.keywords))
        alwaysRun = sorted.indices.filter { sorted[$0].keywords.isEmpty }
        spansLines = sorted.map(\.spansLines)
        keywordReach = sorted.map { rule in rule.regex.flatMap { KeywordReach.of(pattern: $0.source, keywords: rule.keywords) } }
        indexByID = Dictionary(sorted.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// The rule with this id.
    public func rule(id: String) -> SecretRule? {
        indexByID[id].map { rules[$0] }
    }
}
