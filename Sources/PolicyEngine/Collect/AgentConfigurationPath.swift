import Foundation

/// Which of Claude Code's configuration files a path written by a job's script is: settings, MCP
/// servers, memory (`CLAUDE.md`), a subagent, or something else it loads (commands, skills, the
/// whole `~/.claude` folder).
enum AgentConfigurationPath {
    enum Kind: Equatable {
        case settings(ClaudeSettings.Scope)
        case mcp(ClaudeSettings.Scope)
        case memory
        case subagent
        case other
    }

    /// The kind of `target`, or `nil` when Claude Code does not read it as configuration.
    /// - Parameters:
    ///   - target: The path as the script names it (`~/.claude/settings.json`, `$HOME/.claude.json`,
    ///     `.mcp.json`, `/builds/x/.claude/agents/a.md`).
    ///   - checkout: The checkout, which `$CI_PROJECT_DIR` expands to.
    static func classify(_ target: String, checkout: String) -> Kind? {
        var path = target
        for home in ["~", "$HOME", "${HOME}", "$CLAUDE_CONFIG_DIR", "${CLAUDE_CONFIG_DIR}"] where path == home || path.hasPrefix(home + "/") {
            // `$CLAUDE_CONFIG_DIR` stands for `~/.claude`.
            path = (home.contains("CLAUDE") ? "~/.claude" : "~") + path.dropFirst(home.count)
        }
        if path.hasPrefix(checkout + "/") { path = String(path.dropFirst(checkout.count + 1)) }
        let parts = path.split(separator: "/").map(String.init).filter { $0 != "." }
        let inHome = path.hasPrefix("~") || path.hasPrefix("/root") || path.hasPrefix("/home/")
        guard let name = parts.last else { return nil }
        if path.hasPrefix("/etc/claude-code") {
            return name == "managed-mcp.json" ? .mcp(.managed) : name.hasSuffix(".json") ? .settings(.managed) : .other
        }
        if ["~", "/root"].contains(path) || (path.hasPrefix("/home/") && parts.count == 2) { return .other }
        if name == ".claude.json" { return .mcp(.userMCP) }
        if name == ".mcp.json" { return .mcp(.projectMCP) }
        if ["CLAUDE.md", "CLAUDE.local.md"].contains(name) { return .memory }
        guard let folder = parts.lastIndex(of: ".claude") else { return nil }
        let inside = parts[(folder + 1)...]
        switch inside.first {
        case nil: return .other
        // The login a job restores from a CI variable: a credential, not configuration.
        case ".credentials.json" where inside.count == 1 && inHome: return nil
        case "settings.json" where inside.count == 1: return .settings(inHome ? .user : .project)
        case "settings.local.json" where inside.count == 1: return .settings(inHome ? .user : .local)
        case "agents" where name.hasSuffix(".md") && inside.count == 2: return .subagent
        case "rules" where name.hasSuffix(".md"): return .memory
        default: return .other
        }
    }

    /// Whether `target` names the same file as `named` (a `--settings` or `--mcp-config` path).
    static func same(_ target: String, _ named: String, checkout: String) -> Bool {
        func normal(_ path: String) -> String {
            let full = path.hasPrefix("/") ? path : checkout + "/" + path
            return URL(fileURLWithPath: full).standardizedFileURL.path
        }
        return !named.isEmpty && normal(target) == normal(named)
    }
}
