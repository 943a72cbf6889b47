import Foundation

/// Pre stage. Options of the claude command line that widen the session in ways the gate does not judge:
/// plugins (`--plugin-dir`, `--plugin-url`: their hooks and MCP servers run), `--permission-prompt-tool`
/// (an MCP tool approves what the permission rules would refuse), remote control and SDK hosts, and every
/// option of the pinned CLI that is neither judged by a rule nor known to be inert
/// (``ClaudeArgumentParser/isJudgedOrInert(_:)``), so a new option is reported until someone classifies it.
/// Also `--add-dir` outside the checkout, and `--agents` whose agents bring hooks or MCP servers (both run,
/// verified with 2.1.332), set a permission mode the policy does not allow, or come from a file the gate
/// cannot read (a literal path outside the repository: the job script could write it; a `$VARIABLE` left
/// unresolved is a CI/CD variable of the project, which a merge request cannot set). `agent.extra_options` lets a listed option through.
enum WideningOptionRule: PolicyRule {
    static let description = RuleDescription(
        id: "ci.widening-option",
        title: "A claude option widens the session in a way the gate does not judge",
        rationale: """
        The command line can load plugins whose hooks run before any permission check, hand permission \
        prompts to a tool that says yes, open directories outside the checkout to the file tools, or define \
        agents with their own hooks and MCP servers. None of that shows in the tool grants the other rules check.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("options the gate judges or that change nothing", violations: 0) {
                try .pre("-p task --allowedTools Read --model sonnet --effort high --output-format stream-json --verbose --add-dir src")
            },
            RuleExample("--plugin-dir loads a plugin whose hooks run", violations: 1) { try .pre("-p task --plugin-dir ./tools/plugin") },
            RuleExample("--plugin-url in the = form", violations: 1) { try .pre("-p task --plugin-url=https://x.example/p.zip") },
            RuleExample("--permission-prompt-tool answers prompts", violations: 1) { try .pre("-p task --permission-prompt-tool mcp__x__approve") },
            RuleExample("--add-dir outside the checkout", violations: 2) { try .pre("-p task --add-dir / ../other") },
            RuleExample("--agents with a hook and an MCP server", violations: 2) {
                try .pre(#"-p task --agents '{"x":{"description":"d","prompt":"p","hooks":{"Stop":[]},"mcpServers":["s"]}}'"#)
            },
            RuleExample("--agents with a forbidden mode", violations: 1) {
                try .pre(#"-p task --agents '{"x":{"description":"d","prompt":"p","permissionMode":"bypassPermissions"}}' --agent x"#)
            },
            RuleExample("--agents with a prompt and tools only", violations: 0) {
                try .pre(#"-p task --agents '{"x":{"description":"d","prompt":"p","tools":["Read"]}}' --agent x"#)
            },
            RuleExample("--agents from a file the gate cannot read", violations: 1) { try .pre("-p task --agents /tmp/agents.json") },
            RuleExample("--agents from a file-type CI/CD variable", violations: 0) {
                try .pre("-p task --agents \"$AGENTS_FILE\"")
            },
            RuleExample("an option the gate does not classify", violations: 1) { try .pre("-p task --remote-control") },
        ])

    /// Why the best-known unjudged options widen the session.
    static let reasons: [String: String] = [
        "--plugin-dir": "loads a plugin (its hooks, MCP servers, agents and skills run)",
        "--plugin-dir-no-mcp": "loads a plugin (its hooks, agents and skills run)",
        "--plugin-url": "fetches and loads a plugin (its hooks, MCP servers, agents and skills run)",
        "--permission-prompt-tool": "lets an MCP tool answer the permission prompts the rules would refuse",
        "--sdk-url": "connects the session to a remote host that can drive it",
        "--remote-control": "lets someone outside the job drive the session",
        "--rc": "lets someone outside the job drive the session",
        "--enable-auto-mode": "lets a classifier approve tool calls",
        "--channels": "lets channel servers push messages into the session",
        "--dangerously-load-development-channels": "loads development channel servers",
        "--project-config-root": "reads the project's settings from another directory than the one the gate judged",
        "--input-format": "lets stdin send control requests, such as a new permission mode",
    ]

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        let location = facts.invocationSource.map { Finding.Location(path: $0) }
        let accepted = policy.agent.extraOptions
        var violations: [Violation] = []
        func add(_ message: String, _ key: String) {
            violations.append(Violation(message, location: location, fingerprint: "ci.widening-option:\(key)"))
        }
        var seen = Set<String>()
        for name in invocation.optionNames where seen.insert(name).inserted && accepted[name] == nil {
            guard !ClaudeArgumentParser.isJudgedOrInert(name) else { continue }
            let reason = reasons[name] ?? "is an option whose effect on what the agent may do the gate does not judge"
            add("\(name) \(reason); list it in agent.extra_options to accept it", name)
        }
        if accepted["--add-dir"] == nil {
            for directory in invocation.addDirsLeavingCheckout {
                add("--add-dir '\(ClaudeArgumentParser.excerpt(directory))' is a symbolic link in the checkout that leads outside it",
                    "--add-dir:\(directory)")
            }
            for directory in invocation.addDirs where !isInside(directory, root: facts.workspaceRoot) {
                add("--add-dir '\(ClaudeArgumentParser.excerpt(directory))' opens a directory outside the checkout to the agent's file tools",
                    "--add-dir:\(directory)")
            }
        }
        for file in invocation.unreadFiles where accepted[file.option] == nil {
            add("\(file.option) '\(ClaudeArgumentParser.excerpt(file.path))' names a file outside the repository (or not there yet): "
                    + "the gate cannot judge what it grants; list \(file.option) in agent.extra_options to accept such files",
                "\(file.option):\(file.path)")
        }
        guard accepted["--agents"] == nil else { return violations }
        for agent in invocation.agentDefinitions {
            if agent.hasHooks {
                add("agent '\(agent.name)' of \(agent.source) defines hooks, which run commands when the agent runs", "agent:\(agent.name):hooks")
            }
            if agent.hasMCPServers {
                add("agent '\(agent.name)' of \(agent.source) starts MCP servers of its own", "agent:\(agent.name):mcpServers")
            }
            if let raw = agent.permissionMode {
                let mode = PermissionMode(parsing: raw)
                if mode == .bypassPermissions || !policy.agent.permissionModes.contains(mode) {
                    add("agent '\(agent.name)' of \(agent.source) runs in permission mode '\(ClaudeArgumentParser.excerpt(raw))', which the policy does not allow",
                        "agent:\(agent.name):permissionMode")
                }
            }
        }
        return violations
    }

    /// Whether an `--add-dir` value stays inside the checkout, read lexically from the checkout's root;
    /// `~` and `$VARIABLE`s cannot be told, so they are outside.
    static func isInside(_ directory: String, root: String?) -> Bool {
        guard let root, !directory.hasPrefix("~"), !directory.contains("$") else { return false }
        let base = URL(fileURLWithPath: root).standardizedFileURL.path
        let full = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: base + "/")).standardizedFileURL.path
        return full == base || full.hasPrefix(base + "/")
    }
}
