import Foundation

/// Shared answers about a transcript's tool calls: which were refused, what a call touched, and
/// whether the policy permits it.
enum TranscriptAudit {
    /// Tools that only organise the agent's own work; subagents' calls are audited one by one.
    static let bookkeepingTools: Set<String> = ["TodoWrite", "TaskCreate", "TaskUpdate", "TaskList", "TaskGet", "ExitPlanMode",
                                                "Task", "Agent"]
    /// The CLI's own machinery, not actions of the agent: `ToolSearch` (and the older `MCPSearch`) only
    /// load the schema of a deferred tool (WebFetch, WebSearch, NotebookEdit, Monitor, MCP tools); the
    /// tool loaded is judged when it is called.
    static let internalTools: Set<String> = ["ToolSearch", "MCPSearch", "WaitForMcpServers"]
    /// Companions that only read or stop what another tool started, judged by the tools they serve:
    /// permitted when the policy permits one of them.
    static let companions: [String: [String]] = [
        "BashOutput": ["Bash"], "KillShell": ["Bash"], "KillBash": ["Bash"],
        "TaskOutput": ["Bash", "Agent", "Task"], "TaskStop": ["Bash", "Agent", "Task"],
        "SendMessage": ["Agent", "Task"], "ListAgents": ["Agent", "Task"],
    ]

    /// Claude Code's built-in read-only commands, which run without any grant in every mode.
    static let readOnlyCommands: Set<String> = ["ls", "cat", "echo", "pwd", "head", "tail", "grep", "find", "wc", "which",
                                                 "diff", "stat", "du", "cd", "true", "false"]
    static let readOnlyGitSubcommands: Set<String> = ["status", "diff", "log", "show", "branch", "rev-parse", "ls-files", "blame"]

    /// Ids of calls that never ran, from the CLI's structured fields only (`ToolCall.wasRefused`): a
    /// phrase in a result is the tool's own output and proves nothing.
    static func deniedCallIDs(_ transcript: Transcript) -> Set<String> {
        Set(transcript.toolCalls.filter(\.wasRefused).map(\.id))
    }

    /// Whether the policy permits one simple command.
    static func permits(command words: [String], policy: Policy) -> Bool {
        guard let program = words.first else { return true }
        if readOnlyCommands.contains(program) { return true }
        if program == "git", let subcommand = words.dropFirst().first, readOnlyGitSubcommands.contains(subcommand) { return true }
        let text = words.joined(separator: " ")
        if policy.agent.deny.contains(where: { $0.matches(toolName: "Bash", bashCommand: text, role: .deny) }) { return false }
        return policy.agent.allow.contains { $0.matches(toolName: "Bash", bashCommand: text) }
    }

    /// Whether the policy permits a non-Bash call.
    static func permits(tool: String, path: String?, host: String?, policy: Policy) -> Bool {
        if bookkeepingTools.contains(tool) || internalTools.contains(tool) { return true }
        if let served = companions[tool] {
            return served.contains { name in
                (bookkeepingTools.contains(name) || policy.agent.allow.contains { $0.toolName == name })
                    && !policy.agent.deny.contains { $0.toolName == name && $0.specifier == nil }
            }
        }
        if policy.agent.deny.contains(where: { $0.matches(toolName: tool, path: path, url: host, role: .deny) }) { return false }
        return policy.agent.allow.contains { $0.matches(toolName: tool, path: path, url: host) }
    }

    /// The host of a URL.
    static func host(of url: String?) -> String? {
        guard let url, let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? String(authority)
        return hostPort.split(separator: ":").first.map { String($0).lowercased() }
    }
}
