import Foundation

/// Reads a job's scripts as its shell would run them, to find every `claude` it starts and every
/// place where the gate cannot tell what would run.
///
/// The job's variables (and shell assignments made earlier in its scripts) are substituted into the
/// text before it is split (``ShellVariableSubstitution``). Followed: `sh -c`/`bash -c`, `eval`,
/// `$(…)`, `alias NAME='…'`, shell functions (their body is read where written), and script files of
/// the checkout run with `sh`/`bash`/`source`/`.` or as `./name.sh`. Undecidable, each with its file,
/// line and the variable or reason: a value the pipeline alone knows landing in claude's program,
/// grants, permission mode or settings, or splitting into its options; a command whose program is
/// such a value and that looks like claude; `eval`/`sh -c` of such a value; a script file of the
/// checkout that cannot be read; `run:` steps defined elsewhere; a word naming claude that is not a
/// command the gate recognises (`$(which claude) -p …`, `ln -s …/claude agent`).
struct CIJobScriptAnalysis: Sendable {
    /// Something in the job the gate cannot decide.
    struct Undecidable: Sendable, Hashable, CustomStringConvertible {
        var file: String
        var line: Int
        var reason: String
        var description: String { "\(file):\(line): \(reason)" }
    }

    /// Every claude command, in execution order, with known values substituted.
    var commands: [CIJobExtractor.ClaudeCommand] = []
    /// What could not be decided.
    var undecidable: [Undecidable] = []
    /// Every variable the job sets, in order: its YAML `variables:`, then script assignments.
    var environment: [EnvironmentSetting] = []
    /// Every file the job's scripts write, in order.
    var writes: [ScriptFileWrite] = []
}

extension CIJobExtractor {
    /// Predefined variables whose value the gate knows in `pre`: the checkout is the repository.
    static func predefinedValues(repository: String?) -> [String: String?] {
        guard let repository else { return [:] }
        return ["CI_PROJECT_DIR": repository]
    }

    /// Analyses every script line of `job` (see ``CIJobScriptAnalysis``).
    /// - Parameters:
    ///   - job: A job from ``job(named:)`` or ``jobs(named:)``.
    ///   - repository: The checkout, for script files the job runs; `nil` treats them as unreadable.
    ///   - environment: The gate's environment (see ``Job/knownValues(repository:environment:)``).
    /// - Throws: ``CIJobExtractorError/shellSyntax(file:line:job:reason:)`` for text the shell would refuse.
    func analyse(_ job: Job, repository: String?, environment: [String: String] = [:]) throws(CIJobExtractorError)
        -> CIJobScriptAnalysis {
        let values = job.knownValues(repository: repository, environment: environment)
        var walker = ScriptWalker(job: job.name, repository: repository, substitution: ShellVariableSubstitution(values: values))
        for name in job.variables.keys.sorted() {
            let value = values[name].flatMap { $0 } ?? job.variables[name] ?? ""
            walker.analysis.environment.append(EnvironmentSetting(name: name, value: value, file: job.file, line: job.line))
        }
        for step in job.externalSteps {
            walker.analysis.undecidable.append(.init(file: step.file, line: step.line,
                                                     reason: "the run: step '\(step.text)' is defined elsewhere; the gate cannot see what it runs"))
        }
        for line in job.allLines {
            try walker.walk(line.text, line: line, baseLine: line.line, nesting: [], depth: 0)
        }
        return walker.analysis
    }
}

/// Walks script text command by command, keeping the shell variables assigned so far.
struct ScriptWalker {
    let job: String
    let repository: String?
    var substitution: ShellVariableSubstitution
    var analysis = CIJobScriptAnalysis()
    /// Variables the scripts assign, by name; `nil` when the value cannot be known.
    var assigned: [String: String?] = [:]
    var aliases: [String: String] = [:]

    static let maximumDepth = 4
    /// Programs that name claude in their arguments without running it.
    static let mentionOnly: Set<String> = [
        "which", "type", "hash", "command", "echo", "printf", "npm", "yarn", "pnpm", "bun", "test", "[", "grep", "cat", "ls",
    ]

    init(job: String, repository: String?, substitution: ShellVariableSubstitution) {
        self.job = job
        self.repository = repository
        self.substitution = substitution
    }

    mutating func undecidable(_ line: CIJobExtractor.ScriptLine, _ number: Int, _ reason: String) {
        let item = CIJobScriptAnalysis.Undecidable(file: line.file, line: number, reason: reason)
        if !analysis.undecidable.contains(item) { analysis.undecidable.append(item) }
    }

    mutating func walk(_ text: String, line: CIJobExtractor.ScriptLine, baseLine: Int, nesting: [String],
                       depth: Int) throws(CIJobExtractorError) {
        var commands = try split(text, line: line, baseLine: baseLine, nesting: nesting)
        // Assignments made in this text change what later commands of the same text expand to.
        if record(commands, line: line, baseLine: baseLine) {
            commands = try split(text, line: line, baseLine: baseLine, nesting: nesting)
        }
        for command in commands {
            try visit(command, line: line, baseLine: baseLine, nesting: nesting, depth: depth)
        }
    }

    private mutating func split(_ text: String, line: CIJobExtractor.ScriptLine, baseLine: Int,
                                nesting: [String]) throws(CIJobExtractorError) -> [ShellWords.Command] {
        substitution.values.merge(assigned) { _, new in new }
        let substituted = substitution.substitute(text)
        do {
            return try ShellWords.parse(substituted, source: line.file)
        } catch {
            throw CIJobExtractorError.shellSyntax(
                file: line.file, line: baseLine + error.line - 1, job: job,
                reason: (nesting.isEmpty ? "" : "inside \(nesting.joined(separator: " > ")): ") + substitution.restore(error.reason))
        }
    }

    /// Records `NAME=value`, `export NAME=value` and `alias NAME=value` commands; returns whether
    /// something new was learnt.
    private mutating func record(_ commands: [ShellWords.Command], line: CIJobExtractor.ScriptLine, baseLine: Int) -> Bool {
        var changed = false
        for command in commands {
            var words = command.words[...]
            let keyword = words.first
            if let keyword, ["export", "declare", "local", "readonly", "typeset", "alias"].contains(keyword) {
                words = words.dropFirst().drop { $0.hasPrefix("-") }
                // `export $(grep -v '^#' .env | xargs)`: names and values only known when the job runs.
                if keyword != "alias", let hidden = words.first(where: { ShellWrappers.assignment($0) == nil && !Self.isName($0) }) {
                    undecidable(line, baseLine + command.line - 1,
                                "'\(keyword) \(substitution.restore(hidden))' sets variables whose names only the running job knows")
                }
            }
            let assignments = words.compactMap(ShellWrappers.assignment)
            // Only commands made of assignments set variables for what follows (`A=1 cmd` does not).
            guard assignments.count == words.count, !assignments.isEmpty else { continue }
            for (name, value) in assignments {
                if keyword == "alias" {
                    if aliases[name] != value { aliases[name] = value; changed = true }
                    continue
                }
                let setting = EnvironmentSetting(name: name, value: substitution.restore(value), file: line.file,
                                                 line: baseLine + command.line - 1)
                if !analysis.environment.contains(setting) { analysis.environment.append(setting) }
                let known: String? = substitution.unknowns(in: value).isEmpty && !value.contains("$(") && !value.contains("`")
                    ? value : nil
                if let previous = assigned[name], previous != known {
                    // Assigned twice with different values: which one a later line sees depends on the flow.
                    assigned[name] = .some(nil)
                    changed = true
                } else if assigned[name] == nil {
                    assigned[name] = .some(known)
                    changed = true
                }
            }
        }
        return changed
    }

    private mutating func visit(_ command: ShellWords.Command, line: CIJobExtractor.ScriptLine, baseLine: Int, nesting: [String],
                                depth: Int) throws(CIJobExtractorError) {
        let number = baseLine + command.line - 1
        var words = command.words
        recordWrites(words, redirections: command.redirections, line: line, number: number)
        if let first = words.first, let body = aliases[first] {
            // An alias is text put in front of the arguments.
            try walk(body + " " + words.dropFirst().map(Self.quoted).joined(separator: " "), line: line, baseLine: number,
                     nesting: nesting + ["alias \(first)"], depth: depth + 1)
            return
        }
        if words.first == "alias" {
            return
        }
        if ClaudeArgumentParser.isClaudeCommand(words) || (CIJobExtractor.agentWrappedByGate(words).map(ClaudeArgumentParser.isClaudeCommand) ?? false) {
            var how = nesting
            if let wrapped = CIJobExtractor.agentWrappedByGate(words) {
                words = wrapped
                how.append("policy-gate run")
            }
            judge(words, line: line, number: number)
            analysis.commands.append(CIJobExtractor.ClaudeCommand(argv: words.map(substitution.restore), file: line.file, line: number,
                                                                  section: line.section, nesting: how, environment: analysis.environment))
        } else if depth < Self.maximumDepth, let (inner, how) = CIJobExtractor.nestedScript(words) {
            if let unknown = substitution.unknowns(in: inner).first, Self.startsWithMarker(inner) {
                undecidable(line, number, "\(how) runs the value of $\(unknown.name), which only the pipeline knows")
            }
            try walk(substitution.restore(inner), line: line, baseLine: number, nesting: nesting + [how], depth: depth + 1)
        } else if let script = scriptFile(words) {
            try follow(script, line: line, number: number, nesting: nesting, depth: depth)
        } else {
            inspectOther(words, line: line, number: number)
        }
        if depth < Self.maximumDepth {
            for body in command.substitutions {
                try walk(substitution.restore(body), line: line, baseLine: number, nesting: nesting + ["$(…)"], depth: depth + 1)
            }
        }
    }

    static func isName(_ word: String) -> Bool {
        guard let first = word.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return word.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func startsWithMarker(_ text: String) -> Bool {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return false }
        return first == ShellVariableSubstitution.quotedMark || first == ShellVariableSubstitution.unquotedMark
    }

    /// Claude's options whose value decides what it may do.
    static let decidingOptions: Set<String> = [
        "--allowedTools", "--allowed-tools", "--disallowedTools", "--disallowed-tools", "--tools", "--permission-mode",
        "--settings", "--setting-sources", "--mcp-config", "--add-dir", "--permission-prompt-tool", "--plugin-dir", "--agents",
        "--agent",
    ]

    /// Reports unknown values in a claude command where they decide something.
    private mutating func judge(_ words: [String], line: CIJobExtractor.ScriptLine, number: Int) {
        var previousOption: String?
        for word in words {
            for unknown in substitution.unknowns(in: word) {
                let option = word.hasPrefix("--") ? String(word.prefix { $0 != "=" }) : previousOption
                if ["@", "*"].contains(unknown.name) {
                    undecidable(line, number, "the claude command takes $\(unknown.name), arguments given by its caller, which can add any option")
                } else if !unknown.quoted {
                    undecidable(line, number, "$\(unknown.name) is not quoted in the claude command, so its value, which only the "
                                + "pipeline knows, can add any option")
                } else if let option, Self.decidingOptions.contains(option) {
                    undecidable(line, number, "the value of \(option) comes from $\(unknown.name), which only the pipeline knows")
                } else if !words.contains(where: { ClaudeArgumentParser.basename($0) == "claude" || ClaudeArgumentParser.isClaudePackage($0) })
                    || Self.isProgramPosition(word, in: words) {
                    undecidable(line, number, "claude's program comes from $\(unknown.name), which only the pipeline knows")
                } else if ShellWrappers.assignment(word) != nil, Self.isBeforeProgram(word, in: words) {
                    undecidable(line, number, "claude's environment takes $\(unknown.name), which only the pipeline knows")
                }
            }
            previousOption = word.hasPrefix("-") ? word : nil
        }
    }

    static func isBeforeProgram(_ word: String, in words: [String]) -> Bool {
        guard let program = words.firstIndex(where: { ClaudeArgumentParser.basename($0) == "claude" || ClaudeArgumentParser.isClaudePackage($0) })
        else { return true }
        return (words.firstIndex(of: word) ?? program) < program
    }

    static func isProgramPosition(_ word: String, in words: [String]) -> Bool {
        guard let program = words.firstIndex(where: { ClaudeArgumentParser.basename($0) == "claude" || ClaudeArgumentParser.isClaudePackage($0) })
        else { return false }
        return words[program] == word
    }

    /// A command that is not claude: an unknown program that looks like claude, or a word naming claude.
    private mutating func inspectOther(_ words: [String], line: CIJobExtractor.ScriptLine, number: Int) {
        let start = ClaudeArgumentParser.skipWrappers(words)
        let programIndex = start?.index ?? 0
        let body = start?.words ?? words
        guard programIndex < body.count else { return }
        let program = body[programIndex]
        if let unknown = substitution.unknowns(in: program).first {
            let claudeOptions = ["-p", "--print", "--permission-mode", "--allowedTools", "--allowed-tools", "--dangerously-skip-permissions",
                                 "--settings", "--mcp-config", "--output-format", "--max-turns"]
            let name = unknown.name.uppercased()
            if ["CLAUDE", "AGENT", "ANTHROPIC", "AI_"].contains(where: name.contains)
                || body.dropFirst(programIndex + 1).contains(where: { claudeOptions.contains(String($0.prefix { $0 != "=" })) }) {
                undecidable(line, number, "the program comes from $\(unknown.name), which only the pipeline knows, and may be claude")
            }
            return
        }
        let programName = ClaudeArgumentParser.basename(program)
        if CIJobExtractor.mentionsClaude(substitution.restore(program)) {
            undecidable(line, number, "'\(programName)' starts a program named after claude that the gate does not recognise")
            return
        }
        guard !Self.mentionOnly.contains(programName) else { return }
        for word in body.dropFirst(programIndex + 1) {
            let restored = substitution.restore(word)
            // `claude`, `/usr/bin/claude`, `"claude -p …"`, `$(command -v claude)`; not prose such as `claude: fix`.
            if ClaudeArgumentParser.basename(restored) == "claude" || restored.hasPrefix("claude ") || restored.contains(" claude)")
                || restored.contains(" claude`") {
                undecidable(line, number, "'\(programName)' is given claude as an argument; the gate cannot tell how it runs it")
                return
            }
        }
    }

    // MARK: - Script files

    /// The script file a command runs: `sh FILE`, `bash -e FILE`, `source FILE`, `. FILE`, `./FILE.sh`.
    func scriptFile(_ words: [String]) -> String? {
        guard let start = ClaudeArgumentParser.skipWrappers(words), start.index < start.words.count else { return nil }
        let program = start.words[start.index]
        let rest = start.words[(start.index + 1)...]
        let name = ClaudeArgumentParser.basename(program)
        if name == "source" || name == "." {
            return rest.first
        }
        if CIJobExtractor.shells.contains(name) {
            // Options first; `-c` was handled as a nested script.
            return rest.first { !$0.hasPrefix("-") && !$0.hasPrefix("+") }
        }
        if (program.hasPrefix("./") || program.contains("/")) && (program.hasSuffix(".sh") || program.hasSuffix(".bash")) {
            return program
        }
        return nil
    }

    private mutating func follow(_ path: String, line: CIJobExtractor.ScriptLine, number: Int, nesting: [String],
                                 depth: Int) throws(CIJobExtractorError) {
        let shown = substitution.restore(path)
        guard substitution.unknowns(in: path).isEmpty else {
            undecidable(line, number, "the script file '\(shown)' is named by a value only the pipeline knows")
            return
        }
        guard let repository else {
            undecidable(line, number, "the script file '\(shown)' cannot be read")
            return
        }
        let root = URL(fileURLWithPath: repository).standardizedFileURL.resolvingSymlinksInPath().path
        let full = path.hasPrefix("/") ? path : root + "/" + path
        let resolved = URL(fileURLWithPath: full).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else {
            // A file of the image, not of the checkout: the agent's change cannot reach it.
            return
        }
        guard depth < Self.maximumDepth else {
            undecidable(line, number, "the script file '\(shown)' is nested too deep to follow")
            return
        }
        guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) else {
            undecidable(line, number, "the script file '\(shown)' cannot be read, so what it runs is unknown")
            return
        }
        let relative = String(resolved.dropFirst(root.count + 1))
        let fileLine = CIJobExtractor.ScriptLine(text: text, file: relative, line: 1, section: line.section)
        try walk(text, line: fileLine, baseLine: 1, nesting: nesting + ["\(shown)"], depth: depth + 1)
    }
}
