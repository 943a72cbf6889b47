import Foundation

/// Walks a parsed command string: records every simple command, classifies it, follows `cd`,
/// descends into subshells, substitutions and embedded scripts (`bash -c`, `eval`), and checks
/// pipelines for code fetched or decoded and then run.
struct CommandAuditor {
    /// Where the walk is: the working directory (`nil` when unknown) and the embedded-script depth.
    struct Context {
        var cwd: String?
        var depth: Int
        /// Variables assigned earlier in the same command string.
        var variables = ShellVariables()
    }

    /// What a piece of command text does that matters to the commands around it.
    struct Traits {
        var fetches = false
        var decodes = false

        mutating func merge(_ other: Traits) {
            fetches = fetches || other.fetches
            decodes = decodes || other.decodes
        }
    }

    /// One pipeline stage's traits, and whether it runs its stdin as code.
    private struct Stage {
        var traits = Traits()
        var stdinInterpreter: CommandClassifier.Interpreter?
        /// What the stage prints when that is known text (`echo` of literals, `cat <<EOF`).
        var printedText: String?
    }

    /// Deepest nesting of lists walked at once, embedded scripts included; keeps the walk's
    /// recursion bounded whatever the input.
    static let maxWalkDepth = 256

    let classifier: CommandClassifier
    let maxDepth: Int
    var simpleCommands: [[String]] = []
    /// Files written by redirections and programs, in order.
    var writtenPaths: [String] = []
    var findings: [DangerousCommandFinding] = []
    private var walkDepth = 0
    private var reportedWalkDepth = false

    init(classifier: CommandClassifier, maxDepth: Int) {
        self.classifier = classifier
        self.maxDepth = maxDepth
    }

    // MARK: - Text

    /// Parses and walks `source`; a syntax error becomes an `unparseable` finding.
    @discardableResult
    mutating func audit(_ source: String, context: Context) -> Traits {
        let parsed = ShellParser.parse(source)
        if let first = parsed.errors.first {
            let more = parsed.errors.count > 1 ? " (and \(parsed.errors.count - 1) more)" : ""
            findings.append(DangerousCommandFinding(
                kind: .unparseable,
                reason: "the command cannot be parsed: \(first)\(more); it is treated as unsafe",
                snippet: source
            ))
        }
        var context = context
        return walk(parsed.list, &context)
    }

    /// Audits an embedded script one level deeper, or reports that the nesting is too deep.
    mutating func auditEmbedded(_ script: String, context: Context, snippet: String) -> Traits {
        guard context.depth < maxDepth else {
            findings.append(DangerousCommandFinding(
                kind: .unparseable,
                reason: "shell scripts nested deeper than \(maxDepth) levels are not analysed",
                snippet: snippet
            ))
            return Traits()
        }
        return audit(script, context: Context(cwd: context.cwd, depth: context.depth + 1, variables: context.variables))
    }

    // MARK: - Tree

    private mutating func walk(_ list: ShellSyntax.List, _ context: inout Context) -> Traits {
        walkDepth += 1
        defer { walkDepth -= 1 }
        guard walkDepth <= Self.maxWalkDepth else {
            if !reportedWalkDepth {
                reportedWalkDepth = true
                findings.append(DangerousCommandFinding(
                    kind: .unparseable,
                    reason: "commands nested deeper than \(Self.maxWalkDepth) levels are not analysed",
                    snippet: list.pipelines.first?.source ?? ""
                ))
            }
            return Traits()
        }
        var traits = Traits()
        for pipeline in list.pipelines {
            traits.merge(walkPipeline(pipeline, &context))
        }
        return traits
    }

    private mutating func walkPipeline(_ pipeline: ShellSyntax.Pipeline, _ context: inout Context) -> Traits {
        var stages: [Stage] = []
        if pipeline.commands.count == 1 {
            stages.append(walkCommand(pipeline.commands[0], &context))
        } else {
            for command in pipeline.commands {
                var local = context
                stages.append(walkCommand(command, &local))
            }
        }
        var traits = Traits()
        for stage in stages { traits.merge(stage.traits) }
        // What any earlier stage does, carried along so a long pipeline is read once (linear time),
        // and each kind of finding reported once per pipeline.
        var upstreamFetches = stages.first?.traits.fetches ?? false
        var upstreamDecodes = stages.first?.traits.decodes ?? false
        var reportedFetch = false, reportedDecode = false
        for index in stages.indices.dropFirst() {
            defer {
                upstreamFetches = upstreamFetches || stages[index].traits.fetches
                upstreamDecodes = upstreamDecodes || stages[index].traits.decodes
            }
            guard let interpreter = stages[index].stdinInterpreter else { continue }
            if upstreamFetches && !reportedFetch {
                reportedFetch = true
                findings.append(DangerousCommandFinding(
                    kind: .fetchAndExecute,
                    reason: "output of a network fetch is piped into \(Self.name(of: interpreter)) and run",
                    snippet: pipeline.source
                ))
            }
            if upstreamDecodes && !reportedDecode {
                reportedDecode = true
                findings.append(DangerousCommandFinding(
                    kind: .obfuscatedExecution,
                    reason: "a decoded payload is piped into \(Self.name(of: interpreter)) and run",
                    snippet: pipeline.source
                ))
            }
            if interpreter == .shell, let text = stages[index - 1].printedText, !text.isEmpty {
                traits.merge(auditEmbedded(text, context: context, snippet: pipeline.source))
            } else if let text = stages[index - 1].printedText, !text.isEmpty {
                var classification = CommandClassifier.Classification(snippet: pipeline.source)
                classifier.checkCode(Self.name(of: interpreter), text, into: &classification)
                findings += classification.findings
            }
        }
        return traits
    }

    private mutating func walkCommand(_ command: ShellSyntax.Command, _ context: inout Context) -> Stage {
        switch command {
        case .simple(let simple):
            return walkSimple(simple, &context)
        case .group(let list, let isSubshell, let redirects, let source):
            var stage = Stage()
            if isSubshell {
                var inner = context
                stage.traits = walk(list, &inner)
            } else {
                stage.traits = walk(list, &context)
            }
            for traits in walkRedirects(redirects, context) { stage.traits.merge(traits) }
            let classification = classifier.classify([], redirects: redirects, cwd: context.cwd, snippet: source)
            findings += classification.findings
            writtenPaths += classification.writes
            return stage
        }
    }

    /// Walks the substitutions in redirection targets and here-documents; one `Traits` per redirection.
    private mutating func walkRedirects(_ redirects: [ShellSyntax.Redirect], _ context: Context) -> [Traits] {
        redirects.map { redirect in
            var traits = Traits()
            for list in redirect.target.substitutions + redirect.target.processSubstitutions + redirect.heredocSubstitutions {
                var inner = context
                traits.merge(walk(list, &inner))
            }
            return traits
        }
    }

    // MARK: - Simple commands

    private mutating func walkSimple(_ command: ShellSyntax.SimpleCommand, _ context: inout Context) -> Stage {
        var stage = Stage()
        // Words as the shell expands them, where earlier assignments in the command say what they hold.
        var words: [ShellSyntax.Word] = []
        for word in command.words {
            if command.isPseudo { words.append(word) } else { words += context.variables.fields(of: word) ?? [word] }
        }
        stage.traits.merge(judgeAssignments(command, words: words, &context))
        let start = command.isPseudo ? words.count : ShellWrappers.commandIndex(words, reader: .simpleCommands)
        if start < words.count {
            simpleCommands.append(words[start...].map(\.text))
        }
        for word in command.assignments {
            stage.traits.merge(walkWord(word, context).all)
        }
        let redirectTraits = walkRedirects(command.redirects, context)
        for traits in redirectTraits { stage.traits.merge(traits) }
        if command.isPseudo {
            for word in words { stage.traits.merge(walkWord(word, context).all) }
            return stage
        }
        let effectiveStart = ShellWrappers.commandIndex(words, from: start, reader: .everything)
        let effective = Array(words[min(effectiveStart, words.count)...])
        if let program = effective.first, !program.isLiteral {
            findings.append(DangerousCommandFinding(
                kind: .cannotTellWhatRuns,
                reason: "cannot tell what runs: the program name comes from a variable, a substitution or eval that cannot be resolved within the command",
                snippet: command.source))
        }
        stage.traits.merge(judgeKnobs(effective, wrapped: Array(words[..<min(effectiveStart, words.count)]), context: context,
                                      snippet: command.source))
        let classification = classifier.classify(effective, redirects: command.redirects, cwd: context.cwd, snippet: command.source)
        findings += classification.findings
        writtenPaths += classification.writes
        stage.traits.fetches = stage.traits.fetches || classification.fetches
        stage.traits.decodes = stage.traits.decodes || classification.decodes
        stage.stdinInterpreter = classification.stdinInterpreter
        stage.printedText = classification.echoText ?? Self.catenatedText(effective, redirects: command.redirects)

        // Substitutions in the words, except those of an embedded script, which is re-parsed.
        let embeddedWords = classification.embeddedScript?.wordIndices ?? []
        var wordTraits: [(command: Traits, process: Traits)] = []
        for (index, word) in words.enumerated() {
            if index >= effectiveStart, embeddedWords.contains(index - effectiveStart) {
                wordTraits.append((Traits(), Traits()))
                continue
            }
            let traits = walkWord(word, context)
            wordTraits.append((traits.command, traits.process))
            stage.traits.merge(traits.all)
        }
        if effectiveStart < words.count {
            let head = wordTraits[effectiveStart]
            var produced = head.command
            produced.merge(head.process)
            reportExecuted(produced, what: "the command name comes from", snippet: command.source)
        }
        if classification.runsFileArgument {
            for traits in wordTraits.dropFirst(effectiveStart + 1) {
                reportExecuted(traits.process, what: "a script is read from", snippet: command.source)
            }
        }
        if classification.stdinInterpreter != nil {
            for (redirect, traits) in zip(command.redirects, redirectTraits) where redirect.op == "<" {
                reportExecuted(traits, what: "the program on stdin comes from", snippet: command.source)
            }
        }

        // Embedded scripts and programs given on stdin.
        if let script = classification.embeddedScript,
           script.wordIndices.contains(where: { effectiveStart + $0 < words.count && !words[effectiveStart + $0].isLiteral }) {
            findings.append(DangerousCommandFinding(
                kind: .cannotTellWhatRuns,
                reason: "cannot tell what runs: the script given to \(ShellWrappers.basename(effective[0].text)) comes from a variable or substitution that cannot be resolved within the command",
                snippet: command.source))
        }
        if classification.runsFileArgument, let file = effective.dropFirst().first(where: { !$0.text.hasPrefix("-") }), !file.isLiteral {
            findings.append(DangerousCommandFinding(
                kind: .cannotTellWhatRuns,
                reason: "cannot tell what runs: the script file comes from a variable or substitution that cannot be resolved within the command",
                snippet: command.source))
        }
        if let script = classification.embeddedScript {
            stage.traits.merge(auditEmbedded(script.text, context: context, snippet: command.source))
        }
        if let interpreter = classification.stdinInterpreter {
            for redirect in command.redirects {
                let program: String?
                switch redirect.op {
                case "<<", "<<-": program = redirect.heredocBody
                case "<<<": program = redirect.target.text
                default: program = nil
                }
                guard let program, !program.isEmpty else { continue }
                if interpreter == .shell {
                    stage.traits.merge(auditEmbedded(program, context: context, snippet: command.source))
                } else {
                    var code = CommandClassifier.Classification(snippet: command.source)
                    classifier.checkCode(Self.name(of: interpreter), program, into: &code)
                    findings += code.findings
                    stage.traits.fetches = stage.traits.fetches || code.fetches
                }
            }
        }
        for nested in classification.nestedCommands {
            stage.traits.merge(walkNested(nested, context: context, snippet: command.source))
        }
        stage.traits.merge(judgeArithmetic(command, words: words, context: context))
        if let change = classification.directoryChange {
            context.cwd = change
        }
        return stage
    }

    /// Commands a command runs itself (`find -exec`): classified, not listed as simple commands.
    private mutating func walkNested(_ words: [ShellSyntax.Word], context: Context, snippet: String) -> Traits {
        let start = ShellWrappers.commandIndex(words, reader: .everything)
        let effective = Array(words[min(start, words.count)...])
        // What the outer program runs must be allowed like any command the agent typed.
        if !effective.isEmpty { simpleCommands.append(effective.map(\.text)) }
        if let program = effective.first, !program.isLiteral {
            findings.append(DangerousCommandFinding(
                kind: .cannotTellWhatRuns,
                reason: "cannot tell what runs: a command run by another comes from a variable or substitution", snippet: snippet))
        }
        let classification = classifier.classify(effective, redirects: [], cwd: context.cwd, snippet: snippet)
        findings += classification.findings
        writtenPaths += classification.writes
        var traits = Traits()
        traits.fetches = classification.fetches
        traits.decodes = classification.decodes
        if let script = classification.embeddedScript {
            traits.merge(auditEmbedded(script.text, context: context, snippet: snippet))
        }
        return traits
    }

    private mutating func walkWord(_ word: ShellSyntax.Word, _ context: Context) -> (command: Traits, process: Traits, all: Traits) {
        var command = Traits()
        var process = Traits()
        for list in word.substitutions {
            var inner = context
            command.merge(walk(list, &inner))
        }
        for list in word.processSubstitutions {
            var inner = context
            process.merge(walk(list, &inner))
        }
        var all = command
        all.merge(process)
        return (command, process, all)
    }

    /// What `cat` prints when it only copies a here-document or here-string to stdout.
    private static func catenatedText(_ words: [ShellSyntax.Word], redirects: [ShellSyntax.Redirect]) -> String? {
        guard let first = words.first, ShellWrappers.basename(first.text) == "cat",
              words.dropFirst().allSatisfy({ $0.text == "-" }) else { return nil }
        for redirect in redirects.reversed() {
            switch redirect.op {
            case "<<", "<<-": return redirect.heredocBody
            case "<<<": return redirect.target.isLiteral ? redirect.target.text : nil
            case "<": return nil
            default: continue
            }
        }
        return nil
    }

    private mutating func reportExecuted(_ traits: Traits, what: String, snippet: String) {
        if traits.fetches {
            findings.append(DangerousCommandFinding(
                kind: .fetchAndExecute, reason: "\(what) a network fetch and is run", snippet: snippet))
        }
        if traits.decodes {
            findings.append(DangerousCommandFinding(
                kind: .obfuscatedExecution, reason: "\(what) a decoded payload and is run", snippet: snippet))
        }
    }

    private static func name(of interpreter: CommandClassifier.Interpreter) -> String {
        switch interpreter {
        case .shell: return "a shell"
        case .python: return "python"
        case .node: return "node"
        case .perl: return "perl"
        case .ruby: return "ruby"
        case .php: return "php"
        }
    }
}
