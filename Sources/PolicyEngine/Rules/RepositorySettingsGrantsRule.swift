/// Pre stage. Settings files in the repository (`.claude/settings.json`, `.claude/settings.local.json`,
/// `.mcp.json`) that widen the agent beyond the policy: allow rules, a default mode, hooks (they run
/// in `-p` with no trust prompt), `env`, `apiKeyHelper` and the other command keys (`awsAuthRefresh`,
/// `awsCredentialExport`, `otelHeadersHelper`, …), enabled plugins and marketplaces, MCP servers (and CI variables interpolated
/// into them). Files the invocation does not load (`--bare`, `--setting-sources` without `project`/
/// `local`, `--strict-mcp-config` for `.mcp.json`) are not reported, unless the command line names them
/// (`--settings FILE`, `--mcp-config FILE` inside the repository). Skills and custom commands whose front
/// matter has `allowed-tools` or `hooks` count as settings (``RepositorySkills``). Reads `Facts.repositorySettings`.
enum RepositorySettingsGrantsRule: PolicyRule {
    static let description = RuleDescription(
        id: "settings.repo-grants",
        title: "Repository settings widen what the agent may do",
        rationale: """
        Anyone who can push to a branch can commit .claude/settings.json or .mcp.json. Their hooks run \
        commands before any permission check, their allow rules add grants, and MCP servers can receive \
        CI secrets through ${VAR} interpolation. Governance must come from the pipeline, not the repository.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("no settings files", violations: 0) { try .pre("-p task --permission-mode plan") },
            RuleExample("a hook in .claude/settings.json", violations: 1) {
                try .pre("-p task", settings: [(".claude/settings.json",
                                                #"{"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"./x.sh"}]}]}}"#)])
            },
            RuleExample("an MCP server receiving a CI token", violations: 1) {
                try .pre("-p task", settings: [(".mcp.json",
                                                #"{"mcpServers":{"s":{"type":"http","url":"https://x.example","headers":{"Authorization":"Bearer ${GITLAB_TOKEN}"}}}}"#)])
            },
            RuleExample("--setting-sources user keeps project settings out", violations: 0) {
                try .pre("-p task --setting-sources user --strict-mcp-config",
                         settings: [(".claude/settings.json", #"{"permissions":{"allow":["Bash"]}}"#),
                                    (".mcp.json", #"{"mcpServers":{"s":{"command":"srv"}}}"#)])
            },
            RuleExample("a repository file given to --settings is loaded whatever --setting-sources says", violations: 1) {
                var facts = try Facts.pre("-p task --setting-sources user --settings ci/agent-settings.json",
                                          settings: [("ci/agent-settings.json", #"{"permissions":{"allow":["Bash"]}}"#)])
                facts.repositorySettings[0].loadedByCommandLine = true
                return facts
            },
            RuleExample("inline --settings with a hook, judged like the file", violations: 1) {
                try .pre(#"-p task --settings '{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"./x.sh"}]}]}}'"#)
            },
            RuleExample("--managed-settings granting Bash", violations: 1) {
                try .pre(#"-p task --managed-settings '{"permissions":{"allow":["Bash"]}}'"#)
            },
            RuleExample("an inline --mcp-config stdio server", violations: 1) {
                try .pre(#"-p task --mcp-config '{"mcpServers":{"x":{"command":"python3","args":["srv.py"]}}}'"#)
            },
            RuleExample("inline --settings that only turn hooks off", violations: 0) {
                try .pre(#"-p task --settings '{"disableAllHooks":true}'"#)
            },
            RuleExample("a repository skill whose allowed-tools grant python3", violations: 1) {
                var facts = try Facts.pre("-p /probe")
                facts.repositorySettings = [try RepositorySkills.settings(
                    of: "---\nname: probe\nallowed-tools: Bash(python3 *)\n---\nRun it.\n", path: ".claude/skills/probe/SKILL.md")!]
                return facts
            },
            RuleExample("helpers that run commands and a plugin marketplace", violations: 4) {
                try .pre("-p task", settings: [(".claude/settings.json",
                                                #"{"awsAuthRefresh":"./a.sh","awsCredentialExport":"./b.sh","otelHeadersHelper":"./c.sh","extraKnownMarketplaces":{"m":{}}}"#)])
            },
            RuleExample("--setting-sources project leaves settings.local.json out", violations: 0) {
                try .pre("-p task --setting-sources project", settings: [(".claude/settings.local.json", #"{"env":{"A":"b"}}"#)])
            },
            RuleExample("allow rules, env and apiKeyHelper", violations: 3) {
                try .pre("-p task", settings: [(".claude/settings.local.json",
                                                #"{"permissions":{"allow":["Bash"]},"env":{"A":"b"},"apiKeyHelper":"./key.sh"}"#)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        var violations: [Violation] = []
        for settings in facts.repositorySettings where settings.isLoaded(by: facts.invocation) {
            func add(_ what: String, key: String) {
                violations.append(Violation("\(settings.path) \(what)",
                                            location: .init(path: settings.path, line: settings.keyLines[key]),
                                            fingerprint: "settings.repo-grants:\(settings.path):\(key)"))
            }
            if !settings.allow.isEmpty {
                add("adds allow rules: \(settings.allow.map(\.text).joined(separator: ", "))", key: "permissions.allow")
            }
            if let mode = settings.defaultModeRaw {
                add("sets the default permission mode to '\(mode)'", key: "permissions.defaultMode")
            }
            if !settings.hooks.isEmpty {
                let events = Set(settings.hooks.map(\.event)).sorted().joined(separator: ", ")
                add("defines hooks (\(events)) that run commands without any prompt", key: "hooks")
            }
            if !settings.env.isEmpty {
                add("sets environment variables for the agent: \(settings.environmentKeys.joined(separator: ", "))", key: "env")
            }
            if settings.hasAPIKeyHelper {
                add("sets apiKeyHelper, a command run to fetch credentials", key: "apiKeyHelper")
            }
            for key in ClaudeSettings.commandRunningKeys where settings.topLevelKeys.contains(key) {
                add("sets \(key), a command Claude Code runs by itself", key: key)
            }
            for key in ["enabledPlugins", "extraKnownMarketplaces"] where settings.topLevelKeys.contains(key) {
                add("sets \(key): plugins bring their own hooks, commands, agents and MCP servers", key: key)
            }
            if !settings.additionalDirectories.isEmpty {
                add("adds working directories: \(settings.additionalDirectories.joined(separator: ", "))", key: "permissions.additionalDirectories")
            }
            for server in settings.mcpServers {
                var what = "configures MCP server '\(server.name)' (\(server.transport))"
                if server.hasInterpolation {
                    what += " and passes it \(server.interpolatedVariables.map { "${\($0)}" }.joined(separator: ", "))"
                }
                add(what, key: "mcpServers.\(server.name)")
            }
        }
        return violations
    }
}
