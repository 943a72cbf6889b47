import Yams

/// The policy file's values as written (strings and numbers with their lines), before compiling.
struct PolicyDocument {
    struct Located<Value> {
        var value: Value
        var line: Int?
    }

    var version = 1
    var permissionModes: [Located<String>] = []
    var allow: [Located<String>] = []
    var deny: [Located<String>] = []
    var writable: [Located<String>] = []
    var protected: [Located<String>] = []
    var maxChangedFiles = 200
    var maxChangedLines = 10_000
    var protectedBranches: [Located<String>] = []
    var secretRules = "built-in"
    var secretIgnore: String?
    var honourInlineAllow = false
    var allowedHosts: [Located<String>] = []
    var ruleActions: [String: RuleAction] = [:]
    var isolation = "required"
    var agentUser: String?
    var agentEnvironment: [Located<String>] = []
    var handoffAuthentication = "required"

    /// The schema: every key the file may use, by section.
    static let schema: [String: [String]] = [
        "": ["version", "agent", "workspace", "branches", "secrets", "transcript", "rules"],
        "agent": ["permission_modes", "tools", "isolation", "user", "environment", "handoff_authentication"],
        "agent.tools": ["allow", "deny"],
        "workspace": ["writable", "protected", "max_changed_files", "max_changed_lines"],
        "branches": ["protected"],
        "secrets": ["rules", "ignore", "honour_inline_allow"],
        "transcript": ["allowed_hosts"],
    ]

    /// Upper bound on YAML nodes visited, so aliases that expand exponentially cannot hang the load.
    static let nodeBudget = 100_000

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
        let top = try reader.mapping(root, path: "")
        for (key, value) in top {
            switch key.value {
            case "version":
                document.version = try reader.integer(value, path: "version")
                if document.version != 1 {
                    throw PolicyError(file: source, line: value.line,
                                      reason: "version \(document.version) is not supported (this gate reads version 1)")
                }
            case "agent":
                for (agentKey, agentValue) in try reader.mapping(value.node, path: "agent") {
                    switch agentKey.value {
                    case "permission_modes": document.permissionModes = try reader.strings(agentValue, path: "agent.permission_modes")
                    case "isolation": document.isolation = try reader.string(agentValue, path: "agent.isolation")
                    case "user": document.agentUser = try reader.string(agentValue, path: "agent.user")
                    case "environment": document.agentEnvironment = try reader.strings(agentValue, path: "agent.environment")
                    case "handoff_authentication":
                        document.handoffAuthentication = try reader.string(agentValue, path: "agent.handoff_authentication")
                    default:
                        for (toolKey, toolValue) in try reader.mapping(agentValue.node, path: "agent.tools") {
                            if toolKey.value == "allow" {
                                document.allow = try reader.strings(toolValue, path: "agent.tools.allow")
                            } else {
                                document.deny = try reader.strings(toolValue, path: "agent.tools.deny")
                            }
                        }
                    }
                }
            case "workspace":
                for (workspaceKey, workspaceValue) in try reader.mapping(value.node, path: "workspace") {
                    switch workspaceKey.value {
                    case "writable": document.writable = try reader.strings(workspaceValue, path: "workspace.writable")
                    case "protected": document.protected = try reader.strings(workspaceValue, path: "workspace.protected")
                    case "max_changed_files":
                        document.maxChangedFiles = try reader.integer(workspaceValue, path: "workspace.max_changed_files")
                    default:
                        document.maxChangedLines = try reader.integer(workspaceValue, path: "workspace.max_changed_lines")
                    }
                }
            case "branches":
                for (_, branchValue) in try reader.mapping(value.node, path: "branches") {
                    document.protectedBranches = try reader.strings(branchValue, path: "branches.protected")
                }
            case "secrets":
                for (secretKey, secretValue) in try reader.mapping(value.node, path: "secrets") {
                    switch secretKey.value {
                    case "rules": document.secretRules = try reader.string(secretValue, path: "secrets.rules")
                    case "ignore": document.secretIgnore = try reader.string(secretValue, path: "secrets.ignore")
                    default: document.honourInlineAllow = try reader.bool(secretValue, path: "secrets.honour_inline_allow")
                    }
                }
            case "transcript":
                for (_, hostValue) in try reader.mapping(value.node, path: "transcript") {
                    document.allowedHosts = try reader.strings(hostValue, path: "transcript.allowed_hosts")
                }
            default:  // rules
                for (ruleKey, actionValue) in try reader.mapping(value.node, path: "rules", freeKeys: true) {
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

    mutating func mapping(_ node: Node, path: String, freeKeys: Bool = false) throws(PolicyError) -> [(PolicyDocument.Located<String>, Value)] {
        try count(node)
        guard case .mapping(let mapping) = node else {
            throw PolicyError(file: source, line: node.mark?.line, reason: "'\(path.isEmpty ? "the file" : path)' must be a mapping")
        }
        let allowed = PolicyDocument.schema[path] ?? []
        var result: [(PolicyDocument.Located<String>, Value)] = []
        for (key, value) in mapping {
            try count(value)
            guard case .scalar(let scalar) = key else {
                throw PolicyError(file: source, line: key.mark?.line, reason: "keys must be plain text")
            }
            if !freeKeys, !allowed.contains(scalar.string) {
                let place = path.isEmpty ? "at the top level" : "in '\(path)'"
                throw PolicyError(file: source, line: key.mark?.line,
                                  reason: "unknown key '\(scalar.string)' \(place)" + Suggestion.didYouMean(scalar.string, in: allowed))
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
        let best = candidates.map { ($0, distance(word, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else {
            return candidates.isEmpty ? "" : " (known: \(candidates.sorted().joined(separator: ", ")))"
        }
        return " (did you mean '\(best.0)'?)"
    }

    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
