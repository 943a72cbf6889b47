import Foundation
import Yams

/// Reads a `.gitlab-ci.yml` (as text; no I/O) and gives a job's effective shell lines, variables
/// and `claude` command lines.
///
/// GitLab semantics covered:
/// - `extends` (a name or a list, multi-level up to 11 levels, cycles detected): hashes are
///   deep-merged, everything else (arrays, scalars) is replaced by the more specific value; with a
///   list, later parents win over earlier ones and the job wins over all;
/// - `!reference [job, key, …]` tags, resolved against the configuration before `extends`, nested
///   up to 10 levels; nested arrays in scripts are flattened (up to 10 levels);
/// - YAML anchors, aliases and `<<` merge keys;
/// - hidden jobs (`.name`) as templates, and as jobs when asked for by name;
/// - `default:` (and the deprecated top-level) `before_script`, `after_script` and `image`,
///   honouring `inherit: default:` (`false` or a list of keywords);
/// - `variables`: global ones overlaid by the job's, honouring `inherit: variables:`; the
///   `{value: …, description: …}` form is read through its `value`;
/// - a component's `spec:` header document is skipped;
/// - files given as `includedFiles` are merged beneath the main file (the main file wins), in order.
///   `include:` entries themselves are not fetched.
///
/// Folded (`>`) and literal (`|`) scalars become the shell text they denote (YAML does that).
public struct CIJobExtractor: Sendable {
    // MARK: - Public values

    /// A YAML file given by name and contents.
    public struct SourceFile: Sendable, Hashable {
        /// The name used in messages, e.g. `ci/templates.yml`.
        public var name: String
        /// The YAML text.
        public var text: String
        /// The `inputs:` its `include:` entry gives (a file with a `spec:` header takes the rest from
        /// their defaults).
        var inputs: [String: String] = [:]

        /// Creates a source file.
        /// - Parameters:
        ///   - name: The name used in messages.
        ///   - text: The YAML text.
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    /// Which script keyword a line comes from.
    public enum Section: String, Sendable, Hashable, CaseIterable {
        /// `before_script`.
        case beforeScript = "before_script"
        /// `script`.
        case script
        /// `after_script`.
        case afterScript = "after_script"
        /// `hooks:pre_get_sources_script` (run before the repository is fetched).
        case preGetSourcesScript = "hooks:pre_get_sources_script"
        /// A `script` of a `run:` step.
        case run
    }

    /// One entry of a job's script: the shell text and where it was written.
    public struct ScriptLine: Sendable, Hashable {
        /// The shell text (a folded or literal block becomes its denoted text).
        public var text: String
        /// The file the entry was written in.
        public var file: String
        /// The 1-based line where the text starts (the first content line of a block scalar).
        var line: Int
        /// The keyword the entry belongs to.
        var section: Section

        /// Creates a script line.
        /// - Parameters:
        ///   - text: The shell text.
        ///   - file: The file name.
        ///   - line: The line.
        ///   - section: The keyword.
        public init(text: String, file: String, line: Int, section: Section) {
            self.text = text
            self.file = file
            self.line = line
            self.section = section
        }
    }

    /// A job after `extends`, `!reference` and `default:` are applied.
    public struct Job: Sendable, Hashable {
        /// The job's name.
        public var name: String
        /// The file and line of the job's key.
        public var file: String
        /// The 1-based line of the job's key.
        var line: Int
        /// Every job the configuration extends, directly or not, each once, in merge order (the
        /// farthest ancestor first, the direct parents last).
        var extendsChain: [String]
        /// The effective `before_script`.
        var beforeScript: [ScriptLine]
        /// The effective `script`.
        var script: [ScriptLine]
        /// The effective `after_script`.
        var afterScript: [ScriptLine]
        /// The effective `hooks:pre_get_sources_script` (the job's `hooks` replaces the default's).
        var preGetSourcesScript: [ScriptLine] = []
        /// The `script` of each `run:` step.
        var runSteps: [ScriptLine] = []
        /// The `step:` references of `run:` steps, whose code lives elsewhere (text: the reference).
        var externalSteps: [ScriptLine] = []
        /// The effective variables: global ones overlaid by the job's, as written.
        var variables: [String: String]
        /// The variables written with `expand: false`.
        var literalVariables: Set<String> = []
        /// The `parallel:matrix` combinations (see ``CIJobExtractor/jobs(named:)``).
        var matrix: [[String: String]] = []
        /// The effective image name (`image:` or `image: name:`), if any.
        var image: String?

        /// Every script line, in the order the runner executes them: `hooks:pre_get_sources_script`,
        /// `before_script`, `script`, the `run:` steps' scripts, `after_script`.
        var allLines: [ScriptLine] { preGetSourcesScript + beforeScript + script + runSteps + afterScript }
    }

    /// A `claude` command found in a job's script.
    public struct ClaudeCommand: Sendable, Hashable {
        /// The command's words, as the shell splits them (expansions left as text).
        var argv: [String]
        /// The file the command was written in.
        public var file: String
        /// The 1-based line of the command.
        var line: Int
        /// The keyword the command belongs to.
        var section: Section
        /// How the command is nested, when it is not a plain script command: `sh -c`, `eval`, `$(…)`.
        var nesting: [String]
        /// The variables the job sets before the command: its YAML `variables:`, then script assignments.
        public var environment: [EnvironmentSetting] = []

        /// Parses the command with ``ClaudeArgumentParser``.
        /// - Returns: The invocation.
        /// - Throws: ``ClaudeArgumentParserError`` with `file:line` as its source.
        @_spi(Fuzzing) public func invocation() throws(ClaudeArgumentParserError) -> AgentInvocation {
            try ClaudeArgumentParser.parse(argv, source: "\(file):\(line)")
        }
    }

    // MARK: - Stored properties

    /// The main file's name, used in messages.
    let fileName: String
    let root: [Entry]
    /// Position of each top-level key in `root`, so looking up a job does not scan the whole file.
    let rootIndex: [String: Int]
    private let hasIncludes: Bool
    /// Each job's `extends` ancestors, in merge order.
    private let extendsChains: [String: [String]]
    /// Jobs whose `extends` could not be resolved, with the reason.
    private let extendsFailures: [String: CIJobExtractorError]

    static let reservedKeys: Set<String> = [
        "default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script",
        "after_script", "spec", "types",
    ]

    // MARK: - Loading

    /// Parses a CI configuration.
    /// - Parameters:
    ///   - yaml: The `.gitlab-ci.yml` text.
    ///   - fileName: The name to use in messages.
    ///   - includedFiles: Contents of included files, merged beneath the main file in order.
    /// - Throws: ``CIJobExtractorError`` for YAML syntax errors (with line and column), a top level that
    ///   is not a mapping, unknown YAML tags, or unresolvable `!reference` tags.
    public init(yaml: String, fileName: String, includedFiles: [SourceFile] = []) throws(CIJobExtractorError) {
        self.fileName = fileName
        var merged: [Entry] = []
        var includes = false
        var budget = ExpansionBudget()
        for file in includedFiles + [SourceFile(name: fileName, text: yaml)] {
            let entries = try Self.load(file, budget: &budget)
            includes = includes || entries.contains { $0.key == "include" }
            merged = Self.deepMerge(merged, entries)
        }
        // GitLab resolves `extends` over the whole configuration first, then `!reference` against the
        // result (so a reference may name a key a job only has through `extends`). A job whose
        // `extends` cannot be resolved keeps its own keys here and reports the error when asked for.
        let raw = Tree(entries: merged, index: Self.index(merged), hasIncludes: includes)
        var extended: [Entry] = []
        var chains: [String: [String]] = [:]
        var failures: [String: CIJobExtractorError] = [:]
        for entry in merged {
            guard !Self.reservedKeys.contains(entry.key), case .mapping(let fields, let origin) = entry.value,
                  fields.contains(where: { $0.key == "extends" }) else {
                extended.append(entry)
                continue
            }
            var chain: [String] = []
            do {
                let fields = try Self.resolveExtends(entry.key, origin: entry.origin, path: [], ancestors: &chain, tree: raw,
                                                     budget: &budget)
                extended.append(Entry(key: entry.key, value: .mapping(fields, origin: origin), origin: entry.origin))
                chains[entry.key] = chain
            } catch {
                if budget.isExhausted { throw error }
                failures[entry.key] = error
                extended.append(entry)
            }
        }
        let extendedIndex = Self.index(extended)
        var resolved: [Entry] = []
        for entry in extended {
            do {
                resolved.append(Entry(key: entry.key, value: try Self.resolveReferences(entry.value, root: extended, rootIndex: extendedIndex,
                                                                                        depth: 0, budget: &budget),
                                      origin: entry.origin))
            } catch {
                // A reference into a file the gate cannot see (a remote include) matters only when the
                // job holding it is the one asked for.
                guard case .referenceNotFound = error, !budget.isExhausted, !Self.reservedKeys.contains(entry.key) else { throw error }
                failures[entry.key] = failures[entry.key] ?? error
                resolved.append(entry)
            }
        }
        root = resolved
        rootIndex = Self.index(resolved)
        extendsChains = chains
        extendsFailures = failures
        hasIncludes = includes
    }

    /// The position of each key's first entry.
    static func index(_ entries: [Entry]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() where result[entry.key] == nil {
            result[entry.key] = offset
        }
        return result
    }

    /// The top-level entry named `key`.
    func rootEntry(_ key: String) -> Entry? {
        rootIndex[key].map { root[$0] }
    }

    /// Every job name (hidden templates included), in file order.
    @_spi(Fuzzing) public var jobNames: [String] {
        root.filter { !Self.reservedKeys.contains($0.key) && $0.value.isMapping }.map(\.key)
    }

    // MARK: - Jobs

    /// The effective configuration of a job.
    /// - Parameter name: The job's name (a hidden `.template` may be named too).
    /// - Returns: The job.
    /// - Throws: ``CIJobExtractorError`` when the job does not exist (with close names), `extends` is
    ///   broken, a script entry is not a string, or a variable has no usable value.
    @_spi(Fuzzing) public func job(named name: String) throws(CIJobExtractorError) -> Job {
        guard let entry = rootEntry(name), !Self.reservedKeys.contains(name) else {
            throw CIJobExtractorError.jobNotFound(
                file: fileName, job: name, suggestions: Self.closeNames(to: name, in: jobNames), hasIncludes: hasIncludes)
        }
        if let failure = extendsFailures[name] { throw failure }
        guard case .mapping(var entries, _) = entry.value else {
            throw CIJobExtractorError.invalidStructure(
                file: entry.origin.file, line: entry.origin.line, reason: "job '\(name)' must be a mapping, found \(entry.value.typeName)")
        }
        let chain = extendsChains[name] ?? []
        let inherit = entries.first { $0.key == "inherit" }?.value
        let defaults = defaultEntries()
        for key in ["before_script", "after_script", "image", "hooks"] where !entries.contains(where: { $0.key == key }) {
            guard try inherits(key, from: inherit, kind: "default", job: name),
                  let value = defaults.first(where: { $0.key == key }) else { continue }
            entries.append(value)
        }
        func value(_ key: String) -> Value? { entries.first { $0.key == key }?.value }
        return Job(
            name: name,
            file: entry.origin.file,
            line: entry.origin.line,
            extendsChain: chain,
            beforeScript: try scriptLines(value("before_script"), section: .beforeScript, job: name),
            script: try scriptLines(value("script"), section: .script, job: name),
            afterScript: try scriptLines(value("after_script"), section: .afterScript, job: name),
            preGetSourcesScript: try hookLines(value("hooks"), job: name),
            runSteps: try runSteps(value("run"), job: name).scripts,
            externalSteps: try runSteps(value("run"), job: name).references,
            variables: try variables(job: name, own: value("variables"), inherit: inherit),
            literalVariables: try literalVariables(job: name, own: value("variables"), inherit: inherit),
            matrix: try matrixCombinations(value("parallel"), job: name),
            image: imageName(value("image")))
    }

    func hookLines(_ hooks: Value?, job: String) throws(CIJobExtractorError) -> [ScriptLine] {
        guard case .mapping(let entries, _)? = hooks else { return [] }
        return try scriptLines(entries.first { $0.key == "pre_get_sources_script" }?.value, section: .preGetSourcesScript, job: job)
    }

    /// The scripts and the step references of `run:` (a list of steps, each with `script` or `step`).
    func runSteps(_ run: Value?, job: String) throws(CIJobExtractorError) -> (scripts: [ScriptLine], references: [ScriptLine]) {
        guard let run else { return ([], []) }
        guard case .sequence(let steps, _) = run else {
            throw CIJobExtractorError.invalidStructure(file: run.origin.file, line: run.origin.line,
                                                       reason: "'run' of job '\(job)' must be a list of steps")
        }
        var scripts: [ScriptLine] = []
        var references: [ScriptLine] = []
        for step in steps {
            guard case .mapping(let fields, let origin) = step else {
                throw CIJobExtractorError.invalidStructure(file: step.origin.file, line: step.origin.line,
                                                           reason: "each 'run' step of job '\(job)' must be a mapping")
            }
            if let script = fields.first(where: { $0.key == "script" })?.value {
                scripts += try scriptLines(script, section: .run, job: job)
            } else if let reference = fields.first(where: { $0.key == "step" })?.value {
                let text: String
                if case .scalar(let value, _, _) = reference { text = value } else { text = "a step defined inline" }
                references.append(ScriptLine(text: text, file: origin.file, line: reference.origin.line, section: .run))
            } else {
                throw CIJobExtractorError.invalidStructure(file: origin.file, line: origin.line,
                                                           reason: "a 'run' step of job '\(job)' needs 'script' or 'step'")
            }
        }
        return (scripts, references)
    }

    /// Finds the commands that run Claude Code in a job's script lines, including commands inside
    /// `sh -c '…'`, `eval '…'` and `$(…)` / backquote substitutions.
    /// - Parameter job: A job from ``job(named:)``.
    /// - Returns: The commands, in execution order.
    /// - Throws: ``CIJobExtractorError/shellSyntax(file:line:job:reason:)`` when a line cannot be split
    ///   the way the shell would.
    @_spi(Fuzzing) public func claudeCommands(in job: Job) throws(CIJobExtractorError) -> [ClaudeCommand] {
        var found: [ClaudeCommand] = []
        for line in job.allLines {
            try Self.collectClaude(in: line.text, line: line, baseLine: line.line, nesting: [], job: job.name, into: &found)
        }
        return found
    }

    /// Finds the commands that run Claude Code in the named job.
    /// - Parameter name: The job's name.
    /// - Returns: The commands, in execution order.
    /// - Throws: ``CIJobExtractorError`` from ``job(named:)`` or ``claudeCommands(in:)``.
    @_spi(Fuzzing) public func claudeCommands(inJob name: String) throws(CIJobExtractorError) -> [ClaudeCommand] {
        try claudeCommands(in: try job(named: name))
    }

    /// Script lines that mention `claude` as a word although no Claude Code command was recognised in
    /// them (for example `"$CLAUDE_BIN" -p …`), so a gate can say it could not check them.
    /// - Parameter job: A job from ``job(named:)``.
    /// - Returns: The lines, in execution order.
    @_spi(Fuzzing) public func unrecognizedClaudeMentions(in job: Job) -> [ScriptLine] {
        job.allLines.filter { line in
            guard Self.mentionsClaude(line.text) else { return false }
            var found: [ClaudeCommand] = []
            do {
                try Self.collectClaude(in: line.text, line: line, baseLine: line.line, nesting: [], job: job.name, into: &found)
            } catch {
                return true
            }
            return found.isEmpty
        }
    }

    // MARK: - Internal tree

    struct Origin: Sendable, Hashable {
        var file: String
        var line: Int
    }

    indirect enum Value: Sendable, Hashable {
        case scalar(String, isString: Bool, origin: Origin)
        case sequence([Value], origin: Origin)
        case mapping([Entry], origin: Origin)
        case reference([String], origin: Origin)

        var origin: Origin {
            switch self {
            case .scalar(_, _, let origin), .sequence(_, let origin), .mapping(_, let origin), .reference(_, let origin):
                return origin
            }
        }

        var isMapping: Bool {
            if case .mapping = self { return true }
            return false
        }

        var typeName: String {
            switch self {
            case .scalar(let text, let isString, _):
                if isString { return "a string" }
                return text.isEmpty || text == "~" || text == "null" ? "null" : "the non-string scalar '\(text)'"
            case .sequence: return "an array"
            case .mapping: return "a mapping"
            case .reference: return "a !reference"
            }
        }
    }

    struct Entry: Sendable, Hashable {
        var key: String
        var value: Value
        var origin: Origin
    }

    // MARK: - Expansion budget

    /// Counts the nodes built while the file is read (an alias or `!reference` copies its whole target
    /// each time it is used) and the steps of resolving a job's `extends`, so that a few lines whose
    /// aliases, references or parents multiply ("billion laughs") fail with an error instead of
    /// exhausting time and memory.
    struct ExpansionBudget {
        /// The most nodes (and extends steps) one reading may build; far above real configurations.
        static let limit = 200_000
        private(set) var spent = 0
        var isExhausted: Bool { spent > Self.limit }

        mutating func spend(_ count: Int = 1, file: String, line: Int) throws(CIJobExtractorError) {
            spent += count
            guard spent <= Self.limit else {
                throw CIJobExtractorError.invalidStructure(
                    file: file, line: line,
                    reason: "the configuration expands to more than \(Self.limit) YAML nodes "
                        + "(anchors, !reference tags or extends that multiply)")
            }
        }
    }

    // MARK: - YAML to tree

    /// The deepest flow-collection nesting accepted; deeper input is refused before YAML parsing,
    /// whose recursion could otherwise exhaust the stack.
    static let maximumFlowDepth = 200

    static func load(_ file: SourceFile, budget: inout ExpansionBudget) throws(CIJobExtractorError) -> [Entry] {
        if let line = YAMLAliasKeys.firstLine(in: file.text) {
            throw CIJobExtractorError.invalidStructure(file: file.name, line: line, reason: YAMLAliasKeys.refusal)
        }
        if let line = lineExceedingFlowDepth(file.text) {
            throw CIJobExtractorError.invalidStructure(
                file: file.name, line: line, reason: "brackets nested more than \(maximumFlowDepth) levels deep")
        }
        var documents: [Node] = []
        var text = file.text
        // Duplicate keys: GitLab keeps the last value and applies every `<<`. Each round tags the keys
        // Yams reports; a mapping may hold several different duplicates.
        for round in 0...20 {
            do {
                documents = try compose(text)
                break
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                // A file that already uses the tags is read as written (and refused).
                guard round < 20, !file.text.contains("!policy-gate-"), let tagged = YAMLMergeKeys.tagged(text, keys: Set(duplicates)) else {
                    throw syntaxError(.duplicatedKeysInMapping(duplicates: duplicates, context: context), file: file.name)
                }
                text = tagged
            } catch let error as YamlError {
                throw syntaxError(error, file: file.name)
            } catch {
                throw CIJobExtractorError.yamlSyntax(file: file.name, line: 1, column: 1, problem: String(describing: error))
            }
        }
        var inputs: CIInputs?
        if documents.count > 1, let header = documents.first, header.mapping?["spec"] != nil {
            inputs = try CIInputs(header: header, given: file.inputs, file: file.name)
            documents.removeFirst()
        }
        guard let document = documents.last else { return [] }
        guard case .mapping(var entries, _) = try convert(document, file: file.name, budget: &budget) else {
            throw CIJobExtractorError.invalidStructure(
                file: file.name, line: document.mark?.line ?? 1, reason: "the top level must be a mapping of keywords and jobs")
        }
        if let inputs {
            entries = try entries.map { entry throws(CIJobExtractorError) in try inputs.interpolate(entry) }
        }
        return entries
    }

    static func compose(_ text: String) throws -> [Node] {
        var documents: [Node] = []
        var sequence = try Yams.compose_all(yaml: text)
        while let document = sequence.next() {
            documents.append(document)
        }
        if let error = sequence.error { throw error }
        return documents
    }

    /// A cheap over-estimate of flow nesting (`[` and `{` not yet closed); returns the line where it
    /// first exceeds ``maximumFlowDepth``.
    static func lineExceedingFlowDepth(_ text: String) -> Int? {
        var depth = 0
        var line = 1
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumFlowDepth { return line }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            case UInt8(ascii: "\n"):
                line += 1
            default:
                break
            }
        }
        return nil
    }

    static func syntaxError(_ error: YamlError, file: String) -> CIJobExtractorError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let note = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return .yamlSyntax(file: file, line: mark.line, column: mark.column, problem: problem + note)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .yamlSyntax(
                file: file, line: context.mark.line, column: context.mark.column,
                problem: "duplicate key(s) " + duplicates.map { "'\($0)'" }.joined(separator: ", ")
                    + " in one mapping (GitLab would silently keep only the last)")
        case .reader(let problem, _, _, _):
            return .yamlSyntax(file: file, line: 1, column: 1, problem: problem)
        default:
            return .yamlSyntax(file: file, line: 1, column: 1, problem: String(describing: error))
        }
    }

    /// The deepest nesting of mappings and sequences accepted, as GitLab's own `max_yaml_depth`; the
    /// conversion recurses once per level.
    static let maximumDepth = 100

    static func convert(_ node: Node, file: String, budget: inout ExpansionBudget,
                        depth: Int = 0) throws(CIJobExtractorError) -> Value {
        let line = node.mark?.line ?? 1
        // An alias shares its anchor's nodes, so counting here counts the tree as expanded.
        try budget.spend(file: file, line: line)
        guard depth <= maximumDepth else {
            throw CIJobExtractorError.invalidStructure(
                file: file, line: line, reason: "mappings and lists nested more than \(maximumDepth) levels deep")
        }
        switch node {
        case .scalar(let scalar):
            let tag = node.tag.rawValue
            if tag.hasPrefix("!") && !tag.hasPrefix("!!") {
                throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "unknown YAML tag '\(tag)'")
            }
            let isBlock = scalar.style == .literal || scalar.style == .folded
            return .scalar(scalar.string, isString: tag == Tag.Name.str.rawValue,
                           origin: Origin(file: file, line: isBlock ? line + 1 : line))
        case .sequence(let sequence):
            let tag = node.tag.rawValue
            if tag == "!reference" {
                var parts: [String] = []
                for item in sequence {
                    guard case .scalar(let part) = item else {
                        throw CIJobExtractorError.invalidStructure(
                            file: file, line: line, reason: "a !reference tag takes a list of names, e.g. !reference [.setup, script]")
                    }
                    parts.append(part.string)
                }
                // GitLab accepts one element: the whole top-level value.
                guard !parts.isEmpty else {
                    throw CIJobExtractorError.invalidStructure(
                        file: file, line: line, reason: "a !reference tag needs at least a name, e.g. !reference [.setup, script]")
                }
                return .reference(parts, origin: Origin(file: file, line: line))
            }
            if tag.hasPrefix("!") && !tag.hasPrefix("!!") {
                throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "unknown YAML tag '\(tag)'")
            }
            var items: [Value] = []
            for item in sequence { items.append(try convert(item, file: file, budget: &budget, depth: depth + 1)) }
            return .sequence(items, origin: Origin(file: file, line: line))
        case .mapping(let mapping):
            // Psych (GitLab's loader) walks the pairs in document order: a plain key sets its value, a
            // `<<` merges its mapping over what is there so far (a `<<` written after an explicit key
            // overrides it), and a list of mappings merges with its first item winning.
            var result: [Entry] = []
            var positions: [String: Int] = [:]
            func set(_ entry: Entry) {
                if let index = positions[entry.key] {
                    result[index] = entry
                } else {
                    positions[entry.key] = result.count
                    result.append(entry)
                }
            }
            for (keyNode, valueNode) in mapping {
                let keyLine = keyNode.mark?.line ?? line
                if YAMLMergeKeys.isMergeKey(keyNode) {
                    let sources: [Node]
                    switch valueNode {
                    case .mapping: sources = [valueNode]
                    case .sequence(let sequence) where !sequence.tag.rawValue.hasPrefix("!") || sequence.tag.rawValue.hasPrefix("!!"):
                        sources = Array(sequence)
                    default:
                        throw CIJobExtractorError.invalidStructure(
                            file: file, line: keyLine, reason: "a '<<' merge key takes a mapping or a list of mappings")
                    }
                    var combined: [Entry] = []
                    var combinedKeys: Set<String> = []
                    for source in sources {
                        guard case .mapping(let entries, _) = try convert(source, file: file, budget: &budget, depth: depth + 1) else {
                            throw CIJobExtractorError.invalidStructure(
                                file: file, line: keyLine, reason: "a '<<' merge key takes a mapping or a list of mappings")
                        }
                        for entry in entries where combinedKeys.insert(entry.key).inserted {
                            combined.append(entry)
                        }
                    }
                    combined.forEach(set)
                    continue
                }
                guard case .scalar(let keyScalar) = keyNode, keyNode.tag.rawValue == Tag.Name.str.rawValue
                        || YAMLMergeKeys.isRetaggedKey(keyNode) || !keyNode.tag.rawValue.hasPrefix("!") || keyNode.tag.rawValue.hasPrefix("!!") else {
                    throw CIJobExtractorError.invalidStructure(file: file, line: keyLine, reason: "mapping keys must be scalars")
                }
                set(Entry(key: keyScalar.string, value: try convert(valueNode, file: file, budget: &budget, depth: depth + 1),
                          origin: Origin(file: file, line: keyLine)))
            }
            return .mapping(result, origin: Origin(file: file, line: line))
        case .alias:
            throw CIJobExtractorError.invalidStructure(file: file, line: line, reason: "unresolved YAML alias")
        }
    }

    // MARK: - References, merging, extends

    static func resolveReferences(_ value: Value, root: [Entry], rootIndex: [String: Int], depth: Int,
                                  budget: inout ExpansionBudget) throws(CIJobExtractorError) -> Value {
        // Each reference copies its target, so a few references to references can multiply like aliases.
        try budget.spend(file: value.origin.file, line: value.origin.line)
        switch value {
        case .scalar:
            return value
        case .sequence(let items, let origin):
            var resolved: [Value] = []
            for item in items {
                resolved.append(try resolveReferences(item, root: root, rootIndex: rootIndex, depth: depth, budget: &budget))
            }
            return .sequence(resolved, origin: origin)
        case .mapping(let entries, let origin):
            var resolved: [Entry] = []
            for entry in entries {
                resolved.append(Entry(key: entry.key, value: try resolveReferences(entry.value, root: root, rootIndex: rootIndex,
                                                                                   depth: depth, budget: &budget),
                                      origin: entry.origin))
            }
            return .mapping(resolved, origin: origin)
        case .reference(let path, let origin):
            guard depth < 10 else {
                throw CIJobExtractorError.referenceTooDeep(file: origin.file, line: origin.line, path: path)
            }
            var current: [Entry] = root
            var target: Value?
            for (offset, part) in path.enumerated() {
                let found = offset == 0 ? rootIndex[part].map { root[$0].value } : current.first(where: { $0.key == part })?.value
                guard let found else { target = nil; break }
                target = found
                if offset < path.count - 1 {
                    guard case .mapping(let next, _) = found else { target = nil; break }
                    current = next
                }
            }
            guard let target else {
                throw CIJobExtractorError.referenceNotFound(file: origin.file, line: origin.line, path: path)
            }
            return try resolveReferences(target, root: root, rootIndex: rootIndex, depth: depth + 1, budget: &budget)
        }
    }

    /// GitLab's deep merge: hashes merge key by key, anything else is replaced by `overlay`'s value.
    static func deepMerge(_ base: [Entry], _ overlay: [Entry]) -> [Entry] {
        var result = base
        var positions = index(base)
        for entry in overlay {
            if let index = positions[entry.key] {
                if case .mapping(let old, _) = result[index].value, case .mapping(let new, let origin) = entry.value {
                    result[index] = Entry(key: entry.key, value: .mapping(deepMerge(old, new), origin: origin), origin: entry.origin)
                } else {
                    result[index] = entry
                }
            } else {
                positions[entry.key] = result.count
                result.append(entry)
            }
        }
        return result
    }

    /// The merged configuration `extends` is resolved against.
    struct Tree {
        var entries: [Entry]
        var index: [String: Int]
        var hasIncludes: Bool
    }

    static func resolveExtends(_ name: String, origin: Origin, path: [String], ancestors: inout [String], tree: Tree,
                               budget: inout ExpansionBudget) throws(CIJobExtractorError) -> [Entry] {
        // A job may extend several parents that extend several parents each: count the work, not just the depth.
        try budget.spend(file: origin.file, line: origin.line)
        if path.contains(name) {
            throw CIJobExtractorError.extendsCycle(file: origin.file, line: origin.line, chain: path + [name])
        }
        guard path.count <= 11 else {
            throw CIJobExtractorError.extendsTooDeep(file: origin.file, line: origin.line, job: path.first ?? name)
        }
        guard let entry = tree.index[name].map({ tree.entries[$0] }) else {
            throw CIJobExtractorError.extendsNotFound(
                file: origin.file, line: origin.line, job: path.last ?? name, parent: name, hasIncludes: tree.hasIncludes)
        }
        guard case .mapping(let entries, _) = entry.value else {
            throw CIJobExtractorError.invalidStructure(
                file: entry.origin.file, line: entry.origin.line, reason: "job '\(name)' must be a mapping, found \(entry.value.typeName)")
        }
        var parents: [String] = []
        if let extends = entries.first(where: { $0.key == "extends" }) {
            switch extends.value {
            case .scalar(let text, true, _):
                parents = [text]
            case .sequence(let items, _):
                for item in items {
                    guard case .scalar(let text, true, _) = item else {
                        throw CIJobExtractorError.invalidStructure(
                            file: extends.origin.file, line: extends.origin.line, reason: "'extends' must be a job name or a list of job names")
                    }
                    parents.append(text)
                }
            default:
                throw CIJobExtractorError.invalidStructure(
                    file: extends.origin.file, line: extends.origin.line, reason: "'extends' must be a job name or a list of job names")
            }
        }
        var merged: [Entry] = []
        for parent in parents {
            let extendsOrigin = entries.first { $0.key == "extends" }?.origin ?? entry.origin
            let parentEntries = try resolveExtends(parent, origin: extendsOrigin, path: path + [name], ancestors: &ancestors,
                                                   tree: tree, budget: &budget)
            try budget.spend(parentEntries.count, file: extendsOrigin.file, line: extendsOrigin.line)
            if !ancestors.contains(parent) { ancestors.append(parent) }
            merged = Self.deepMerge(merged, parentEntries)
        }
        return Self.deepMerge(merged, entries.filter { $0.key != "extends" })
    }

    // MARK: - Defaults and variables

    func defaultEntries() -> [Entry] {
        var result: [Entry] = []
        if case .mapping(let entries, _)? = rootEntry("default")?.value {
            result = entries
        }
        for key in ["before_script", "after_script", "image"] where !result.contains(where: { $0.key == key }) {
            if let global = rootEntry(key) { result.append(global) }
        }
        return result
    }

    /// Whether `key` is inherited under `inherit: <kind>:` (`true`/absent, `false`, or a list).
    func inherits(_ key: String, from inherit: Value?, kind: String, job: String) throws(CIJobExtractorError) -> Bool {
        guard case .mapping(let entries, _)? = inherit, let setting = entries.first(where: { $0.key == kind }) else {
            return true
        }
        switch setting.value {
        case .scalar(let text, _, _):
            return text != "false"
        case .sequence(let items, _):
            return items.contains { item in
                if case .scalar(let text, _, _) = item { return text == key }
                return false
            }
        default:
            throw CIJobExtractorError.invalidStructure(
                file: setting.origin.file, line: setting.origin.line, reason: "'inherit:\(kind)' in job '\(job)' must be true, false or a list")
        }
    }

    func variables(job: String, own: Value?, inherit: Value?) throws(CIJobExtractorError) -> [String: String] {
        var result: [String: String] = [:]
        if case .mapping(let globals, _)? = rootEntry("variables")?.value {
            for entry in globals where try inherits(entry.key, from: inherit, kind: "variables", job: job) {
                result[entry.key] = try variableValue(entry)
            }
        }
        switch own {
        case .none:
            break
        case .mapping(let entries, _)?:
            for entry in entries { result[entry.key] = try variableValue(entry) }
        case let other?:
            throw CIJobExtractorError.invalidStructure(
                file: other.origin.file, line: other.origin.line, reason: "'variables' in job '\(job)' must be a mapping")
        }
        return result
    }

    func variableValue(_ entry: Entry) throws(CIJobExtractorError) -> String {
        switch entry.value {
        case .scalar(let text, let isString, _):
            return !isString && (text == "~" || text == "null") ? "" : text
        case .mapping(let fields, _):
            guard let value = fields.first(where: { $0.key == "value" })?.value else { return "" }
            guard case .scalar(let text, _, _) = value else {
                throw CIJobExtractorError.invalidVariable(
                    file: value.origin.file, line: value.origin.line, name: entry.key, reason: "'value' must be a string")
            }
            return text
        default:
            throw CIJobExtractorError.invalidVariable(
                file: entry.origin.file, line: entry.origin.line, name: entry.key,
                reason: "must be a string or a mapping with 'value', found \(entry.value.typeName)")
        }
    }

    func imageName(_ value: Value?) -> String? {
        switch value {
        case .scalar(let text, _, _)?:
            return text
        case .mapping(let entries, _)?:
            if case .scalar(let text, _, _)? = entries.first(where: { $0.key == "name" })?.value { return text }
            return nil
        default:
            return nil
        }
    }

    // MARK: - Scripts

    func scriptLines(_ value: Value?, section: Section, job: String) throws(CIJobExtractorError) -> [ScriptLine] {
        guard let value else { return [] }
        var lines: [ScriptLine] = []
        func walk(_ value: Value, depth: Int) throws(CIJobExtractorError) {
            switch value {
            case .scalar(let text, true, let origin):
                lines.append(ScriptLine(text: text, file: origin.file, line: origin.line, section: section))
            case .sequence(let items, let origin):
                guard depth < 10 else {
                    throw CIJobExtractorError.nonStringScriptEntry(
                        file: origin.file, line: origin.line, job: job, key: section.rawValue, found: "arrays nested more than 10 levels")
                }
                for item in items { try walk(item, depth: depth + 1) }
            default:
                throw CIJobExtractorError.nonStringScriptEntry(
                    file: value.origin.file, line: value.origin.line, job: job, key: section.rawValue, found: value.typeName)
            }
        }
        try walk(value, depth: 0)
        return lines
    }

    // MARK: - Finding claude

    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "ash", "mksh"]

    static func collectClaude(
        in text: String, line: ScriptLine, baseLine: Int, nesting: [String], job: String, into found: inout [ClaudeCommand]
    ) throws(CIJobExtractorError) {
        let commands: [ShellWords.Command]
        do {
            commands = try ShellWords.parse(text, source: line.file)
        } catch {
            if !nesting.isEmpty && !mentionsClaude(text) { return }
            throw CIJobExtractorError.shellSyntax(
                file: line.file, line: baseLine + error.line - 1, job: job,
                reason: (nesting.isEmpty ? "" : "inside \(nesting.joined(separator: " > ")): ") + error.reason)
        }
        for command in commands {
            let commandLine = baseLine + command.line - 1
            if ClaudeArgumentParser.isClaudeCommand(command.words) {
                found.append(ClaudeCommand(argv: command.words, file: line.file, line: commandLine, section: line.section, nesting: nesting))
            } else if let wrapped = Self.agentWrappedByGate(command.words), ClaudeArgumentParser.isClaudeCommand(wrapped) {
                // `policy-gate run [options] -- claude …`: the agent is the command after `--`.
                found.append(ClaudeCommand(argv: wrapped, file: line.file, line: commandLine, section: line.section,
                                           nesting: nesting + ["policy-gate run"]))
            } else if nesting.count < 3, let (inner, how) = nestedScript(command.words) {
                try collectClaude(in: inner, line: line, baseLine: commandLine, nesting: nesting + [how], job: job, into: &found)
            }
            if nesting.count < 3 {
                for body in command.substitutions {
                    try collectClaude(in: body, line: line, baseLine: commandLine, nesting: nesting + ["$(…)"], job: job, into: &found)
                }
            }
        }
    }

    /// The agent command of `policy-gate run|agent … -- COMMAND…`, if `words` is one.
    static func agentWrappedByGate(_ words: [String]) -> [String]? {
        guard let program = words.first, program == "policy-gate" || program.hasSuffix("/policy-gate"),
              ["run", "agent"].contains(words.dropFirst().first ?? ""), let separator = words.firstIndex(of: "--") else { return nil }
        return Array(words[(separator + 1)...])
    }

    /// The script a command hands to a shell: `bash -c 'text'`, `sh -ec 'text'`, `eval 'text' …`.
    static func nestedScript(_ words: [String]) -> (String, String)? {
        guard let prefix = ClaudeArgumentParser.skipWrappers(words), prefix.index < prefix.words.count else { return nil }
        let program = ClaudeArgumentParser.basename(prefix.words[prefix.index])
        let rest = Array(prefix.words[(prefix.index + 1)...])
        if program == "eval" {
            return rest.isEmpty ? nil : (rest.joined(separator: " "), "eval")
        }
        guard shells.contains(program) else { return nil }
        for (offset, word) in rest.enumerated() {
            guard word.hasPrefix("-"), !word.hasPrefix("--") else { break }
            if word.dropFirst().contains("c"), offset + 1 < rest.count {
                return (rest[offset + 1], "\(program) -c")
            }
        }
        return nil
    }

    /// Whether `claude` appears as a word of its own (not inside `@anthropic-ai/claude-code` or `CLAUDE_X`).
    static func mentionsClaude(_ text: String) -> Bool {
        var rest = Substring(text)
        while let range = rest.range(of: "claude") {
            let before = rest[..<range.lowerBound].last
            let after = rest[range.upperBound...].first
            let standsAloneBefore = before.map { !($0.isLetter || $0.isNumber || "_@.".contains($0)) } ?? true
            let standsAloneAfter = after.map { !($0.isLetter || $0.isNumber || "_-".contains($0)) } ?? true
            if standsAloneBefore && standsAloneAfter { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    // MARK: - Suggestions

    static func closeNames(to name: String, in names: [String]) -> [String] {
        let lowered = name.lowercased()
        let scored = names.map { candidate -> (String, Int) in
            let other = candidate.lowercased()
            if other.contains(lowered) || lowered.contains(other) { return (candidate, 0) }
            return (candidate, EditDistance.between(lowered, other))
        }
        let limit = max(2, name.count / 3)
        return scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(5).map(\.0)
    }
}

// MARK: - Errors

/// Why a CI configuration or one of its jobs could not be read.
public enum CIJobExtractorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The YAML is malformed (or has duplicate keys).
    case yamlSyntax(file: String, line: Int, column: Int, problem: String)
    /// The YAML is well formed but not a valid CI configuration at this place.
    case invalidStructure(file: String, line: Int, reason: String)
    /// No job has this name.
    case jobNotFound(file: String, job: String, suggestions: [String], hasIncludes: Bool)
    /// A job extends a name that does not exist.
    case extendsNotFound(file: String, line: Int, job: String, parent: String, hasIncludes: Bool)
    /// `extends` forms a cycle.
    case extendsCycle(file: String, line: Int, chain: [String])
    /// `extends` is nested more than 11 levels.
    case extendsTooDeep(file: String, line: Int, job: String)
    /// A `!reference` names something that does not exist.
    case referenceNotFound(file: String, line: Int, path: [String])
    /// `!reference` tags are nested more than 10 levels (or form a cycle).
    case referenceTooDeep(file: String, line: Int, path: [String])
    /// A script entry is not a string (or arrays are nested too deeply).
    case nonStringScriptEntry(file: String, line: Int, job: String, key: String, found: String)
    /// A variable has no usable value.
    case invalidVariable(file: String, line: Int, name: String, reason: String)
    /// A script line cannot be split the way the shell would split it.
    case shellSyntax(file: String, line: Int, job: String, reason: String)

    /// A one-line message naming the file, the line and the reason.
    public var description: String {
        switch self {
        case .yamlSyntax(let file, let line, let column, let problem):
            return "\(file):\(line):\(column): YAML syntax error: \(problem)"
        case .invalidStructure(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        case .jobNotFound(let file, let job, let suggestions, let hasIncludes):
            var message = "\(file): no job named '\(job)'"
            if !suggestions.isEmpty {
                message += " (did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?)"
            }
            if hasIncludes { message += "; jobs from include: files are only seen when those files are passed in" }
            return message
        case .extendsNotFound(let file, let line, let job, let parent, let hasIncludes):
            return "\(file):\(line): job '\(job)' extends '\(parent)', which is not defined"
                + (hasIncludes ? " (it may come from an include: file, which was not passed in)" : "")
        case .extendsCycle(let file, let line, let chain):
            return "\(file):\(line): circular extends: " + chain.joined(separator: " -> ")
        case .extendsTooDeep(let file, let line, let job):
            return "\(file):\(line): job '\(job)' nests extends more than 11 levels deep"
        case .referenceNotFound(let file, let line, let path):
            return "\(file):\(line): !reference [\(path.joined(separator: ", "))] points at nothing"
        case .referenceTooDeep(let file, let line, let path):
            return "\(file):\(line): !reference [\(path.joined(separator: ", "))] nests more than 10 levels (or is circular)"
        case .nonStringScriptEntry(let file, let line, let job, let key, let found):
            return "\(file):\(line): '\(key)' of job '\(job)' must hold strings, found \(found)"
        case .invalidVariable(let file, let line, let name, let reason):
            return "\(file):\(line): variable '\(name)' \(reason)"
        case .shellSyntax(let file, let line, let job, let reason):
            return "\(file):\(line): in job '\(job)': \(reason)"
        }
    }
}
