/// One entry of a CI configuration's `include:` keyword.
public enum CIInclude: Sendable, Hashable {
    /// `include: local: PATH` or a bare path: a file of the same repository.
    case local(path: String, file: String, line: Int)
    /// `include: local: 'ci/*.yml'`: every file of the repository the pattern matches.
    case localWildcard(pattern: String, file: String, line: Int)
    /// `include: component: ADDRESS` (`host/group/project/name@version`).
    case component(address: String, file: String, line: Int)
    /// `remote:`, `project:`/`file:`, `template:`, or a local path with variables: read by GitLab
    /// from elsewhere, not by the gate.
    case elsewhere(description: String, file: String, line: Int)

    /// The component's name: the last path segment of its address, without the version.
    var componentName: String? {
        guard case .component(let address, _, _) = self else { return nil }
        return componentPath.flatMap { $0.split(separator: "/").last.map(String.init) } ?? address
    }

    /// The component's address without its version (`host/group/project/name`).
    var componentPath: String? {
        guard case .component(let address, _, _) = self else { return nil }
        return address.split(separator: "@", maxSplits: 1).first.map(String.init) ?? address
    }
}

/// An `include:` entry with what decides whether and how GitLab reads it.
struct CIIncludeEntry: Sendable {
    /// The file or files to read.
    var include: CIInclude
    /// The `rules:` of the entry (`nil` when it has none: always included).
    var rules: [CIIncludeRule]?
    /// The `inputs:` given to the included file.
    var inputs: [String: String]
}

/// One rule of `include: rules:`.
struct CIIncludeRule: Sendable {
    /// `if:` as written.
    var condition: String?
    /// `exists:` paths or globs.
    var exists: [String]?
    /// Whether the rule has `changes:`, which the gate cannot evaluate in `pre`.
    var hasChanges: Bool
    /// `when: never` excludes the file when the rule matches.
    var excludes: Bool
    /// The line of the rule.
    var line: Int
}

extension CIJobExtractor {
    /// The `include:` entries of one file, in order (nested includes are not followed).
    /// - Parameter file: The YAML file.
    /// - Returns: The entries.
    /// - Throws: ``CIJobExtractorError`` for YAML errors or an `include:` that is not a path, a mapping
    ///   or a list of those.
    static func includes(in file: SourceFile) throws(CIJobExtractorError) -> [CIInclude] {
        try includeEntries(in: file).map(\.include)
    }

    /// The `include:` entries of one file with their `rules:` and `inputs:`, in order.
    static func includeEntries(in file: SourceFile) throws(CIJobExtractorError) -> [CIIncludeEntry] {
        var budget = ExpansionBudget()
        let entries = try load(file, budget: &budget)
        guard let include = entries.first(where: { $0.key == "include" })?.value else { return [] }
        let items: [Value]
        if case .sequence(let values, _) = include { items = values } else { items = [include] }
        return try items.map { item throws(CIJobExtractorError) in try parseInclude(item, file: file.name) }
    }

    private static func parseInclude(_ value: Value, file: String) throws(CIJobExtractorError) -> CIIncludeEntry {
        let line = value.origin.line
        switch value {
        case .scalar(let text, true, _):
            // A bare string is a remote URL or a local path.
            if text.hasPrefix("https://") || text.hasPrefix("http://") {
                return CIIncludeEntry(include: .elsewhere(description: "remote \(text)", file: file, line: line), rules: nil, inputs: [:])
            }
            return CIIncludeEntry(include: localInclude(text, file: file, line: line), rules: nil, inputs: [:])
        case .mapping(let entries, _):
            func string(_ key: String) -> String? {
                guard case .scalar(let text, true, _)? = entries.first(where: { $0.key == key })?.value else { return nil }
                return text
            }
            let rules = try includeRules(entries.first { $0.key == "rules" }?.value, file: file)
            let inputs = try includeInputs(entries.first { $0.key == "inputs" }?.value, file: file)
            if let path = string("local") {
                return CIIncludeEntry(include: localInclude(path, file: file, line: line), rules: rules, inputs: inputs)
            }
            if let address = string("component") {
                return CIIncludeEntry(include: .component(address: address, file: file, line: line), rules: rules, inputs: inputs)
            }
            for key in ["remote", "project", "template"] {
                if let target = string(key) {
                    return CIIncludeEntry(include: .elsewhere(description: "\(key) \(target)", file: file, line: line), rules: rules,
                                          inputs: inputs)
                }
            }
            throw CIJobExtractorError.invalidStructure(
                file: file, line: line, reason: "include: needs one of local, component, remote, project or template")
        default:
            throw CIJobExtractorError.invalidStructure(
                file: file, line: line, reason: "include: entries must be paths or mappings, found \(value.typeName)")
        }
    }

    private static func includeRules(_ value: Value?, file: String) throws(CIJobExtractorError) -> [CIIncludeRule]? {
        guard let value else { return nil }
        guard case .sequence(let items, _) = value else {
            throw CIJobExtractorError.invalidStructure(file: file, line: value.origin.line, reason: "include rules: must be a list")
        }
        var rules: [CIIncludeRule] = []
        for item in items {
            guard case .mapping(let fields, let origin) = item else {
                throw CIJobExtractorError.invalidStructure(file: file, line: item.origin.line, reason: "each include rule must be a mapping")
            }
            var rule = CIIncludeRule(condition: nil, exists: nil, hasChanges: false, excludes: false, line: origin.line)
            for field in fields {
                switch (field.key, field.value) {
                case ("if", .scalar(let text, _, _)): rule.condition = text
                case ("exists", .scalar(let text, _, _)): rule.exists = [text]
                case ("exists", .sequence(let paths, _)):
                    rule.exists = paths.compactMap { if case .scalar(let text, _, _) = $0 { return text } else { return nil } }
                case ("exists", .mapping(let options, _)):
                    if case .sequence(let paths, _)? = options.first(where: { $0.key == "paths" })?.value {
                        rule.exists = paths.compactMap { if case .scalar(let text, _, _) = $0 { return text } else { return nil } }
                    }
                    // `exists: project:` looks into another project: unknown.
                    if options.contains(where: { $0.key == "project" }) { rule.hasChanges = true }
                case ("changes", _): rule.hasChanges = true
                case ("when", .scalar(let text, _, _)): rule.excludes = text == "never"
                default:
                    throw CIJobExtractorError.invalidStructure(file: file, line: field.origin.line,
                                                               reason: "include rules take if, exists, changes and when, found '\(field.key)'")
                }
            }
            rules.append(rule)
        }
        return rules
    }

    private static func includeInputs(_ value: Value?, file: String) throws(CIJobExtractorError) -> [String: String] {
        guard case .mapping(let fields, _)? = value else { return [:] }
        var inputs: [String: String] = [:]
        for field in fields {
            guard case .scalar(let text, _, _) = field.value else {
                throw CIJobExtractorError.invalidStructure(file: file, line: field.origin.line,
                                                           reason: "input '\(field.key)': only string, number and boolean inputs are read")
            }
            inputs[field.key] = text
        }
        return inputs
    }

    /// Variables in a path are expanded by GitLab at pipeline creation; the gate does not guess them.
    private static func localInclude(_ path: String, file: String, line: Int) -> CIInclude {
        if path.contains("$") {
            return .elsewhere(description: "local \(path)", file: file, line: line)
        }
        if path.contains("*") {
            return .localWildcard(pattern: path, file: file, line: line)
        }
        return .local(path: path, file: file, line: line)
    }
}
