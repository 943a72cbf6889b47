/// One entry of a CI configuration's `include:` keyword.
public enum CIInclude: Sendable, Hashable {
    /// `include: local: PATH` or a bare path: a file of the same repository.
    case local(path: String, file: String, line: Int)
    /// `include: component: ADDRESS` (`host/group/project/name@version`).
    case component(address: String, file: String, line: Int)
    /// `remote:`, `project:`/`file:`, `template:`, or a path with wildcards or variables: read by GitLab
    /// from elsewhere, not by the gate.
    case elsewhere(description: String, file: String, line: Int)

    /// The component's name: the last path segment of its address, without the version.
    public var componentName: String? {
        guard case .component(let address, _, _) = self else { return nil }
        let path = address.split(separator: "@", maxSplits: 1).first.map(String.init) ?? address
        return path.split(separator: "/").last.map(String.init)
    }
}

extension CIJobExtractor {
    /// The `include:` entries of one file, in order (nested includes are not followed).
    /// - Parameter file: The YAML file.
    /// - Returns: The entries.
    /// - Throws: ``CIJobExtractorError`` for YAML errors or an `include:` that is not a path, a mapping
    ///   or a list of those.
    public static func includes(in file: SourceFile) throws(CIJobExtractorError) -> [CIInclude] {
        var budget = ExpansionBudget()
        let entries = try load(file, budget: &budget)
        guard let include = entries.first(where: { $0.key == "include" })?.value else { return [] }
        let items: [Value]
        if case .sequence(let values, _) = include { items = values } else { items = [include] }
        return try items.map { item throws(CIJobExtractorError) in try parseInclude(item, file: file.name) }
    }

    private static func parseInclude(_ value: Value, file: String) throws(CIJobExtractorError) -> CIInclude {
        let line = value.origin.line
        switch value {
        case .scalar(let text, true, _):
            // A bare string is a remote URL or a local path.
            if text.hasPrefix("https://") || text.hasPrefix("http://") {
                return .elsewhere(description: "remote \(text)", file: file, line: line)
            }
            return localInclude(text, file: file, line: line)
        case .mapping(let entries, _):
            func string(_ key: String) -> String? {
                guard case .scalar(let text, true, _)? = entries.first(where: { $0.key == key })?.value else { return nil }
                return text
            }
            if let path = string("local") { return localInclude(path, file: file, line: line) }
            if let address = string("component") { return .component(address: address, file: file, line: line) }
            for key in ["remote", "project", "template"] {
                if let target = string(key) { return .elsewhere(description: "\(key) \(target)", file: file, line: line) }
            }
            throw CIJobExtractorError.invalidStructure(
                file: file, line: line, reason: "include: needs one of local, component, remote, project or template")
        default:
            throw CIJobExtractorError.invalidStructure(
                file: file, line: line, reason: "include: entries must be paths or mappings, found \(value.typeName)")
        }
    }

    /// Wildcards and variables are expanded by GitLab at pipeline creation; the gate does not guess them.
    private static func localInclude(_ path: String, file: String, line: Int) -> CIInclude {
        if path.contains("*") || path.contains("$") {
            return .elsewhere(description: "local \(path)", file: file, line: line)
        }
        return .local(path: path, file: file, line: line)
    }
}
