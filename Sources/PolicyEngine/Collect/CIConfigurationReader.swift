import Foundation

/// Reads a CI configuration together with the files it includes that the gate can see, so that a job
/// extending a template from an included file (`extends: .policy-gate:agent`) resolves as in GitLab.
///
/// Followed: `local:` includes (read from the repository, nested, in GitLab's order: a file's includes
/// beneath the file itself, the main file on top) and the policy-gate component (the copy built into
/// this binary; its `$[[ inputs.… ]]` are left as text, which no script line of the agent template uses).
/// Remote, project, template and other components' files live elsewhere and are not fetched; a job or
/// parent defined only there is reported as missing, which fails closed.
struct CIConfigurationReader {
    /// GitLab's own limit on included files per pipeline.
    static let maximumIncludedFiles = 150
    /// The component whose template the gate carries.
    static let builtInComponentName = "policy-gate"

    /// The repository root: local includes are relative to it and must stay inside it.
    var repository: String

    /// Reads `file` (a path) and everything it includes.
    /// - Parameters:
    ///   - file: The main CI file; its name in messages is this path.
    ///   - text: Its contents.
    /// - Returns: An extractor over the merged configuration.
    /// - Throws: ``CIJobExtractorError`` for YAML errors and for a local include that is missing, outside
    ///   the repository, or one too many.
    func extractor(file: String, text: String) throws(CIJobExtractorError) -> CIJobExtractor {
        try read(file: file, text: text).extractor
    }

    /// Reads `file` and everything it includes.
    /// - Returns: The extractor, and every file the configuration was built from (the main file
    ///   first), for the secret scan and for the paths the agent must not change.
    func read(file: String, text: String) throws(CIJobExtractorError) -> (extractor: CIJobExtractor, sources: [CIJobExtractor.SourceFile]) {
        var included: [CIJobExtractor.SourceFile] = []
        var seen: Set<String> = []
        let main = CIJobExtractor.SourceFile(name: file, text: text)
        try collectIncludes(of: main, into: &included, seen: &seen)
        return (try CIJobExtractor(yaml: text, fileName: file, includedFiles: included), [main] + included)
    }

    private func collectIncludes(of file: CIJobExtractor.SourceFile, into included: inout [CIJobExtractor.SourceFile],
                                 seen: inout Set<String>) throws(CIJobExtractorError) {
        for include in try CIJobExtractor.includes(in: file) {
            let source: CIJobExtractor.SourceFile
            switch include {
            case .local(let path, let from, let line):
                source = try readLocal(path, from: from, line: line)
            case .component(_, _, _) where include.componentName == Self.builtInComponentName:
                source = CIJobExtractor.SourceFile(name: "policy-gate component (built in)", text: EmbeddedDefaults.componentYAML)
            case .component, .elsewhere:
                continue
            }
            // GitLab reads a file included twice only once.
            guard seen.insert(source.name).inserted else { continue }
            guard seen.count <= Self.maximumIncludedFiles else {
                throw CIJobExtractorError.invalidStructure(
                    file: file.name, line: 1, reason: "more than \(Self.maximumIncludedFiles) included files")
            }
            try collectIncludes(of: source, into: &included, seen: &seen)
            included.append(source)
        }
    }

    private func readLocal(_ path: String, from file: String, line: Int) throws(CIJobExtractorError) -> CIJobExtractor.SourceFile {
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let root = URL(fileURLWithPath: repository).standardizedFileURL.resolvingSymlinksInPath().path
        let full = URL(fileURLWithPath: root + "/" + relative).standardizedFileURL.resolvingSymlinksInPath().path
        guard full.hasPrefix(root + "/") else {
            throw CIJobExtractorError.invalidStructure(
                file: file, line: line, reason: "include local '\(path)' leads outside the repository")
        }
        guard let data = FileManager.default.contents(atPath: full) else {
            throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "include local '\(path)' cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "include local '\(path)' is not valid UTF-8")
        }
        return CIJobExtractor.SourceFile(name: relative, text: text)
    }
}
