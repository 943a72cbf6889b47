import Foundation

/// Reads a `claude` command's argv into an ``AgentInvocation``, following Claude Code's
/// commander-based option parsing.
///
/// - The program may be `claude`, a path ending in `/claude`, or a package runner:
///   `npx [-y] @anthropic-ai/claude-code[@version]`, `npx -p @anthropic-ai/claude-code claude`,
///   `bunx`, `pnpx`, `pnpm dlx`, `yarn dlx`, `npm exec [--]`.
/// - Leading `NAME=value` assignments and the wrappers `env` (with `-u`, `-C`, `-S`), `timeout`,
///   `nice`, `nohup`, `time`, `command`, `builtin`, `noglob`, `exec`, `stdbuf`, `sudo`, `setsid`,
///   `ionice` and `xargs` are skipped.
/// - `--flag value` and `--flag=value` both work; short options may be clustered (`-pc`).
/// - Variadic options (`--allowedTools`, `--disallowedTools`, `--tools`, `--add-dir`,
///   `--mcp-config`, `--betas`, `--file`) take the next argument, then every following argument that
///   does not start with `-`. The `=` form takes one value only. Tool lists are split on commas and
///   whitespace outside parentheses. As in Claude Code (#25978), a prompt after a variadic option is
///   swallowed as a value; the invocation then carries a warning.
/// - Every option of the pinned CLI and its arity come from ``optionTable``, generated from the binary by
///   `scripts/claude-options.py`. An optional value (`-d/--debug [filter]`, `-r/--resume [id]`, `--cloud`,
///   `-w/--worktree` …) is the next word when it does not start with a dash, as commander reads it. An
///   option the table does not know is an error: a newer CLI could read it, and what follows it, otherwise.
public enum ClaudeArgumentParser {
    /// The CLI release whose options ``optionTable`` holds.
    static let pinnedVersion = "2.1.332"

    // MARK: - Public API

    /// Whether `argv` runs Claude Code (after skipping assignments and wrappers).
    /// - Parameter argv: A simple command's words.
    /// - Returns: `true` when the program is `claude` or a package runner starting it.
    @_spi(Fuzzing) public static func isClaudeCommand(_ argv: [String]) -> Bool {
        locate(argv) != nil
    }

    /// Parses a `claude` command line.
    /// - Parameters:
    ///   - argv: The command's words, as ``ShellWords`` splits them (program included).
    ///   - source: Where the command comes from (`.gitlab-ci.yml:42`), for error messages.
    /// - Returns: The invocation.
    /// - Throws: ``ClaudeArgumentParserError`` when the command does not run Claude Code, or an
    ///   option that needs a value has none (Claude Code would refuse to start).
    ///   - extraOptions: Options the pinned CLI does not have, with their arity, that the policy lists
    ///   (`agent.extra_options`); an option the table has keeps the table's arity.
    public static func parse(_ argv: [String], source: String = "command line",
                             extraOptions: [String: Arity] = [:]) throws(ClaudeArgumentParserError) -> AgentInvocation {
        guard let location = locate(argv) else {
            throw ClaudeArgumentParserError.notClaudeCommand(source: source, program: argv.first ?? "")
        }
        var invocation = AgentInvocation()
        invocation.argv = argv
        invocation.environment = location.environment
        invocation.wrappers = location.wrappers
        invocation.program = location.program
        invocation.packageSpecifier = location.packageSpecifier
        invocation.arguments = location.arguments
        if location.viaXargs {
            invocation.warnings.append("the command runs through xargs, so some arguments come from stdin and are not visible here")
        }
        var parser = ArgumentWalker(arguments: location.arguments, source: source, extraOptions: extraOptions)
        try parser.run(into: &invocation)
        return invocation
    }

    // MARK: - Locating the program

    struct Location {
        var environment: [String: String] = [:]
        var wrappers: [String] = []
        var program: [String] = []
        var packageSpecifier: String?
        var arguments: [String] = []
        var viaXargs = false
    }

    static let packageName = "@anthropic-ai/claude-code"

    static func isClaudePackage(_ word: String) -> Bool {
        word == packageName || word.hasPrefix(packageName + "@")
    }

    static func locate(_ argv: [String]) -> Location? {
        guard let prefix = skipWrappers(argv) else { return nil }
        var location = Location(environment: prefix.environment, wrappers: prefix.wrappers, viaXargs: prefix.viaXargs)
        let words = prefix.words
        let start = prefix.index
        guard start < words.count else { return nil }
        let word = words[start]
        if basename(word) == "claude" {
            location.program = [word]
            location.arguments = Array(words[(start + 1)...])
            return location
        }
        var next = start + 1
        switch basename(word) {
        case "npx", "bunx", "pnpx":
            break
        case "pnpm", "yarn":
            guard next < words.count, words[next] == "dlx" else { return nil }
            next += 1
        case "npm":
            guard next < words.count, words[next] == "exec" || words[next] == "x" else { return nil }
            next += 1
        default:
            return nil
        }
        var package: String?
        while next < words.count, words[next].hasPrefix("-"), words[next] != "-" {
            let option = words[next]
            next += 1
            if option == "--" { break }
            if option == "-p" || option == "--package" {
                guard next < words.count else { return nil }
                package = words[next]
                next += 1
            } else if option.hasPrefix("--package=") {
                package = String(option.dropFirst("--package=".count))
            } else if option == "-c" || option == "--call" {
                return nil
            }
        }
        guard next < words.count else { return nil }
        let target = words[next]
        if isClaudePackage(target) {
            location.packageSpecifier = target
        } else if basename(target) == "claude", package.map(isClaudePackage) ?? true {
            location.packageSpecifier = package
        } else {
            return nil
        }
        location.program = Array(words[start...next])
        location.arguments = Array(words[(next + 1)...])
        return location
    }

    /// Skips assignments and wrappers through the one wrapper table; `nil` when a wrapper does
    /// not run its command (`command -v`).
    static func skipWrappers(_ argv: [String]) -> ShellWrappers.Prefix? {
        let prefix = ShellWrappers.skip(argv, reader: .everything)
        return prefix.runsCommand ? prefix : nil
    }

    static func basename(_ word: String) -> String { ShellWrappers.basename(word) }

    // MARK: - Options

    /// How many values an option takes, as commander reads its spec.
    public enum Arity: Sendable, Hashable {
        case flag
        case value
        case optionalValue
        case variadic
        /// `[values...]`: none, or a list (no option of 2.1.332 has it; commander allows it).
        case optionalVariadic
    }

    enum Key {
        case print, verbose, dangerouslySkipPermissions, allowDangerouslySkipPermissions, strictMCPConfig, bare
        case versionOrHelp, debug, permissionMode, outputFormat, maxTurns, model, permissionPromptTool
        case debugFile, settings, managedSettings, inheritPermissionMode, settingSources, allowedTools, disallowedTools, tools, addDir, mcpConfig
        case agents, agent, ignored
    }

    struct OptionSpec {
        var key: Key
        var arity: Arity
    }

    /// The options the gate reads, by meaning; every other option of ``optionTable`` is read past.
    /// Arity comes from ``optionTable`` (the binary), the arity written here only for names it lacks.
    static let options: [String: OptionSpec] = {
        var table: [String: OptionSpec] = [:]
        func add(_ names: [String], _ key: Key, _ arity: Arity) {
            for name in names { table[name] = OptionSpec(key: key, arity: optionTable[name] ?? arity) }
        }
        add(["-p", "--print"], .print, .flag)
        add(["--verbose"], .verbose, .flag)
        add(["--dangerously-skip-permissions"], .dangerouslySkipPermissions, .flag)
        add(["--allow-dangerously-skip-permissions"], .allowDangerouslySkipPermissions, .flag)
        add(["--strict-mcp-config"], .strictMCPConfig, .flag)
        add(["--bare"], .bare, .flag)
        add(["-v", "--version", "-h", "--help"], .versionOrHelp, .flag)
        add(["-d", "--debug", "-d2e", "--debug-to-stderr"], .debug, .optionalValue)
        add(["--permission-mode"], .permissionMode, .value)
        add(["--output-format"], .outputFormat, .value)
        add(["--max-turns"], .maxTurns, .value)
        add(["--model"], .model, .value)
        add(["--permission-prompt-tool"], .permissionPromptTool, .value)
        add(["--debug-file"], .debugFile, .value)
        add(["--settings"], .settings, .value)
        add(["--managed-settings"], .managedSettings, .value)
        add(["--inherit-permission-mode"], .inheritPermissionMode, .value)
        add(["--setting-sources"], .settingSources, .value)
        add(["--allowedTools", "--allowed-tools"], .allowedTools, .variadic)
        add(["--disallowedTools", "--disallowed-tools"], .disallowedTools, .variadic)
        add(["--tools"], .tools, .variadic)
        add(["--add-dir"], .addDir, .variadic)
        add(["--mcp-config"], .mcpConfig, .variadic)
        add(["--agents"], .agents, .value)
        add(["--agent"], .agent, .value)
        for (name, arity) in optionTable where table[name] == nil {
            table[name] = OptionSpec(key: .ignored, arity: arity)
        }
        return table
    }()

    /// First words that make `claude` run a subcommand instead of an agent session.
    static let subcommands: Set<String> = [
        "mcp", "config", "update", "doctor", "install", "setup-token", "migrate-installer", "plugin", "auth",
    ]

    // MARK: - Walking the arguments

    struct VariadicUse {
        var option: String
        var key: Key
        var values: [String] = []
        var reachedEnd = false
    }

    struct ArgumentWalker {
        var arguments: [String]
        let source: String
        var positionals: [String] = []
        var variadicUses: [VariadicUse] = []
        var permissionModeCount = 0
        /// Optional values taken from the next word (`--debug api`), which may have been meant as the prompt.
        var optionalValuesTaken: [(option: String, value: String)] = []
        /// `--inherit-permission-mode`: the mode when nothing else sets one.
        var inheritedPermissionMode: String?

        /// The options of the policy's `agent.extra_options` that the table lacks.
        let extraOptions: [String: Arity]
        /// `--settings` given more than once (`--managed-settings` is a source of its own).
        var settingsCount = 0

        init(arguments: [String], source: String, extraOptions: [String: Arity] = [:]) {
            self.arguments = arguments
            self.source = source
            self.extraOptions = extraOptions
        }

        func spec(_ name: String) -> OptionSpec? {
            options[name] ?? extraOptions[name].map { OptionSpec(key: .ignored, arity: $0) }
        }

        static func looksLikeOption(_ argument: String) -> Bool {
            argument.count > 1 && argument.hasPrefix("-")
        }

        mutating func run(into invocation: inout AgentInvocation) throws(ClaudeArgumentParserError) {
            var index = 0
            var activeVariadic: Int?
            var afterDoubleDash = false
            while index < arguments.count {
                let argument = arguments[index]
                index += 1
                if afterDoubleDash {
                    positionals.append(argument)
                    continue
                }
                if argument == "--" {
                    afterDoubleDash = true
                    activeVariadic = nil
                    continue
                }
                if let active = activeVariadic, !Self.looksLikeOption(argument) {
                    variadicUses[active].values.append(argument)
                    variadicUses[active].reachedEnd = index == arguments.count
                    apply(variadicUses[active].key, option: variadicUses[active].option, value: argument, to: &invocation)
                    continue
                }
                activeVariadic = nil
                guard Self.looksLikeOption(argument) else {
                    positionals.append(argument)
                    continue
                }
                if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                    let name = String(argument[..<equals])
                    let value = String(argument[argument.index(after: equals)...])
                    guard let spec = spec(name), spec.arity != .flag else {
                        invocation.unknownFlags.append(argument)
                        continue
                    }
                    invocation.optionNames.append(name)
                    apply(spec.key, option: name, value: value, to: &invocation)
                    continue
                }
                var name = argument
                // A short option of more than one letter (`-d2e`) is its own name, not a cluster.
                if !argument.hasPrefix("--"), argument.count > 2, spec(argument) == nil {
                    name = String(argument.prefix(2))
                    let rest = String(argument.dropFirst(2))
                    guard let spec = spec(name) else {
                        invocation.unknownFlags.append(argument)
                        continue
                    }
                    invocation.optionNames.append(name)
                    if spec.arity == .flag {
                        apply(spec.key, option: name, value: nil, to: &invocation)
                        arguments.insert("-" + rest, at: index)
                    } else {
                        apply(spec.key, option: name, value: rest, to: &invocation)
                    }
                    continue
                }
                guard let spec = spec(name) else {
                    invocation.unknownFlags.append(argument)
                    continue
                }
                invocation.optionNames.append(name)
                switch spec.arity {
                case .flag:
                    apply(spec.key, option: name, value: nil, to: &invocation)
                case .value:
                    guard index < arguments.count else {
                        throw ClaudeArgumentParserError.missingValue(source: source, option: name)
                    }
                    apply(spec.key, option: name, value: arguments[index], to: &invocation)
                    index += 1
                case .optionalValue, .optionalVariadic:
                    if index < arguments.count, !Self.looksLikeOption(arguments[index]) {
                        apply(spec.key, option: name, value: arguments[index], to: &invocation)
                        optionalValuesTaken.append((name, arguments[index]))
                        index += 1
                    } else {
                        apply(spec.key, option: name, value: nil, to: &invocation)
                    }
                case .variadic:
                    guard index < arguments.count else {
                        throw ClaudeArgumentParserError.missingValue(source: source, option: name)
                    }
                    let value = arguments[index]
                    index += 1
                    variadicUses.append(VariadicUse(option: name, key: spec.key, values: [value], reachedEnd: index == arguments.count))
                    activeVariadic = variadicUses.count - 1
                    apply(spec.key, option: name, value: value, to: &invocation)
                }
            }
            try finish(&invocation)
        }

        mutating func apply(_ key: Key, option: String, value: String?, to invocation: inout AgentInvocation) {
            let text = value ?? ""
            switch key {
            case .print: invocation.isPrint = true
            case .verbose: invocation.verbose = true
            case .dangerouslySkipPermissions: invocation.dangerouslySkipPermissions = true
            case .allowDangerouslySkipPermissions: invocation.allowDangerouslySkipPermissions = true
            case .strictMCPConfig: invocation.strictMCPConfig = true
            case .bare: invocation.isBare = true
            case .versionOrHelp: invocation.showsVersionOrHelp = true
            case .debug:
                invocation.debug = true
                if let value { invocation.debugFilter = value }
            case .permissionMode:
                permissionModeCount += 1
                if permissionModeCount == 2 {
                    invocation.warnings.append("--permission-mode is given more than once; the last value applies")
                }
                invocation.permissionModeRaw = text
                invocation.permissionMode = PermissionMode(parsing: text)
            case .outputFormat: invocation.outputFormat = text
            case .maxTurns:
                if let turns = Int(text.trimmingCharacters(in: .whitespaces)) {
                    invocation.maxTurns = turns
                } else {
                    invocation.maxTurns = nil
                    invocation.warnings.append("--max-turns value '\(ClaudeArgumentParser.excerpt(text))' is not an integer")
                }
            case .model: invocation.model = text
            case .permissionPromptTool: invocation.permissionPromptTool = text
            case .debugFile: invocation.debugFile = text
            case .settings:
                invocation.settings.append(text)
                settingsCount += 1
                if settingsCount == 2 {
                    // The gate still judges every value: more than the CLI loads, never less.
                    invocation.warnings.append("--settings is given more than once; Claude Code uses the last value")
                }
            case .managedSettings:
                // Policy-tier settings from a "parent process": grants like --settings, above every file.
                invocation.settings.append(text)
            case .inheritPermissionMode:
                inheritedPermissionMode = text
            case .settingSources:
                invocation.settingSources = text.split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
            case .allowedTools:
                invocation.allowedTools += PermissionRule.splitList(text).map(PermissionRule.init)
            case .disallowedTools:
                invocation.disallowedTools += PermissionRule.splitList(text).map(PermissionRule.init)
            case .tools:
                invocation.tools = (invocation.tools ?? []) + PermissionRule.splitList(text)
            case .addDir: invocation.addDirs.append(text)
            case .mcpConfig: invocation.mcpConfigs.append(text)
            case .agents: invocation.agents.append(text)
            case .agent: invocation.agent = text
            case .ignored: break
            }
        }

        mutating func finish(_ invocation: inout AgentInvocation) throws(ClaudeArgumentParserError) {
            if let first = positionals.first, ClaudeArgumentParser.subcommands.contains(first) {
                invocation.subcommand = first
                invocation.unknownFlags = []
                return
            }
            if let unknown = invocation.unknownFlags.first {
                // Only the name: a value after `=` may be a secret.
                let name = unknown.split(separator: "=", maxSplits: 1).first.map(String.init) ?? unknown
                throw ClaudeArgumentParserError.unknownOption(source: source, option: ClaudeArgumentParser.excerpt(name))
            }
            if invocation.permissionModeRaw == nil, let inherited = inheritedPermissionMode {
                invocation.permissionModeRaw = inherited
                invocation.permissionMode = PermissionMode(parsing: inherited)
            }
            if invocation.isPrint, positionals.isEmpty, let taken = optionalValuesTaken.last {
                invocation.warnings.append(
                    "\(taken.option) took '\(ClaudeArgumentParser.excerpt(taken.value))' as its value and there is no prompt; "
                        + "if that was meant as the prompt, claude does not see it")
            }
            invocation.prompt = positionals.first
            invocation.extraPositionals = Array(positionals.dropFirst())
            if !invocation.extraPositionals.isEmpty {
                invocation.warnings.append(
                    "extra positional arguments after the prompt: "
                        + invocation.extraPositionals.map { "'\(ClaudeArgumentParser.excerpt($0))'" }.joined(separator: ", "))
            }
            for use in variadicUses {
                let continuation = use.values.dropFirst()
                let suspicious = continuation.first { value in
                    switch use.key {
                    case .allowedTools, .disallowedTools, .tools:
                        return PermissionRule.splitList(value).contains { piece in
                            let rule = PermissionRule(piece)
                            return !rule.isValid || !rule.isKnownTool
                        }
                    default:
                        return value.contains(" ") && !value.hasPrefix("{")
                    }
                }
                if let suspicious {
                    invocation.warnings.append(
                        "\(use.option) took '\(ClaudeArgumentParser.excerpt(suspicious))' as one of its values; it looks like "
                            + "the prompt, which a variadic option swallows (#25978): put the prompt right after -p, use "
                            + "\(use.option)=…, or end the list with another option")
                } else if invocation.isPrint, invocation.prompt == nil, use.reachedEnd, use.values.count > 1,
                          let last = use.values.last {
                    invocation.warnings.append(
                        "there is no prompt argument and \(use.option) took the last argument '\(ClaudeArgumentParser.excerpt(last))'"
                            + "; if that was meant as the prompt it was swallowed (#25978)")
                }
            }
        }
    }

    static func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 60 ? String(flat.prefix(57)) + "..." : flat
    }
}

// MARK: - Errors

/// Why a command line could not be read as a Claude Code invocation.
public enum ClaudeArgumentParserError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The command does not run Claude Code.
    case notClaudeCommand(source: String, program: String)
    /// An option that needs a value ends the command line.
    case missingValue(source: String, option: String)
    /// An option the pinned CLI does not have: how a newer CLI reads it, and the words after it, is unknown.
    case unknownOption(source: String, option: String)

    /// A one-line message naming the source and the reason.
    public var description: String {
        switch self {
        case .notClaudeCommand(let source, let program):
            return "\(source): '\(ClaudeArgumentParser.excerpt(program))' does not run claude"
        case .missingValue(let source, let option):
            return "\(source): option '\(option)' needs a value (claude would refuse to start)"
        case .unknownOption(let source, let option):
            return "\(source): option '\(option)' is not an option of claude \(ClaudeArgumentParser.pinnedVersion); "
                + "how another version reads it, and the words after it, is unknown"
        }
    }
}
