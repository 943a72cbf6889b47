import Foundation

/// Reads a CI configuration together with the files it includes that the gate can see, so that a job
/// extending a template from an included file (`extends: .policy-gate:agent`) resolves as in GitLab.
///
/// Followed: `local:` includes (read from the repository, nested, in GitLab's order: a file's includes
/// beneath the file itself, the main file on top), local wildcards (`ci/*.yml`, `ci/**/*.yml`: the
/// repository's files in byte order of their paths, as GitLab lists them), an include's `inputs:`,
/// and the policy-gate component when its address is exactly ``componentAddress`` (the copy built into
/// this binary). `rules:` on an include are evaluated with the gate's environment (`if:`) and the
/// checkout (`exists:`); an include whose rules cannot be decided is read both ways, each a
/// configuration of its own, and the gate judges every one. Remote, project, template and other
/// components' files live elsewhere and are not fetched; a job or parent defined only there is
/// reported as missing, which fails closed.
struct CIConfigurationReader {
    /// GitLab's own limit on included files per pipeline.
    static let maximumIncludedFiles = 150
    /// The most includes whose rules cannot be decided (each doubles the configurations read).
    static let maximumUndecidedIncludes = 4
    /// The component the gate carries, as the starter files include it.
    static let defaultComponentAddress = "$CI_SERVER_FQDN/security/policy-gate/policy-gate"

    /// The repository root: local includes are relative to it and must stay inside it.
    var repository: String
    /// The environment (`rules: if:` variables, `$CI_SERVER_FQDN` in component addresses).
    var environment: [String: String] = [:]
    /// The component address (without `@version`) the built-in template stands for.
    var componentAddress: String = Self.defaultComponentAddress

    /// One way the configuration can be built.
    struct Reading {
        var extractor: CIJobExtractor
        /// Every file it was built from, the main file first.
        var sources: [CIJobExtractor.SourceFile]
        /// The repository paths of the main file and of every local include, taken or not (and where
        /// a symbolic link among them leads), relative to the repository.
        var localFiles: Set<String> = []
        /// The local wildcard includes, as written.
        var localPatterns: [String] = []
    }

    /// Reads `file` (a path) and everything it includes.
    func extractor(file: String, text: String) throws(CIJobExtractorError) -> CIJobExtractor {
        try read(file: file, text: text).extractor
    }

    /// Reads `file` and everything it includes, taking undecidable include rules as true.
    func read(file: String, text: String) throws(CIJobExtractorError) -> (extractor: CIJobExtractor, sources: [CIJobExtractor.SourceFile]) {
        let first = try readings(file: file, text: text)[0]
        return (first.extractor, first.sources)
    }

    /// Every way the configuration can be built: one per combination of includes whose rules
    /// cannot be decided (the first takes them all).
    func readings(file: String, text: String) throws(CIJobExtractorError) -> [Reading] {
        let main = CIJobExtractor.SourceFile(name: file, text: text)
        var undecided: [String] = []
        var result: [Reading] = []
        var combination = 0
        repeat {
            var choices: [String: Bool] = [:]
            for (offset, key) in undecided.enumerated() { choices[key] = combination & (1 << offset) == 0 }
            var state = State(choices: choices)
            try collectIncludes(of: main, state: &state)
            if state.undecided.count > undecided.count {
                // New undecided includes (found inside one taken): start over knowing them.
                guard state.undecided.count <= Self.maximumUndecidedIncludes else {
                    throw CIJobExtractorError.invalidStructure(
                        file: file, line: 1,
                        reason: "more than \(Self.maximumUndecidedIncludes) includes have rules: the gate cannot decide")
                }
                undecided = state.undecided
                result = []
                combination = 0
                continue
            }
            var reading = Reading(extractor: try CIJobExtractor(yaml: text, fileName: file, includedFiles: state.included),
                                  sources: [main] + state.included, localFiles: state.localFiles, localPatterns: state.localPatterns)
            reading.localFiles.formUnion(repositoryPaths(of: file))
            result.append(reading)
            combination += 1
        } while combination < 1 << undecided.count
        return result
    }

    private struct State {
        var choices: [String: Bool]
        var included: [CIJobExtractor.SourceFile] = []
        var seen: Set<String> = []
        var undecided: [String] = []
        var localFiles: Set<String> = []
        var localPatterns: [String] = []
    }

    /// `path` relative to the repository, as written (`./`, `..` resolved) and where symbolic links
    /// lead; nothing for a path outside it.
    func repositoryPaths(of path: String) -> Set<String> {
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path.hasPrefix("/") && !path.hasPrefix(root)
            ? String(path.dropFirst()) : path
        let lexical = URL(fileURLWithPath: root + "/" + relative).standardizedFileURL.path
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let resolved = URL(fileURLWithPath: lexical).resolvingSymlinksInPath().path
        var result: Set<String> = []
        if lexical.hasPrefix(root + "/") { result.insert(String(lexical.dropFirst(root.count + 1))) }
        if resolved.hasPrefix(realRoot + "/") { result.insert(String(resolved.dropFirst(realRoot.count + 1))) }
        return result
    }

    private func collectIncludes(of file: CIJobExtractor.SourceFile, state: inout State) throws(CIJobExtractorError) {
        for entry in try CIJobExtractor.includeEntries(in: file) {
            let include = entry.include
            // Protected whether or not its rules take it now: the change could make them.
            switch include {
            case .local(let path, _, _): state.localFiles.formUnion(repositoryPaths(of: path))
            case .localWildcard(let pattern, _, _): state.localPatterns.append(pattern)
            default: break
            }
            if let rules = entry.rules {
                let key = "\(file.name):\(include.line)"
                let taken: Bool
                if let decided = decide(rules) {
                    taken = decided
                } else {
                    if !state.undecided.contains(key) { state.undecided.append(key) }
                    taken = state.choices[key] ?? true
                }
                if !taken { continue }
            }
            var sources: [CIJobExtractor.SourceFile] = []
            switch include {
            case .local(let path, let from, let line):
                sources = [try readLocal(path, from: from, line: line)]
            case .localWildcard(let pattern, let from, let line):
                let paths = try matching(pattern, from: from, line: line)
                for path in paths { state.localFiles.formUnion(repositoryPaths(of: path)) }
                sources = try paths.map { path throws(CIJobExtractorError) in
                    try readLocal(path, from: from, line: line)
                }
            case .component where isBuiltInComponent(include):
                sources = [CIJobExtractor.SourceFile(name: "policy-gate component (built in)", text: EmbeddedDefaults.componentYAML)]
            case .component, .elsewhere:
                continue
            }
            for var source in sources {
                source.inputs = entry.inputs
                // GitLab reads a file included twice only once.
                guard state.seen.insert(source.name).inserted else { continue }
                guard state.seen.count <= Self.maximumIncludedFiles else {
                    throw CIJobExtractorError.invalidStructure(
                        file: file.name, line: 1, reason: "more than \(Self.maximumIncludedFiles) included files")
                }
                try collectIncludes(of: source, state: &state)
                state.included.append(source)
            }
        }
    }

    /// Whether the component is the one the gate carries: its exact address, `$CI_SERVER_FQDN` read
    /// from the environment on both sides.
    func isBuiltInComponent(_ include: CIInclude) -> Bool {
        guard let path = include.componentPath else { return false }
        func normalised(_ text: String) -> String {
            var result = text
            if let host = environment["CI_SERVER_FQDN"] {
                result = result.replacingOccurrences(of: "${CI_SERVER_FQDN}", with: host).replacingOccurrences(of: "$CI_SERVER_FQDN", with: host)
            }
            return result.lowercased()
        }
        return normalised(path) == normalised(componentAddress)
    }

    /// `true` include, `false` skip, `nil` unknown. The first matching rule decides; none matching
    /// excludes the file.
    func decide(_ rules: [CIIncludeRule]) -> Bool? {
        let expression = CIRuleExpression(variables: environment, unsetIsKnown: environment["CI_PIPELINE_SOURCE"] != nil)
        for rule in rules {
            if rule.hasChanges { return nil }
            var matches: Bool? = true
            if let condition = rule.condition {
                matches = expression.evaluate(condition)
            }
            if matches == true, let exists = rule.exists {
                matches = exists.contains { pattern in
                    pattern.contains("*") ? !((try? matching(pattern, from: "", line: 0)) ?? []).isEmpty
                        : FileManager.default.fileExists(atPath: repository + "/" + (pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern))
                }
            }
            switch matches {
            case true?: return !rule.excludes
            case false?: continue
            case nil: return nil
            }
        }
        return false
    }

    /// GitLab's regular expression for a local wildcard include: `**` is `.*?`, `*` is `[^/]*?`,
    /// anchored, a leading `/` dropped.
    static func wildcardRegex(_ pattern: String) -> String {
        let relative = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
        var regex = "^"
        var characters = Array(relative)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "*" {
                if characters.first == "*" {
                    characters = characters.dropFirst()
                    regex += ".*?"
                } else {
                    regex += "[^/]*?"
                }
            } else {
                regex += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return regex + "$"
    }

    /// The repository files a wildcard matches, in byte order of their paths (GitLab lists
    /// `git ls-tree` and keeps the paths matching `**` as `.*?` and `*` as `[^/]*?`).
    func matching(_ pattern: String, from file: String, line: Int) throws(CIJobExtractorError) -> [String] {
        let compiled: PCRE2Pattern
        do {
            compiled = try PCRE2Pattern(Self.wildcardRegex(pattern))
        } catch {
            throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "include local '\(pattern)' is not a usable wildcard")
        }
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            if path == ".git" || path.hasPrefix(".git/") {
                enumerator?.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if (try? compiled.matches(path)) == true { found.append(path) }
        }
        return found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
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

extension CIInclude {
    /// The line of the entry.
    var line: Int {
        switch self {
        case .local(_, _, let line), .localWildcard(_, _, let line), .component(_, _, let line), .elsewhere(_, _, let line): return line
        }
    }
}
