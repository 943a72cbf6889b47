import Foundation

/// Claude Code, the first agent: its command line (`ClaudeArgumentParser`), its settings files
/// (`ClaudeSettings`), its transcript (`TranscriptReader`) and its tools (`ClaudeCodeTools`).
public struct ClaudeCode: AgentAdapter {
    /// Creates the adapter.
    public init() {}

    public var packageID: String { ClaudeArgumentParser.packageName }

    public var tools: any ToolVocabulary { ClaudeCodeTools() }

    public var programName: String { "claude" }

    public func readInvocation(_ argv: [String], source: String, repository: String,
                               extraOptions: [String: ClaudeArgumentParser.Arity]) throws -> AgentCommandLine {
        var invocation = try ClaudeArgumentParser.parse(argv, source: source, extraOptions: extraOptions)
        if let command = Self.configurationCommand(invocation) {
            throw PreStageCollector.CollectError(description: "\(source): '\(command)' changes the agent's configuration where the gate "
                                                 + "cannot read it; it cannot tell what that grants")
        }
        // Inline JSON that Claude Code would read must at least be readable: a value the gate cannot
        // parse could grant anything. Files the command line names inside the repository are read
        // like the repository's settings; other files are the pipeline's, read by Claude Code.
        try CommandLineSettings.foldInline(into: &invocation, source: source)
        var settings = try CommandLineSettings.repositoryFiles(named: invocation, repository: repository)
        settings += try CommandLineSettings.inlineSettings(of: invocation, source: source)
        try CommandLineSettings.readAgents(into: &invocation, source: source, repository: repository)
        invocation.addDirsLeavingCheckout = CommandLineSettings.directoriesLeaving(invocation.addDirs, repository: repository)
        return AgentCommandLine(invocation: invocation, settings: settings)
    }

    /// `claude mcp add …`, `claude config set …`, `claude plugin install …`: a subcommand that writes
    /// MCP servers, settings or plugins for the sessions that follow. Returns its first words.
    private static func configurationCommand(_ invocation: AgentInvocation) -> String? {
        guard let subcommand = invocation.subcommand else { return nil }
        let words = invocation.arguments.filter { !$0.hasPrefix("-") }
        let action = words.dropFirst().first ?? ""
        let writes: Bool
        switch subcommand {
        case "mcp": writes = action.hasPrefix("add")
        case "config": writes = ["set", "add"].contains(action)
        case "plugin": writes = ["install", "i", "enable", "marketplace", "update"].contains(action)
        default: writes = false
        }
        return writes ? "claude \(subcommand) \(action)" : nil
    }

    /// Reads `.claude/settings.json`, `.claude/settings.local.json`, `.mcp.json` and the checkout's skills.
    public func readSettings(repository: String) throws -> [AgentSettings] {
        var found: [ClaudeSettings] = []
        for relative in [".claude/settings.json", ".claude/settings.local.json", ".mcp.json"] {
            let full = repository + "/" + relative
            guard FileManager.default.fileExists(atPath: full) else {
                // A symbolic link that leads nowhere (or loops) may point at a file that appears later in the job.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) != nil {
                    throw PreStageCollector.CollectError(description: "\(relative): a symbolic link that leads nowhere; the gate cannot tell what it grants")
                }
                continue
            }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw PreStageCollector.CollectError(description: "\(relative): cannot read the file")
            }
            do {
                if relative == ".mcp.json" {
                    var settings = ClaudeSettings(path: relative)
                    settings.mcpServers = try ClaudeSettings.decodeMCPServers(data, path: relative)
                    found.append(settings)
                } else {
                    found.append(try ClaudeSettings.decode(data, path: relative))
                }
            } catch {
                throw PreStageCollector.CollectError(description: String(describing: error))
            }
        }
        return found + (try RepositorySkills.read(repository: repository))
    }

    public func readTranscript(path: String) throws -> Transcript {
        try TranscriptReader.read(path: path)
    }
}

/// Claude Code's built-in tools and the input fields the rules read (spec section 10).
public struct ClaudeCodeTools: ToolVocabulary {
    /// Creates the vocabulary.
    public init() {}

    public func meaning(ofTool tool: String, input: JSONValue) -> ToolMeaning {
        func string(_ key: String) -> String? { input[key]?.stringValue }
        switch tool {
        case "Bash", "PowerShell":
            return ToolMeaning(kind: .shell, grantName: tool, command: string("command"))
        case "Monitor":
            // A Monitor call runs a command or watches a URL.
            return ToolMeaning(kind: string("command") == nil ? .webFetch : .shell, grantName: tool, command: string("command"),
                               url: input["ws"]?["url"]?.stringValue)
        case "Read", "View":
            return ToolMeaning(kind: .fileRead, grantName: tool, filePath: string("file_path"))
        case "NotebookRead":
            return ToolMeaning(kind: .fileRead, grantName: tool, filePath: string("notebook_path"))
        case "Write", "Edit", "MultiEdit":
            return ToolMeaning(kind: .fileWrite, grantName: tool, filePath: string("file_path"))
        case "NotebookEdit":
            return ToolMeaning(kind: .fileWrite, grantName: tool, filePath: string("notebook_path"))
        case "Glob":
            return ToolMeaning(kind: .fileSearch, grantName: tool, path: string("path"), pattern: string("pattern"), patternIsPathGlob: true)
        case "Grep":
            return ToolMeaning(kind: .fileSearch, grantName: tool, path: string("path"), pattern: string("pattern"))
        case "LS":
            return ToolMeaning(kind: .fileSearch, grantName: tool, path: string("path"))
        case "WebFetch":
            return ToolMeaning(kind: .webFetch, grantName: tool, url: string("url"))
        case "WebSearch":
            return ToolMeaning(kind: .webSearch, grantName: tool)
        case "Task", "Agent":
            return ToolMeaning(kind: .subagent, grantName: tool)
        case "TodoWrite", "TaskCreate", "TaskUpdate", "TaskList", "TaskGet", "ExitPlanMode",
             // The CLI's own machinery: `ToolSearch` (and the older `MCPSearch`) only load the schema of a
             // deferred tool, which is judged when it is called.
             "ToolSearch", "MCPSearch", "WaitForMcpServers":
            return ToolMeaning(kind: .bookkeeping, grantName: tool)
        case "BashOutput", "KillShell", "KillBash":
            return ToolMeaning(kind: .companion, grantName: tool, serves: served(["Bash"]))
        case "TaskOutput", "TaskStop":
            return ToolMeaning(kind: .companion, grantName: tool, serves: served(["Bash", "Agent", "Task"]))
        case "SendMessage", "ListAgents":
            return ToolMeaning(kind: .companion, grantName: tool, serves: served(["Agent", "Task"]))
        default:
            return ToolMeaning(kind: tool.hasPrefix("mcp__") ? .mcp : .other, grantName: tool)
        }
    }

    private func served(_ tools: [String]) -> [ToolMeaning] {
        tools.map { meaning(ofTool: $0, input: .null) }
    }
}
