/// A gitleaks allowlist: criteria under which a finding (or a whole fragment) is not reported.
public struct SecretAllowlist: Sendable {
    /// How the criteria combine.
    public enum Condition: String, Sendable {
        case or = "OR"
        case and = "AND"
    }

    /// What `regexes` are searched in.
    public enum RegexTarget: String, Sendable {
        case secret
        case match
        case line
    }

    /// Free text.
    public var description: String
    /// How the criteria combine.
    var condition: Condition
    /// Commit SHAs (lowercase, full).
    public var commits: Set<String>
    /// Patterns searched in the file path.
    var paths: [PCRE2Pattern]
    /// What `regexes` are searched in.
    var regexTarget: RegexTarget
    /// Patterns searched in the target.
    var regexes: [PCRE2Pattern]
    /// Lowercase words; a secret containing one is allowed.
    var stopwords: [String]
    /// For a global allowlist: the rule ids it applies to instead of all rules.
    var targetRules: [String]
    /// All stopwords in one automaton: gitleaks' generic rule alone has over a thousand of them.
    private let stopwordMatcher: KeywordAutomaton?

    /// Creates an allowlist.
    public init(description: String = "", condition: Condition = .or, commits: Set<String> = [],
                paths: [PCRE2Pattern] = [], regexTarget: RegexTarget = .secret, regexes: [PCRE2Pattern] = [],
                stopwords: [String] = [], targetRules: [String] = []) {
        self.description = description
        self.condition = condition
        self.commits = commits
        self.paths = paths
        self.regexTarget = regexTarget
        self.regexes = regexes
        self.stopwords = stopwords
        self.targetRules = targetRules
        stopwordMatcher = stopwords.isEmpty ? nil : KeywordAutomaton(keywordsPerRule: stopwords.map { [$0] })
    }

    /// Whether this allowlist can skip a whole fragment before any pattern runs:
    /// an OR list with a matching commit or path, or an AND list made only of commits and paths, all matching.
    /// - Throws: `NativeError` when a path pattern hits a match limit.
    func allowsFragment(path: String, commit: String?) throws -> Bool {
        switch condition {
        case .or:
            if commitAllowed(commit) { return true }
            return try pathAllowed(path)
        case .and:
            guard regexes.isEmpty, stopwords.isEmpty, !(commits.isEmpty && paths.isEmpty) else { return false }
            if !commits.isEmpty, !commitAllowed(commit) { return false }
            if !paths.isEmpty, try !pathAllowed(path) { return false }
            return true
        }
    }

    /// Whether a finding is allowed, with gitleaks' semantics for both conditions.
    /// - Throws: `NativeError` when a pattern hits a match limit.
    func allowsFinding(path: String, commit: String?, secret: String, match: String, line: String) throws -> Bool {
        let target: String
        switch regexTarget {
        case .secret: target = secret
        case .match: target = match
        case .line: target = line
        }
        switch condition {
        case .or:
            if commitAllowed(commit) { return true }
            if try pathAllowed(path) { return true }
            if try regexAllowed(target) { return true }
            return containsStopword(secret)
        case .and:
            var checks: [Bool] = []
            if !commits.isEmpty { checks.append(commitAllowed(commit)) }
            if !paths.isEmpty { checks.append(try pathAllowed(path)) }
            if !regexes.isEmpty { checks.append(try regexAllowed(target)) }
            if !stopwords.isEmpty { checks.append(containsStopword(secret)) }
            return !checks.isEmpty && checks.allSatisfy { $0 }
        }
    }

    // MARK: - Criteria

    private func commitAllowed(_ commit: String?) -> Bool {
        guard let commit, !commits.isEmpty else { return false }
        return commits.contains(commit.lowercased())
    }

    private func pathAllowed(_ path: String) throws -> Bool {
        for pattern in paths where try pattern.matches(path) {
            return true
        }
        return false
    }

    private func regexAllowed(_ target: String) throws -> Bool {
        for pattern in regexes where try pattern.matches(target) {
            return true
        }
        return false
    }

    /// Whether the secret is a stopword-bearing placeholder. Unlike gitleaks, a stopword anywhere is not
    /// enough: what is left once every stopword is taken out must be too short or too plain to be a
    /// credential, so that a real key with `EXAMPLE` or `test` appended is still reported.
    private func containsStopword(_ secret: String) -> Bool {
        guard let stopwordMatcher else { return false }
        var bytes = Array(secret.utf8)
        // The automaton folds ASCII case; other letters are lowered the way gitleaks lowers them.
        if bytes.contains(where: { $0 >= 0x80 }) { bytes = Array(secret.lowercased().utf8) }
        var covered = [Bool](repeating: false, count: bytes.count)
        var found = false
        bytes.withUnsafeBufferPointer { buffer in
            stopwordMatcher.forEachHit(in: buffer) { index, end in
                found = true
                for offset in max(0, end - stopwords[index].utf8.count)..<end { covered[offset] = true }
            }
        }
        guard found else { return false }
        return SecretAllowlist.isPlain(bytes.indices.filter { !covered[$0] }.map { bytes[$0] })
    }

    /// Fewer than 12 letters and digits, or letters and digits with under 3 bits of entropy each.
    static func isPlain(_ rest: [UInt8]) -> Bool {
        let alphanumerics = rest.filter { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
        return alphanumerics.count < 12 || ShannonEntropy.of(String(decoding: alphanumerics, as: UTF8.self)) < 3.0
    }
}
