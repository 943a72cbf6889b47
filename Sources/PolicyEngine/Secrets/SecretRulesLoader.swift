import Foundation

/// Loads secret rules in gitleaks' TOML format: the built-in default set, or a file with `[extend]`
/// layered on the default set or on another file, compiled with PCRE2.
public enum SecretRulesLoader {
    /// Name used for the embedded default rule file in messages.
    static let builtInName = "built-in rules/secrets.toml"

    /// The project's default rule set (embedded in the binary from `rules/secrets.toml`).
    /// - Throws: `SecretRulesError` if the embedded file is broken (a build defect, never silently ignored).
    /// The set is compiled once per process and shared: the policy's scanner and the redaction of
    /// messages both use it, and compiling it (TOML, PCRE2, the keyword automaton) is most of a
    /// short stage's start-up.
    public static func builtIn() throws(SecretRulesError) -> SecretRuleSet {
        try compiledBuiltIn.get()
    }

    private static let compiledBuiltIn = Result { () throws(SecretRulesError) -> SecretRuleSet in
        try load(text: EmbeddedDefaults.secretsTOML, source: builtInName, directory: nil)
    }

    /// Loads a rule file from disk.
    /// - Throws: `SecretRulesError` naming the file, line and reason.
    public static func load(path: String) throws(SecretRulesError) -> SecretRuleSet {
        let text = try readText(path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(text: text, source: path, directory: directory)
    }

    /// Loads rules from TOML text.
    /// - Parameters:
    ///   - text: the TOML.
    ///   - source: the file name for messages.
    ///   - directory: where `[extend] path` is resolved from.
    /// - Throws: `SecretRulesError`.
    public static func load(text: String, source: String, directory: String?) throws(SecretRulesError) -> SecretRuleSet {
        let config = try resolve(text: text, source: source, directory: directory, depth: 0)
        return try compile(config, source: source)
    }

    // MARK: - Extend

    private static func resolve(text: String, source: String, directory: String?,
                                depth: Int) throws(SecretRulesError) -> GitleaksConfig {
        let config = try GitleaksConfigParser(file: source).parse(text)
        guard let extend = config.extend, extend.useDefault || extend.path != nil else { return config }
        guard depth < 2 else {
            throw SecretRulesError(file: source, line: nil, reason: "[extend] is nested more than 2 levels deep")
        }
        let base: GitleaksConfig
        if extend.useDefault {
            base = try resolve(text: EmbeddedDefaults.secretsTOML, source: builtInName, directory: nil, depth: depth + 1)
        } else if let path = extend.path {
            let full = path.hasPrefix("/") ? path : (directory ?? ".") + "/" + path
            base = try resolve(text: try readText(full), source: full,
                               directory: URL(fileURLWithPath: full).deletingLastPathComponent().path, depth: depth + 1)
        } else {
            return config
        }
        return config.layered(over: base)
    }

    private static func readText(_ path: String) throws(SecretRulesError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretRulesError(file: path, line: nil, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SecretRulesError(file: path, line: nil, reason: "the file is not valid UTF-8")
        }
        return text
    }

    // MARK: - Compile

    private static func compile(_ config: GitleaksConfig, source: String) throws(SecretRulesError) -> SecretRuleSet {
        let knownIDs = Set(config.rules.map(\.id))
        var rules: [SecretRule] = []
        for raw in config.rules {
            let where_ = "rule '\(raw.id)'"
            if raw.regex == nil && raw.path == nil {
                // Checked after [extend] is applied: an extending file may adjust a rule without repeating its regex.
                throw SecretRulesError(file: config.file, line: raw.line, reason: "\(where_) has neither regex nor path")
            }
            let regex = try raw.regex.map { pattern throws(SecretRulesError) in
                try compilePattern(pattern, what: "\(where_): regex", file: config.file, line: raw.line)
            }
            if let regex, raw.secretGroup > regex.captureCount {
                throw SecretRulesError(file: config.file, line: raw.line,
                                       reason: "\(where_): secretGroup \(raw.secretGroup) but the regex has \(regex.captureCount) groups")
            }
            for requirement in raw.required where !knownIDs.contains(requirement.ruleID) {
                throw SecretRulesError(file: config.file, line: raw.line,
                                       reason: "\(where_): required rule '\(requirement.ruleID)' does not exist")
            }
            rules.append(SecretRule(
                id: raw.id, description: raw.description, regex: regex, secretGroup: raw.secretGroup,
                entropy: raw.entropy, keywords: raw.keywords,
                path: try raw.path.map { pattern throws(SecretRulesError) in
                    try compilePattern(pattern, what: "\(where_): path", file: config.file, line: raw.line)
                },
                tags: raw.tags,
                allowlists: try raw.allowlists.map { allowlist throws(SecretRulesError) in
                    try compileAllowlist(allowlist, context: "\(where_): allowlist", file: config.file)
                },
                required: raw.required, skipReport: raw.skipReport,
                truePositives: raw.truePositives, falsePositives: raw.falsePositives, sourceLine: raw.line))
        }
        var global: [SecretAllowlist] = []
        for allowlist in config.allowlists {
            for target in allowlist.targetRules where !knownIDs.contains(target) {
                throw SecretRulesError(file: config.file, line: allowlist.line,
                                       reason: "allowlist targets unknown rule '\(target)'")
            }
            global.append(try compileAllowlist(allowlist, context: "global allowlist", file: config.file))
        }
        guard !rules.isEmpty else {
            // A scan with no rules finds nothing and would pass everything.
            throw SecretRulesError(file: config.file, line: nil,
                                   reason: "defines no rules (add [[rules]], or [extend] useDefault = true)")
        }
        return SecretRuleSet(source: source, rules: rules, globalAllowlists: global)
    }

    private static func compileAllowlist(_ raw: GitleaksConfig.Allowlist, context: String,
                                         file: String) throws(SecretRulesError) -> SecretAllowlist {
        var paths: [PCRE2Pattern] = []
        for pattern in raw.paths {
            paths.append(try compilePattern(pattern, what: "\(context) path", file: file, line: raw.line))
        }
        var regexes: [PCRE2Pattern] = []
        for pattern in raw.regexes {
            regexes.append(try compilePattern(pattern, what: "\(context) regex", file: file, line: raw.line))
        }
        return SecretAllowlist(description: raw.description, condition: raw.condition, commits: Set(raw.commits),
                               paths: paths, regexTarget: raw.regexTarget, regexes: regexes,
                               stopwords: raw.stopwords, targetRules: raw.targetRules)
    }

    private static func compilePattern(_ pattern: String, what: String, file: String,
                                       line: Int) throws(SecretRulesError) -> PCRE2Pattern {
        if let problem = RE2Compatibility.problem(in: pattern) {
            throw SecretRulesError(file: file, line: line, reason: "\(what): \(problem)")
        }
        do {
            return try PCRE2Pattern(pattern)
        } catch {
            throw SecretRulesError(file: file, line: line,
                                   reason: "\(what) does not compile: \(error.message) at offset \(error.offset ?? 0)")
        }
    }
}
