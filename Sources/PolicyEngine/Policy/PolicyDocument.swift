import Yams

/// The policy file's values as written (strings and numbers with their lines), before compiling.
///
/// No defaults live here: `rules/policy.yml`, embedded as the built-in policy, states every key, and
/// `readBuiltIn` refuses it when one is missing (`statedPaths` against `keyPaths`). A user's file is
/// read over the built-in document, so a key it leaves out keeps the built-in value.
///
/// Adding a key: add a case to its section's key enum below (the raw value is the YAML key). The compiler
/// then asks for it in `read`'s switch and in `keyPaths`; the built-in check asks for it in
/// `rules/policy.yml`; give it a field here and in `Policy`. A new section is a case of `TopKey` plus
/// its own key enum.
struct PolicyDocument {
    struct Located<Value> {
        var value: Value
        var line: Int?
    }

    /// Top-level keys.
    enum TopKey: String, CaseIterable { case version, agent, workspace, branches, secrets, transcript, rules }
    /// Keys of `agent:`.
    enum AgentKey: String, CaseIterable {
        case permissionModes = "permission_modes", tools, isolation, user, environment
        case handoffAuthentication = "handoff_authentication"
        case extraOptions = "extra_options"
        case liveEnforcement = "live_enforcement"
    }
    /// Keys of `agent.tools:`.
    enum ToolsKey: String, CaseIterable { case allow, deny }
    /// Keys of `workspace:`.
    enum WorkspaceKey: String, CaseIterable {
        case writable, protected, maxChangedFiles = "max_changed_files", maxChangedLines = "max_changed_lines"
    }
    /// Keys of `branches:`.
    enum BranchesKey: String, CaseIterable { case protected }
    /// Keys of `secrets:`.
    enum SecretsKey: String, CaseIterable { case rules, ignore, honourInlineAllow = "honour_inline_allow" }
    /// Keys of `transcript:`.
    enum TranscriptKey: String, CaseIterable { case allowedHosts = "allowed_hosts" }

    /// Every key that holds a value, as a dotted path (`workspace.max_changed_files`).
    static var keyPaths: [String] {
        func paths<Key: RawRepresentable & CaseIterable>(_ prefix: String, _: Key.Type) -> [String] where Key.RawValue == String {
            Key.allCases.map { prefix + "." + $0.rawValue }
        }
        return TopKey.allCases.flatMap { top -> [String] in
            switch top {
            case .version, .rules: return [top.rawValue]
            case .agent:
                return AgentKey.allCases.flatMap { key -> [String] in
                    switch key {
                    case .permissionModes, .isolation, .user, .environment, .handoffAuthentication, .extraOptions,
                         .liveEnforcement:
                        return ["agent." + key.rawValue]
                    case .tools: return paths("agent.tools", ToolsKey.self)
                    }
                }
            case .workspace: return paths("workspace", WorkspaceKey.self)
            case .branches: return paths("branches", BranchesKey.self)
            case .secrets: return paths("secrets", SecretsKey.self)
            case .transcript: return paths("transcript", TranscriptKey.self)
            }
        }
    }

    // Neutral starting values, not defaults: see the type's comment.
    var version = 0
    var permissionModes: [Located<String>] = []
    var isolation = ""
    var agentUser = ""
    var agentEnvironment: [Located<String>] = []
    var handoffAuthentication = ""
    var extraOptions: [Located<String>] = []
    var liveEnforcement = ""
    var allow: [Located<String>] = []
    var deny: [Located<String>] = []
    var writable: [Located<String>] = []
    var protected: [Located<String>] = []
    var maxChangedFiles = 0
    var maxChangedLines = 0
    var protectedBranches: [Located<String>] = []
    var secretRules = ""
    var secretIgnore: String?
    var honourInlineAllow = false
    var allowedHosts: [Located<String>] = []
    var ruleActions: [String: RuleAction] = [:]
    /// The key paths this document's file set (and, for a user's file, those the built-in set).
    var statedPaths: Set<String> = []

    /// Upper bound on YAML nodes visited, so aliases that expand exponentially cannot hang the load.
    static let nodeBudget = 100_000

    /// Reads the built-in policy, which must state every key.
    static func readBuiltIn(text: String, knownRuleIDs: [String]) throws(PolicyError) -> PolicyDocument {
        let document = try read(text: text, source: PolicyLoader.builtInName, defaults: PolicyDocument(), knownRuleIDs: knownRuleIDs)
        if let missing = keyPaths.first(where: { !document.statedPaths.contains($0) }) {
            throw PolicyError(file: PolicyLoader.builtInName, line: nil, reason: "the built-in policy does not state '\(missing)'")
        }
        return document
    }

    static func read(text: String, source: String, defaults: PolicyDocument,
                     knownRuleIDs: [String]) throws(PolicyError) -> PolicyDocument {
        let root: Node?
        if let line = YAMLAliasKeys.firstLine(in: text) {
            throw PolicyError(file: source, line: line, reason: YAMLAliasKeys.refusal)
        }
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PolicyError(file: source, line: yamlErrorLine(error), reason: "invalid YAML: \(firstLine(of: error))")
        }
        var reader = NodeReader(source: source)
        var document = defaults
        guard let root else { return document }
        /// Reads the keys of one section, each with its dotted path, and records the paths it states
        /// (a key that is a section of its own, in `sections`, records its keys instead).
        func section<Key: RawRepresentable & CaseIterable & Equatable>(
            _ value: NodeReader.Value, _ name: String, _: Key.Type, sections: [Key] = [],
            _ read: (Key, NodeReader.Value, String) throws(PolicyError) -> Void
        ) throws(PolicyError) where Key.RawValue == String {
            for (key, keyValue) in try reader.mapping(value.node, path: name, keys: Key.self) {
                let path = name + "." + key.rawValue
                try read(key, keyValue, path)
                if !sections.contains(key) { document.statedPaths.insert(path) }
            }
        }
        for (key, value) in try reader.mapping(root, path: "", keys: TopKey.self) {
            switch key {
            case .version:
                document.version = try reader.integer(value, path: "version")
                if document.version != 1 {
                    throw PolicyError(file: source, line: value.line,
                                      reason: "version \(document.version) is not supported (this gate reads version 1)")
                }
            case .agent:
                try section(value, "agent", AgentKey.self, sections: [.tools]) { (key, value, path) throws(PolicyError) in
                    switch key {
                    case .permissionModes: document.permissionModes = try reader.strings(value, path: path)
                    case .isolation: document.isolation = try reader.string(value, path: path)
                    case .user: document.agentUser = try reader.string(value, path: path)
                    case .environment: document.agentEnvironment = try reader.strings(value, path: path)
                    case .handoffAuthentication: document.handoffAuthentication = try reader.string(value, path: path)
                    case .extraOptions: document.extraOptions = try reader.strings(value, path: path)
                    case .liveEnforcement: document.liveEnforcement = try reader.string(value, path: path)
                    case .tools:
                        try section(value, path, ToolsKey.self) { (key, value, path) throws(PolicyError) in
                            switch key {
                            case .allow: document.allow = try reader.strings(value, path: path)
                            case .deny: document.deny = try reader.strings(value, path: path)
                            }
                        }
                    }
                }
            case .workspace:
                try section(value, "workspace", WorkspaceKey.self) { (key, value, path) throws(PolicyError) in
                    switch key {
                    case .writable: document.writable = try reader.strings(value, path: path)
                    case .protected: document.protected = try reader.strings(value, path: path)
                    case .maxChangedFiles: document.maxChangedFiles = try reader.integer(value, path: path)
                    case .maxChangedLines: document.maxChangedLines = try reader.integer(value, path: path)
                    }
                }
            case .branches:
                try section(value, "branches", BranchesKey.self) { (key, value, path) throws(PolicyError) in
                    switch key {
                    case .protected: document.protectedBranches = try reader.strings(value, path: path)
                    }
                }
            case .secrets:
                try section(value, "secrets", SecretsKey.self) { (key, value, path) throws(PolicyError) in
                    switch key {
                    case .rules: document.secretRules = try reader.string(value, path: path)
                    case .ignore: document.secretIgnore = try reader.string(value, path: path)
                    case .honourInlineAllow: document.honourInlineAllow = try reader.bool(value, path: path)
                    }
                }
            case .transcript:
                try section(value, "transcript", TranscriptKey.self) { (key, value, path) throws(PolicyError) in
                    switch key {
                    case .allowedHosts: document.allowedHosts = try reader.strings(value, path: path)
                    }
                }
            case .rules:
                for (ruleKey, actionValue) in try reader.freeMapping(value.node, path: "rules") {
                    guard knownRuleIDs.contains(ruleKey.value) else {
                        throw PolicyError(file: source, line: ruleKey.line,
                                          reason: "unknown rule id '\(ruleKey.value)'" + Suggestion.didYouMean(ruleKey.value, in: knownRuleIDs))
                    }
                    let text = try reader.string(actionValue, path: "rules.\(ruleKey.value)")
                    guard let action = RuleAction(rawValue: text) else {
                        throw PolicyError(file: source, line: actionValue.line,
                                          reason: "rule '\(ruleKey.value)': action '\(text)' is not one of block, warn, off")
                    }
                    document.ruleActions[ruleKey.value] = action
                }
            }
            if key == .version || key == .rules { document.statedPaths.insert(key.rawValue) }
        }
        return document
    }

    static func yamlErrorLine(_ error: any Error) -> Int? {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
                return mark.line
            default:
                return nil
            }
        }
        return nil
    }

    static func firstLine(of error: any Error) -> String {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
                return problem
            default:
                break
            }
        }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
    }
}

/// Walks Yams nodes with checks: expected types, the schema's keys, and a budget on nodes visited.
struct NodeReader {
    struct Value {
        var node: Node
        var line: Int?
    }

    let source: String
    private var visited = 0

    init(source: String) {
        self.source = source
    }

    /// The entries of a mapping whose keys must be cases of `Key`; any other key is an error with a suggestion.
    mutating func mapping<Key: RawRepresentable & CaseIterable>(
        _ node: Node, path: String, keys: Key.Type
    ) throws(PolicyError) -> [(Key, Value)] where Key.RawValue == String {
        let allowed = Key.allCases.map(\.rawValue)
        var result: [(Key, Value)] = []
        for (key, value) in try freeMapping(node, path: path) {
            guard let known = Key(rawValue: key.value) else {
                let place = path.isEmpty ? "at the top level" : "in '\(path)'"
                throw PolicyError(file: source, line: key.line,
                                  reason: "unknown key '\(key.value)' \(place)" + Suggestion.didYouMean(key.value, in: allowed))
            }
            result.append((known, value))
        }
        return result
    }

    /// The entries of a mapping with any text keys (`rules:`, keyed by rule id).
    mutating func freeMapping(_ node: Node, path: String) throws(PolicyError) -> [(PolicyDocument.Located<String>, Value)] {
        try count(node)
        guard case .mapping(let mapping) = node else {
            throw PolicyError(file: source, line: node.mark?.line, reason: "'\(path.isEmpty ? "the file" : path)' must be a mapping")
        }
        var result: [(PolicyDocument.Located<String>, Value)] = []
        for (key, value) in mapping {
            try count(value)
            guard case .scalar(let scalar) = key else {
                throw PolicyError(file: source, line: key.mark?.line, reason: "keys must be plain text")
            }
            result.append((.init(value: scalar.string, line: key.mark?.line), Value(node: value, line: value.mark?.line)))
        }
        return result
    }

    mutating func strings(_ value: Value, path: String) throws(PolicyError) -> [PolicyDocument.Located<String>] {
        guard case .sequence(let sequence) = value.node else {
            throw PolicyError(file: source, line: value.line, reason: "'\(path)' must be a list")
        }
        var result: [PolicyDocument.Located<String>] = []
        for item in sequence {
            try count(item)
            guard case .scalar(let scalar) = item else {
                throw PolicyError(file: source, line: item.mark?.line, reason: "'\(path)' entries must be text")
            }
            result.append(.init(value: scalar.string, line: item.mark?.line))
        }
        return result
    }

    func string(_ value: Value, path: String) throws(PolicyError) -> String {
        guard case .scalar(let scalar) = value.node else {
            throw PolicyError(file: source, line: value.line, reason: "'\(path)' must be text")
        }
        return scalar.string
    }

    func integer(_ value: Value, path: String) throws(PolicyError) -> Int {
        guard case .scalar(let scalar) = value.node, let number = Int(scalar.string), number >= 0, number <= 1_000_000_000 else {
            throw PolicyError(file: source, line: value.line, reason: "'\(path)' must be a whole number from 0 to 1000000000")
        }
        return number
    }

    func bool(_ value: Value, path: String) throws(PolicyError) -> Bool {
        guard case .scalar(let scalar) = value.node, let flag = Bool(scalar.string.lowercased()) else {
            throw PolicyError(file: source, line: value.line, reason: "'\(path)' must be true or false")
        }
        return flag
    }

    private mutating func count(_ node: Node) throws(PolicyError) {
        if case .alias = node {
            throw PolicyError(file: source, line: node.mark?.line, reason: "YAML aliases are not allowed in a policy file")
        }
        visited += 1
        if visited > PolicyDocument.nodeBudget {
            throw PolicyError(file: source, line: node.mark?.line,
                              reason: "the file has more than \(PolicyDocument.nodeBudget) YAML nodes (alias expansion?)")
        }
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestion {
    static func didYouMean(_ word: String, in candidates: [String]) -> String {
        let best = candidates.map { ($0, EditDistance.between(word, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else {
            return candidates.isEmpty ? "" : " (known: \(candidates.sorted().joined(separator: ", ")))"
        }
        return " (did you mean '\(best.0)'?)"
    }
}
