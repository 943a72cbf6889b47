import Foundation

/// One Claude Code permission rule, `Tool` or `Tool(specifier)`, as found in `--allowedTools`,
/// `--disallowedTools` and `permissions.allow|ask|deny`.
///
/// Parsing never fails: text that is not a well-formed rule gets the kind ``Kind/invalid(_:)`` with
/// the reason, so a grant such as `Bash(git` (a re-tokenized `Bash(git diff *)`) can be reported.
///
/// Specifier kinds follow the spec's rule grammar:
/// - `Bash(…)` and `PowerShell(…)`: a command pattern. `*` matches any run of characters (spaces
///   included); the legacy suffix `:*` is honoured only at the very end (`npm test:*` ≡ `npm test *`);
///   a trailing ` *` also matches the bare prefix (`ls *` matches `ls` and `ls -la`, not `lsof`).
///   `Bash(run_in_background:true)`-style parameter rules are ``Kind/parameter(name:value:)``.
/// - `Read`, `Edit`, `Write`, `NotebookEdit`, `MultiEdit`, `Glob`, `Grep` (and legacy `LS`,
///   `NotebookRead`): a gitignore-style path pattern anchored at `//` (filesystem root), `~/` (home),
///   `/` (the settings source) or the working directory (`./x` or bare `x`).
/// - `WebFetch(domain:host)`: a host, exact or `*.example.com` (subdomains only, not the apex).
/// - `mcp__server`, `mcp__server__tool`, `mcp__server__*`, `mcp__*`: MCP tool names.
/// - `*`: every tool.
public struct PermissionRule: Sendable, Hashable, CustomStringConvertible, TextCodable {
    // MARK: - Nested values

    /// What the specifier of a rule says.
    public enum Kind: Sendable, Hashable {
        /// The rule `*`: every tool.
        case allTools
        /// A bare tool name such as `Bash` or `Read`: every call of that tool.
        case tool
        /// A Bash or PowerShell command pattern, normalized: whitespace runs collapsed, a final legacy
        /// `:*` rewritten as ` *`.
        case command(String)
        /// A path pattern for a file tool.
        case path(PathPattern)
        /// `WebFetch(domain:…)`: the host pattern, lowercased (`*` is every host).
        case domain(String)
        /// An MCP tool name: the server (`*` for `mcp__*`) and the tool glob, if one is named.
        case mcp(server: String, tool: String?)
        /// A parameter rule such as `Bash(run_in_background:true)` or `Agent(model:opus)`.
        case parameter(name: String, value: String)
        /// Any other specifier (`Agent(Explore)`, `Skill(name *)`, …), kept as given.
        case other(String)
        /// Text that is not a well-formed rule, with the reason.
        case invalid(String)
    }

    /// Where a path pattern is anchored.
    enum PathAnchor: String, Sendable, Hashable, Codable {
        /// `//path`: the filesystem root.
        case filesystemRoot
        /// `~/path`: the home directory.
        case home
        /// `/path`: the settings source (project root for `.claude/settings.json`, the original working
        /// directory for command-line flags).
        case settingsSource
        /// `path` or `./path`: the current working directory.
        case workingDirectory
    }

    /// A path pattern with its anchor.
    public struct PathPattern: Sendable, Hashable {
        /// Where the pattern is anchored.
        var anchor: PathAnchor
        /// The pattern after the anchor prefix (`src/**` for `./src/**`; empty for `~`).
        public var pattern: String
        /// The specifier as written.
        var raw: String

        /// Parses a path specifier.
        /// - Parameter raw: The text inside the parentheses, e.g. `//etc/**` or `src/**`.
        public init(_ raw: String) {
            self.raw = raw
            if raw.hasPrefix("//") {
                anchor = .filesystemRoot
                pattern = String(raw.dropFirst(2))
            } else if raw == "~" || raw.hasPrefix("~/") {
                anchor = .home
                pattern = String(raw.dropFirst(raw == "~" ? 1 : 2))
            } else if raw.hasPrefix("/") {
                anchor = .settingsSource
                pattern = String(raw.dropFirst())
            } else if raw == "." || raw.hasPrefix("./") {
                anchor = .workingDirectory
                pattern = String(raw.dropFirst(raw == "." ? 1 : 2))
            } else {
                anchor = .workingDirectory
                pattern = raw
            }
        }

        /// True for a bare name without `/` (such as `.env`), which matches at any depth.
        var matchesAtAnyDepth: Bool {
            anchor == .workingDirectory && !raw.hasPrefix("./") && raw != "."
                && !Self.trimmingTrailingSlashes(pattern).contains("/")
        }

        static func trimmingTrailingSlashes(_ text: String) -> String {
            var result = Substring(text)
            while result.hasSuffix("/") { result = result.dropLast() }
            return String(result)
        }
    }

    /// The directories path patterns are resolved against. Unknown directories stay symbolic:
    /// then rules with different anchors are never proven to cover each other, and are assumed to meet.
    public struct PathContext: Sendable, Hashable {
        /// The agent's working directory (absolute).
        var workingDirectory: String?
        /// The home directory (absolute).
        var home: String?
        /// The directory `/path` rules are anchored to (absolute): the project root for project settings,
        /// the original working directory for command-line rules.
        var settingsSource: String?

        /// Creates a context.
        /// - Parameters:
        ///   - workingDirectory: The working directory, if known.
        ///   - home: The home directory, if known.
        ///   - settingsSource: The settings source directory, if known; defaults to the working directory.
        public init(workingDirectory: String? = nil, home: String? = nil, settingsSource: String? = nil) {
            self.workingDirectory = workingDirectory
            self.home = home
            self.settingsSource = settingsSource ?? workingDirectory
        }
    }

    /// The list a rule sits in, which changes how some patterns match.
    public enum Role: String, Sendable, Hashable {
        /// `permissions.allow` / `--allowedTools`.
        case allow
        /// `permissions.ask`.
        case ask
        /// `permissions.deny` / `--disallowedTools`.
        case deny
    }

    // MARK: - Stored properties

    /// The rule text as given, without surrounding whitespace.
    public let text: String
    /// The tool name (`Bash`, `mcp__gitlab__get_issue`, `*`, …).
    let toolName: String
    /// The text inside the parentheses, trimmed, if the rule has any.
    let specifier: String?
    /// What the specifier says.
    public let kind: Kind

    // MARK: - Tool names

    /// Built-in tool names of Claude Code v2.1.240.
    static let builtInToolNames: Set<String> = [
        "Agent", "Artifact", "AskUserQuestion", "Bash", "CronCreate", "CronDelete", "CronList", "Edit",
        "EndConversation", "EnterPlanMode", "EnterWorktree", "ExitPlanMode", "ExitWorktree", "Glob", "Grep",
        "ListAgents", "ListMcpResourcesTool", "LSP", "Monitor", "NotebookEdit", "PowerShell", "PushNotification",
        "Read", "ReadMcpResourceTool", "RemoteTrigger", "ReportFindings", "ScheduleWakeup", "SendMessage",
        "SendUserFile", "ShareOnboardingGuide", "Skill", "TaskCreate", "TaskGet", "TaskList", "TaskOutput",
        "TaskStop", "TaskUpdate", "TodoWrite", "ToolSearch", "WaitForMcpServers", "WebFetch", "WebSearch",
        "Workflow", "Write",
    ]

    /// Legacy tool names still seen in older transcripts and configurations.
    static let legacyToolNames: Set<String> = [
        "Task", "MultiEdit", "LS", "NotebookRead", "KillShell", "BashOutput", "MCPSearch", "View",
    ]

    static let commandTools: Set<String> = ["Bash", "PowerShell"]
    static let pathTools: Set<String> = ["Read", "Edit", "Write", "NotebookEdit", "MultiEdit", "Glob", "Grep", "LS", "NotebookRead"]
    /// Tools that an `Edit(…)` rule applies to.
    static let editFamily: Set<String> = ["Edit", "Write", "MultiEdit", "NotebookEdit"]
    /// Tools that a `Read(…)` rule applies to.
    static let readFamily: Set<String> = ["Read", "Glob", "Grep", "LS", "NotebookRead", "View"]
    static let commandParameters: Set<String> = ["run_in_background", "timeout", "description", "dangerouslyDisableSandbox"]
    static let agentParameters: Set<String> = ["model", "subagent_type", "run_in_background", "isolation", "name", "description"]

    // MARK: - Parsing

    /// Parses a rule. Never fails; malformed text gets the kind ``Kind/invalid(_:)``.
    /// - Parameter text: The rule, e.g. `Bash(git diff *)`, `Read`, `mcp__gitlab`.
    public init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.text = trimmed
        guard !trimmed.isEmpty else {
            toolName = ""
            specifier = nil
            kind = .invalid("empty rule")
            return
        }
        guard let open = trimmed.firstIndex(of: "(") else {
            toolName = trimmed
            specifier = nil
            kind = Self.bareKind(trimmed)
            return
        }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        toolName = name
        guard trimmed.hasSuffix(")") else {
            specifier = String(trimmed[trimmed.index(after: open)...])
            kind = .invalid(trimmed.contains(")") ? "text after the closing parenthesis" : "missing closing parenthesis")
            return
        }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            .trimmingCharacters(in: .whitespaces)
        specifier = inner
        if let problem = Self.nameProblem(name, hasSpecifier: true) {
            kind = .invalid(problem)
        } else if inner.isEmpty {
            kind = .invalid("empty parentheses")
        } else {
            kind = Self.specifiedKind(tool: name, specifier: inner)
        }
    }

    /// Splits a `--allowedTools`-style list on commas and whitespace, except inside parentheses,
    /// so `Bash(git diff *),Bash(git log *) Read` gives three rules.
    /// - Parameter list: One argument's text.
    /// - Returns: The rule texts, without empty pieces.
    @_spi(Fuzzing) public static func splitList(_ list: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var depth = 0
        for char in list {
            switch char {
            case "(":
                depth += 1
                current.append(char)
            case ")":
                depth = max(0, depth - 1)
                current.append(char)
            case ",", " ", "\t", "\n", "\r":
                if depth > 0 {
                    current.append(char)
                } else {
                    if !current.isEmpty { pieces.append(current) }
                    current = ""
                }
            default:
                current.append(char)
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private static func nameProblem(_ name: String, hasSpecifier: Bool) -> String? {
        if name.isEmpty { return "missing tool name" }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || scalar == "-" || scalar == "*" || scalar == "."
                || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        if !allowed { return "invalid tool name '\(name)'" }
        if name.contains("*") && !name.hasPrefix("mcp__") && name != "*" {
            return "a wildcard in a tool name is only accepted as '*' or in an mcp__ name"
        }
        if name == "*" && hasSpecifier { return "'*' takes no specifier" }
        return nil
    }

    private static func bareKind(_ name: String) -> Kind {
        if let problem = nameProblem(name, hasSpecifier: false) { return .invalid(problem) }
        if name == "*" { return .allTools }
        if name.hasPrefix("mcp__") { return mcpKind(name) }
        return .tool
    }

    private static func mcpKind(_ name: String) -> Kind {
        let rest = name.dropFirst(5)
        if rest.isEmpty { return .invalid("missing MCP server name") }
        if rest.hasPrefix("*") { return .mcp(server: "*", tool: nil) }
        guard let separator = rest.range(of: "__") else { return .mcp(server: String(rest), tool: nil) }
        let server = String(rest[..<separator.lowerBound])
        let tool = String(rest[separator.upperBound...])
        if server.isEmpty { return .invalid("missing MCP server name") }
        return .mcp(server: server, tool: tool.isEmpty ? nil : tool)
    }

    private static func specifiedKind(tool: String, specifier: String) -> Kind {
        if tool.hasPrefix("mcp__") { return .other(specifier) }
        if let parameter = parameterKind(tool: tool, specifier: specifier) { return parameter }
        if commandTools.contains(tool) { return .command(normalizeCommandPattern(specifier)) }
        if pathTools.contains(tool) { return .path(PathPattern(specifier)) }
        if tool == "WebFetch", specifier.hasPrefix("domain:") {
            let host = specifier.dropFirst("domain:".count).trimmingCharacters(in: .whitespaces).lowercased()
            return host.isEmpty ? .invalid("empty domain") : .domain(host)
        }
        return .other(specifier)
    }

    private static func parameterKind(tool: String, specifier: String) -> Kind? {
        guard let colon = specifier.firstIndex(of: ":") else { return nil }
        let name = String(specifier[..<colon])
        let value = String(specifier[specifier.index(after: colon)...])
        let known: Set<String>
        if commandTools.contains(tool) {
            known = commandParameters
        } else if tool == "Agent" || tool == "Task" {
            known = agentParameters
        } else {
            return nil
        }
        guard known.contains(name), value != "*" else { return nil }
        return .parameter(name: name, value: value)
    }

    /// Collapses whitespace and rewrites a final legacy `:*` as ` *`.
    static func normalizeCommandPattern(_ pattern: String) -> String {
        var collapsed = pattern.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
        if collapsed.hasSuffix(":*") {
            let prefix = collapsed.dropLast(2).trimmingCharacters(in: .whitespaces)
            collapsed = prefix.isEmpty ? "*" : prefix + " *"
        }
        return collapsed
    }

    // MARK: - Properties

    /// The rule text.
    public var description: String { text }

    /// Whether the rule is well formed.
    var isValid: Bool {
        if case .invalid = kind { return false }
        return true
    }

    /// Whether the rule names an MCP tool or server (`mcp__…`).
    @_spi(Fuzzing) public var isMCP: Bool {
        if case .mcp = kind { return true }
        return false
    }

    /// Whether the tool name is a built-in or legacy Claude Code tool, an `mcp__` name or `*`.
    var isKnownTool: Bool {
        Self.builtInToolNames.contains(toolName) || Self.legacyToolNames.contains(toolName)
            || toolName.hasPrefix("mcp__") || toolName == "*"
    }

    /// True when a path rule is one Claude Code never consults: only `Read(path)` and `Edit(path)`
    /// are checked; `Write(path)`, `NotebookEdit(path)`, `MultiEdit(path)`, `Glob(path)`, `Grep(path)`
    /// are accepted with a startup warning and have no effect (#74567).
    var isIgnoredPathRule: Bool {
        guard case .path = kind else { return false }
        return toolName != "Read" && toolName != "Edit"
    }

    /// Whether the rule is a blanket grant: one that lets the tool do (almost) anything.
    ///
    /// Blanket rules:
    /// - `*`, `mcp__*` (any MCP server);
    /// - bare `Bash`, `PowerShell`, `WebFetch`, `Read`, `Edit`, `Write`, `NotebookEdit`, `MultiEdit`
    ///   (a bare file-tool name is wider than `Edit(**)`, so it is blanket too);
    /// - `WebFetch(domain:*)`;
    /// - a path rule for those file tools whose pattern is only wildcards and `/` (`**`, `*`, `//**`,
    ///   `~/**`, `/**`);
    /// - a command pattern that is only `*`s, that starts with a wildcard (the program is not pinned,
    ///   `Bash(* --version)`), or whose program is a shell, an interpreter or a command runner
    ///   (``blanketPrograms``, versioned names such as `python3.12` included) followed only by options
    ///   before the first `*` (`Bash(sh *)`, `Bash(python -c *)`, `Bash(node:*)`, `Bash(python*)`,
    ///   `Bash(eval *)`); `Bash(python3 -m pytest *)` pins a module and is not blanket.
    var isBlanket: Bool { blanketReason != nil }

    /// Why the rule is blanket (see ``isBlanket``), or `nil` when it is not.
    var blanketReason: String? {
        switch kind {
        case .allTools:
            return "'*' allows every tool"
        case .mcp(let server, _) where server.hasPrefix("*"):
            return "'\(text)' allows every MCP server's tools"
        case .tool:
            if Self.commandTools.contains(toolName) { return "'\(toolName)' allows every command" }
            if toolName == "WebFetch" { return "'WebFetch' allows fetching from every domain" }
            if Self.blanketPathTools.contains(toolName) { return "'\(toolName)' applies to every path" }
            return nil
        case .domain(let host) where host == "*":
            return "'\(text)' allows fetching from every domain"
        case .path(let pattern) where Self.blanketPathTools.contains(toolName):
            let body = PathPattern.trimmingTrailingSlashes(pattern.pattern)
            if body.isEmpty || RuleGlob(path: body).isAllWildcards {
                return "'\(text)' applies to every path under its anchor"
            }
            return nil
        case .command(let pattern):
            return Self.commandBlanketReason(pattern, rule: text)
        default:
            return nil
        }
    }

    static let blanketPathTools: Set<String> = ["Read", "Edit", "Write", "NotebookEdit", "MultiEdit"]

    /// Programs that run arbitrary code given to them, so a wildcard after them allows any command:
    /// shells, language interpreters and command runners.
    static let blanketPrograms: Set<String> = [
        // shells
        "sh", "bash", "zsh", "dash", "ksh", "mksh", "yash", "fish", "csh", "tcsh", "ash", "busybox", "pwsh", "powershell",
        // interpreters
        "python", "pythonw", "pypy", "ipython", "node", "nodejs", "deno", "bun", "ts-node", "tsx", "perl", "ruby", "irb",
        "php", "lua", "luajit", "tclsh", "wish", "expect", "Rscript", "R", "julia", "osascript", "awk", "gawk", "mawk",
        "nawk", "jshell", "groovy",
        // runners
        "eval", "exec", "env", "xargs", "sudo", "su", "doas", "npx", "bunx", "pnpx", "uvx",
    ]

    static func commandBlanketReason(_ pattern: String, rule: String) -> String? {
        if pattern.allSatisfy({ $0 == "*" || $0 == " " }) {
            return "'\(rule)' matches every command"
        }
        let words = ShellWords.commandsLeniently(in: pattern).first ?? []
        guard let program = words.first else { return nil }
        if program.hasPrefix("*") {
            return "'\(rule)' does not pin the program (it starts with a wildcard)"
        }
        guard pattern.contains("*") else { return nil }
        let base = program.split(separator: "/").last.map(String.init) ?? program
        let interpreter: String?
        if base.contains("*") {
            let glob = RuleGlob(command: base)
            interpreter = blanketPrograms.sorted().first { glob.matches($0) }
        } else {
            let unversioned = String(base.reversed().drop(while: { $0.isNumber || $0 == "." }).reversed())
            interpreter = blanketPrograms.contains(base) ? base : (blanketPrograms.contains(unversioned) ? unversioned : nil)
        }
        guard let interpreter else { return nil }
        if base.contains("*") {
            return "'\(rule)' lets '\(interpreter)' run any code"
        }
        for word in words.dropFirst() {
            if word.contains("*") { return "'\(rule)' lets '\(interpreter)' run any code" }
            if !word.hasPrefix("-") { return nil }
        }
        return nil
    }

    // MARK: - Codable

    /// Written as its text.
    public var codingText: String { text }

    // MARK: - Matching a concrete call

    /// Whether this rule matches one concrete tool call, as Claude Code would decide it.
    ///
    /// - Bash rules match one simple command: callers split compound commands (`&& || ; | &`) first.
    ///   Leading `timeout`, `time`, `nice`, `nohup`, `stdbuf`, `command`, `builtin`, `noglob` and bare
    ///   `xargs` are stripped before matching; for ask and deny rules any leading `VAR=value` is
    ///   stripped too (allow rules only match past them when the command matches as written).
    /// - Path rules: only `Read(…)` and `Edit(…)` are consulted. `Edit(…)` applies to every edit tool;
    ///   `Read(…)` applies to Read, Glob, Grep (and legacy LS/NotebookRead/View) and, as an ask or deny
    ///   rule, to the edit tools as well. A path matches when it or one of its parent directories
    ///   matches. In ask and deny rules a single-segment directory pattern (`src/**`) matches at any
    ///   depth. Paths and patterns are resolved with `context`; without it only relative paths can
    ///   match working-directory patterns.
    /// - `WebFetch(domain:…)` matches the URL host, case-insensitively; `*.x.com` matches subdomains only.
    /// - Parameter rules and other specifiers cannot be decided from these inputs and do not match.
    /// - Parameters:
    ///   - toolName: The tool's name in the transcript (`Bash`, `Read`, `mcp__gitlab__get_issue`, …).
    ///   - bashCommand: The command, for Bash and PowerShell calls.
    ///   - path: The file path, for file tools.
    ///   - host: The URL host, for WebFetch.
    ///   - role: The list the rule sits in.
    ///   - context: Directories used to resolve path patterns.
    /// - Returns: Whether the call matches the rule.
    @_spi(Fuzzing) public func matches(
        toolName calledTool: String,
        bashCommand: String? = nil,
        path: String? = nil,
        url host: String? = nil,
        role: Role = .allow,
        context: PathContext? = nil
    ) -> Bool {
        switch kind {
        case .invalid:
            return false
        case .allTools:
            return true
        case .mcp(let server, let tool):
            guard case .mcp(let calledServer, let calledName) = Self.mcpKind(calledTool) else { return false }
            guard RuleGlob(command: server).matches(calledServer) else { return false }
            guard let tool else { return true }
            return RuleGlob(command: tool).matches(calledName ?? "")
        default:
            break
        }
        guard appliesTo(tool: calledTool, role: role) else { return false }
        switch kind {
        case .tool:
            return true
        case .command(let pattern):
            guard let bashCommand else { return false }
            return Self.commandCandidates(bashCommand, role: role).contains { candidate in
                Self.commandGlobs(pattern).contains { $0.matches(candidate) }
            }
        case .path(let pattern):
            guard let path, toolName == "Read" || toolName == "Edit" else { return false }
            return Self.pathMatches(pattern, path: path, role: role, context: context)
        case .domain(let hostPattern):
            guard let host else { return false }
            return Self.hostMatches(pattern: hostPattern, host: host.lowercased())
        default:
            return false
        }
    }

    /// Whether a rule for this rule's tool applies to a call of `tool`.
    func appliesTo(tool: String, role: Role) -> Bool {
        let mine = Self.canonicalToolName(toolName)
        let theirs = Self.canonicalToolName(tool)
        if mine == theirs { return true }
        if mine == "Edit" && Self.editFamily.contains(theirs) { return true }
        if mine == "Read" && Self.readFamily.contains(theirs) { return true }
        if mine == "Read" && role != .allow && Self.editFamily.contains(theirs) { return true }
        return false
    }

    static func canonicalToolName(_ name: String) -> String {
        switch name {
        case "Task": return "Agent"
        case "View": return "Read"
        default: return name
        }
    }

    // MARK: - Command helpers

    /// The globs a normalized command pattern stands for: a trailing ` *` also matches the bare prefix.
    static func commandGlobs(_ pattern: String) -> [RuleGlob] {
        if pattern.hasSuffix(" *") {
            let prefix = String(pattern.dropLast(2))
            return [RuleGlob(command: prefix), RuleGlob(command: pattern)]
        }
        return [RuleGlob(command: pattern)]
    }

    /// The forms of a command a rule is compared with: as written, without the wrappers Claude Code
    /// strips, and (for ask and deny) without any leading assignments.
    static func commandCandidates(_ command: String, role: Role) -> [String] {
        let normalized = normalizeCommandPattern(command)
        var candidates = [normalized]
        let unwrapped = stripLeading(normalized, assignments: false)
        if unwrapped != normalized { candidates.append(unwrapped) }
        if role != .allow {
            let bare = stripLeading(normalized, assignments: true)
            if !candidates.contains(bare) { candidates.append(bare) }
        }
        return candidates
    }

    /// Removes leading wrappers (and, when asked, `NAME=value` words) from a command or pattern,
    /// keeping the rest of the text as written. The words come from the shell parser and the
    /// wrappers from the one wrapper table, as Claude Code sees them.
    static func stripLeading(_ command: String, assignments: Bool) -> String {
        // Most commands start with neither a wrapper nor an assignment: nothing to strip, no parse.
        let head = command.prefix { $0 != " " }
        if ShellWrappers.table[String(head)] == nil, !head.contains("="), !head.contains("/"),
           !head.contains(where: { "\"'\\$`".contains($0) }) {
            return command
        }
        let (list, _) = ShellParser.parse(command)
        guard let pipeline = list.pipelines.first, case .simple(let simple)? = pipeline.commands.first else { return command }
        if !assignments && !simple.assignments.isEmpty { return command }
        let words = simple.assignments + simple.words
        let prefix = ShellWrappers.skip(words.map(\.text), reader: .permissionRules, assignments: assignments)
        guard prefix.runsCommand, prefix.index > 0 else { return command }
        guard prefix.index < words.count else { return "" }
        let bytes = Array(command.utf8)
        return String(decoding: bytes[min(words[prefix.index].offset, bytes.count)...], as: UTF8.self)
    }

    static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        let name = word[..<equals]
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    // MARK: - Domain helpers

    static func hostMatches(pattern: String, host: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)
            return host.hasSuffix(suffix) && host.count > suffix.count
        }
        return pattern == host
    }

    // MARK: - Path helpers

    /// The absolute base of a pattern, or a symbolic one (`/\u{1}cwd/`, …) when the anchor's directory
    /// is unknown: symbolic bases are absolute-looking, so `//**` still covers them, but never equal
    /// to a real directory.
    static func base(for anchor: PathAnchor, context: PathContext?) -> String {
        func directory(_ value: String?, symbol: String) -> String {
            guard let value, value.hasPrefix("/") else { return symbol }
            let normalized = normalizePath(value)
            return normalized == "/" ? "/" : normalized + "/"
        }
        switch anchor {
        case .filesystemRoot: return "/"
        case .home: return directory(context?.home, symbol: "/\u{1}home/")
        case .settingsSource: return directory(context?.settingsSource, symbol: "/\u{1}settings/")
        case .workingDirectory: return directory(context?.workingDirectory, symbol: "/\u{1}cwd/")
        }
    }

    /// The globs a path pattern stands for, after anchoring, the any-depth rules, `**/` expansion
    /// and the "a directory pattern matches its contents" rule. `nil` when there are too many `**/`.
    static func pathGlobs(_ pattern: PathPattern, role: Role, context: PathContext?) -> [RuleGlob]? {
        var body = PathPattern.trimmingTrailingSlashes(pattern.pattern)
        if body.isEmpty { body = "**" }
        var anyDepth = pattern.matchesAtAnyDepth
        if role != .allow, pattern.anchor == .workingDirectory, isSingleSegmentDirectory(body) {
            anyDepth = true
        }
        let full = base(for: pattern.anchor, context: context) + (anyDepth ? "**/" : "") + body
        guard let expanded = expandDoubleStarSlash(full) else { return nil }
        var globs: [RuleGlob] = []
        for text in expanded {
            globs.append(RuleGlob(path: text))
            if !text.hasSuffix("/**") { globs.append(RuleGlob(path: text + "/**")) }
        }
        return globs
    }

    static func isSingleSegmentDirectory(_ body: String) -> Bool {
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = parts.first, let last = parts.last else { return false }
        let literal = !first.isEmpty && !first.contains(where: { "*?[".contains($0) })
        return literal && (last == "**" || last == "*")
    }

    /// Expands each `**/` into "nothing" or "any run ending in `/`", so `**/.env` also matches `.env`.
    static func expandDoubleStarSlash(_ text: String) -> [String]? {
        var results = [""]
        var rest = Substring(text)
        var count = 0
        while let range = rest.range(of: "**/") {
            count += 1
            if count > 4 { return nil }
            let before = rest[..<range.lowerBound]
            let atSegmentStart = before.isEmpty || before.hasSuffix("/")
            results = results.flatMap { prefix -> [String] in
                atSegmentStart ? [prefix + before, prefix + before + "**/"] : [prefix + before + "**/"]
            }
            rest = rest[range.upperBound...]
        }
        return results.map { $0 + rest }
    }

    /// Lexically normalizes a path: collapses `//`, removes `.`, resolves `..`.
    static func normalizePath(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == ".." && isAbsolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return isAbsolute ? "/" + joined : joined
    }

    static func pathMatches(_ pattern: PathPattern, path: String, role: Role, context: PathContext?) -> Bool {
        let target: String
        if path.hasPrefix("/") {
            target = normalizePath(path)
        } else if path == "~" || path.hasPrefix("~/") {
            guard let home = context?.home else { return false }
            target = normalizePath(home + "/" + path.dropFirst(1))
        } else if let cwd = context?.workingDirectory {
            target = normalizePath(cwd + "/" + path)
        } else {
            target = "/\u{1}cwd/" + normalizePath(path)
        }
        guard let globs = pathGlobs(pattern, role: role, context: context) else { return false }
        return globs.contains { $0.matches(target) }
    }
}
