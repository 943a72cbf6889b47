import Foundation

/// Shared answers about a transcript's tool calls: which were refused, what a call touched, and
/// whether the policy permits it.
enum TranscriptAudit {
    /// Claude Code's built-in read-only commands, which run without any grant in every mode.
    static let readOnlyCommands: Set<String> = ["ls", "cat", "echo", "pwd", "head", "tail", "grep", "find", "wc", "which",
                                                 "diff", "stat", "du", "cd", "true", "false"]
    static let readOnlyGitSubcommands: Set<String> = ["status", "diff", "log", "show", "branch", "rev-parse", "ls-files", "blame"]

    /// Ids of calls that never ran, from the CLI's structured fields only (`ToolCall.wasRefused`): a
    /// phrase in a result is the tool's own output and proves nothing.
    static func deniedCallIDs(_ transcript: Transcript) -> Set<String> {
        Set(transcript.toolCalls.filter(\.wasRefused).map(\.id))
    }

    /// Whether the policy permits one simple command (the policy grants commands as `Bash(…)`, whatever
    /// the agent calls its shell tool).
    static func permits(command words: [String], policy: Policy) -> Bool {
        guard let program = words.first else { return true }
        if readOnlyCommands.contains(program) { return true }
        if program == "git", let subcommand = words.dropFirst().first, readOnlyGitSubcommands.contains(subcommand) { return true }
        let text = words.joined(separator: " ")
        if policy.agent.deny.contains(where: { $0.matches(toolName: "Bash", bashCommand: text, role: .deny) }) { return false }
        return policy.agent.allow.contains { $0.matches(toolName: "Bash", bashCommand: text) }
    }

    /// Whether the policy permits a call that is not a shell command.
    static func permits(_ tool: ToolMeaning, path: String?, host: String?, policy: Policy) -> Bool {
        // Bookkeeping and subagents act on nothing themselves (subagents' calls are judged one by one).
        func isFree(_ tool: ToolMeaning) -> Bool { tool.kind == .bookkeeping || tool.kind == .subagent }
        if isFree(tool) { return true }
        if tool.kind == .companion {
            return tool.serves.contains { served in
                (isFree(served) || policy.agent.allow.contains { $0.toolName == served.grantName })
                    && !policy.agent.deny.contains { $0.toolName == served.grantName && $0.specifier == nil }
            }
        }
        let name = tool.grantName
        if policy.agent.deny.contains(where: { $0.matches(toolName: name, path: path, url: host, role: .deny) }) { return false }
        return policy.agent.allow.contains { $0.matches(toolName: name, path: path, url: host) }
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
