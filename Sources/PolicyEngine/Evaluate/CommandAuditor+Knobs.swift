import Foundation

/// Assignments followed through the command, the code-running knobs of ``ShellKnobs`` and bash
/// arithmetic that evaluates a variable's text.
extension CommandAuditor {
    /// Builtins whose `NAME=value` arguments set variables for the rest of the command.
    static let declaringBuiltins: Set<String> = ["export", "declare", "typeset", "local", "readonly"]
    /// Builtins whose name arguments receive values that cannot be known (`read x`).
    static let readingBuiltins: Set<String> = ["read", "mapfile", "readarray", "getopts"]

    /// Records the variables a command assigns and judges the knobs among them; returns the
    /// traits of the commands those knobs run.
    mutating func judgeAssignments(_ command: ShellSyntax.SimpleCommand, words: [ShellSyntax.Word], _ context: inout Context) -> Traits {
        if command.isPseudo {
            // `for NAME in WORDS`: NAME takes each word; the one reaching furthest stands for all.
            if words.count >= 2, words[0].text == "for", words[1].isLiteral, !words[1].text.isEmpty {
                let values = words.dropFirst(2).map { context.variables.expand($0) }
                let worst = values.first { value in
                    guard let value else { return true }
                    return value.hasPrefix("/") || value.hasPrefix("~") || value.hasPrefix("$") || value.containsBytes("..")
                }
                context.variables.assign(words[1].text, values.isEmpty ? nil : (worst ?? values.first ?? nil))
            }
            return Traits()
        }
        var pairs: [(name: String, value: String?)] = command.assignments.compactMap { pair(of: $0, context.variables) }
        let program = words.first.map { ShellWrappers.basename($0.text) }
        if let program, Self.declaringBuiltins.contains(program) {
            pairs += words.dropFirst().compactMap { pair(of: $0, context.variables) }
        }
        // A wrapper's own assignments (`env NAME=value cmd`) apply to the command it runs.
        let startsWithWrapper = words.first.map { ShellWrappers.table[ShellWrappers.basename($0.text)] != nil } ?? false
        let prefix = startsWithWrapper ? ShellWrappers.skip(words.map(\.text), reader: .everything, assignments: false)
            : ShellWrappers.Prefix(words: [], index: 0)
        for (name, value) in prefix.environment.sorted(by: { $0.key < $1.key }) where !pairs.contains(where: { $0.name == name }) {
            pairs.append((name, context.variables.expand(.literal(value))))
        }
        if words.isEmpty || (program.map { Self.declaringBuiltins.contains($0) } ?? false) {
            for (name, value) in pairs { context.variables.assign(name, value) }
        }
        if let program, Self.readingBuiltins.contains(program) {
            for word in words.dropFirst() where !word.text.hasPrefix("-") { context.variables.assign(word.text, nil) }
        }
        guard !pairs.isEmpty else { return Traits() }
        let target = startsWithWrapper
            ? (prefix.index < prefix.words.count ? ShellWrappers.basename(prefix.words[prefix.index]) : "the shell")
            : (program ?? "the shell")
        return judgeEnvironment(pairs, program: target, context: context, snippet: command.source)
    }

    private func pair(of word: ShellSyntax.Word, _ variables: ShellVariables) -> (name: String, value: String?)? {
        guard let (name, _) = ShellWrappers.assignment(word.text) else { return nil }
        var value = word
        value.text = String(word.text.dropFirst(name.utf8.count + 1))
        if value.text.hasPrefix("=") { value.text.removeFirst() }  // NAME+=value
        return (name, variables.expand(value))
    }

    /// Environment knobs (`GIT_SSH_COMMAND`, `LD_PRELOAD`, `GIT_CONFIG_KEY_0`, …) set for `program`.
    private mutating func judgeEnvironment(_ pairs: [(name: String, value: String?)], program: String, context: Context,
                                           snippet: String) -> Traits {
        var traits = Traits()
        var gitKeys: [String: String?] = [:]
        var gitValues: [String: String?] = [:]
        for (name, value) in pairs {
            guard let effect = ShellKnobs.environmentEffect(name) else { continue }
            switch effect {
            case .gitConfiguration:
                if name.hasPrefix("GIT_CONFIG_KEY_") { gitKeys[String(name.dropFirst("GIT_CONFIG_KEY_".count))] = .some(value) }
                if name.hasPrefix("GIT_CONFIG_VALUE_") { gitValues[String(name.dropFirst("GIT_CONFIG_VALUE_".count))] = .some(value) }
            case .runsCommand:
                traits.merge(judgeCommandValue(value, what: name, program: program, context: context, snippet: snippet))
            case .loadsCode:
                guard value.map({ ShellKnobs.optionsLoadCode(name, value: $0) }) ?? true else { continue }
                findings.append(DangerousCommandFinding(
                    kind: .codeRunningKnob, reason: "\(name) makes \(program) load code the command chooses", snippet: snippet))
            case .loadsCodeFrom:
                let entries = value?.split(separator: ":").map(String.init) ?? ["$?"]
                let outside = entries.contains { entry in
                    let resolved = PathScope.resolve(entry, cwd: context.cwd ?? classifier.workspaceRoot, home: classifier.home)
                    return !PathScope.isInside(resolved, root: classifier.workspaceRoot)
                }
                if outside {
                    findings.append(DangerousCommandFinding(
                        kind: .codeRunningKnob, reason: "\(name) makes \(program) load code from outside the repository", snippet: snippet))
                }
            case .gitConfigurationSource:
                if value != "/dev/null" {
                    findings.append(DangerousCommandFinding(
                        kind: .codeRunningKnob, reason: "\(name) gives git configuration that can run any command", snippet: snippet))
                }
            case .writesFile:
                break
            }
        }
        for (number, key) in gitKeys.sorted(by: { $0.key < $1.key }) {
            guard let key else {
                findings.append(DangerousCommandFinding(
                    kind: .cannotTellWhatRuns, reason: "cannot tell what runs: GIT_CONFIG_KEY_\(number) cannot be resolved", snippet: snippet))
                continue
            }
            traits.merge(judgeGitConfig(key: key, value: gitValues[number] ?? nil, context: context, snippet: snippet))
        }
        return traits
    }

    /// A git configuration key set from outside a config file (`git -c`, `GIT_CONFIG_KEY_<n>`).
    private mutating func judgeGitConfig(key: String, value: String?, context: Context, snippet: String) -> Traits {
        switch ShellKnobs.gitConfig(key) {
        case .runsCommand?:
            var command = value
            if key.lowercased().hasPrefix("alias."), let text = value {
                // Only `!`-aliases run a shell command; the others name git subcommands.
                guard text.hasPrefix("!") else { return Traits() }
                command = String(text.dropFirst())
            }
            return judgeCommandValue(command, what: "git configuration \(key)", program: "git", context: context, snippet: snippet)
        case .some:
            findings.append(DangerousCommandFinding(
                kind: .codeRunningKnob, reason: "git configuration \(key) makes git load code or settings from elsewhere", snippet: snippet))
        case nil:
            break
        }
        return Traits()
    }

    /// A knob whose value is a command: judged as that command, and listed for the allow list.
    private mutating func judgeCommandValue(_ value: String?, what: String, program: String, context: Context, snippet: String) -> Traits {
        guard let value else {
            findings.append(DangerousCommandFinding(
                kind: .cannotTellWhatRuns, reason: "cannot tell what runs: \(what) comes from a variable or substitution", snippet: snippet))
            return Traits()
        }
        let first = ShellWords.commandsLeniently(in: value).first?.first.map(ShellWrappers.basename) ?? ""
        if ShellKnobs.harmlessCommands.contains(first) && !value.containsBytes("$") && !value.containsBytes("`") { return Traits() }
        findings.append(DangerousCommandFinding(
            kind: .codeRunningKnob, reason: "\(what) makes \(program) run another command (\(first))", snippet: snippet))
        return auditEmbedded(value, context: context, snippet: snippet)
    }

    /// Program options from the knob table (`git -c`, `--output`, `tar --to-command`, …).
    mutating func judgeKnobs(_ effective: [ShellSyntax.Word], wrapped: [ShellSyntax.Word], context: Context, snippet: String) -> Traits {
        guard let first = effective.first else { return Traits() }
        let program = ShellWrappers.basename(first.text)
        var traits = Traits()
        for use in ShellKnobs.uses(program: program, args: Array(effective.dropFirst())) {
            let value = context.variables.expand(use.value)
            switch use.effect {
            case .gitConfiguration:
                guard let value else {
                    findings.append(DangerousCommandFinding(
                        kind: .cannotTellWhatRuns, reason: "cannot tell what runs: git \(use.option) cannot be resolved", snippet: snippet))
                    continue
                }
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                traits.merge(judgeGitConfig(key: parts[0], value: parts.count > 1 ? parts[1] : "", context: context, snippet: snippet))
            case .runsCommand:
                traits.merge(judgeCommandValue(value, what: "\(program) \(use.option)", program: program, context: context, snippet: snippet))
            case .loadsCode, .loadsCodeFrom, .gitConfigurationSource:
                findings.append(DangerousCommandFinding(
                    kind: .codeRunningKnob, reason: "\(program) \(use.option) makes it load code or settings from elsewhere", snippet: snippet))
            case .writesFile:
                var target = use.value
                if let value {
                    target.text = value
                    target.isLiteral = true
                }
                let written = classifier.checkWrite(target, cwd: context.cwd, tool: "\(program) \(use.option)", snippet: snippet)
                findings += written.findings
                writtenPaths += written.writes
            }
        }
        return traits
    }

    /// Bash arithmetic evaluates a variable's text as an expression, and an array subscript in
    /// it runs command substitutions: `x='a[$(cmd)]'; echo $((x))` runs `cmd`.
    mutating func judgeArithmetic(_ command: ShellSyntax.SimpleCommand, words: [ShellSyntax.Word], context: Context) -> Traits {
        // Only variables assigned in this command can carry a payload.
        guard !context.variables.values.isEmpty else { return Traits() }
        var texts: [String] = []
        if command.isPseudo, let first = words.first?.text, first == "((" || first == "for" {
            texts.append(command.source)
        }
        let program = words.first.map { ShellWrappers.basename($0.text) }
        for word in words + command.assignments {
            if word.text.containsBytes("$((") || word.text.containsBytes("$[") || (word.text.containsBytes("${") && word.text.containsBytes("[")) {
                texts.append(word.text)
            }
        }
        if program == "let" || program == "[[" || (program.map { Self.declaringBuiltins.contains($0) } ?? false) {
            texts += words.dropFirst().map(\.text)
        }
        var traits = Traits()
        var judged: Set<String> = []
        for text in texts {
            for name in ShellVariables.identifiers(in: text) where judged.insert(name).inserted {
                guard let value = context.variables.value(of: name), value.containsBytes("$(") || value.containsBytes("`") else { continue }
                findings.append(DangerousCommandFinding(
                    kind: .codeRunningKnob, reason: "arithmetic on \(name) runs the command substitution its value holds", snippet: command.source))
                traits.merge(auditEmbedded(value, context: context, snippet: command.source))
            }
        }
        return traits
    }
}
