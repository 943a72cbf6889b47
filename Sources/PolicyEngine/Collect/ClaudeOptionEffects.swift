/// What each option of the pinned CLI does to the agent's reach, as far as the gate is concerned.
///
/// Written by hand, unlike ``ClaudeArgumentParser/optionTable``: an option is either judged (a rule reads
/// it), or inert (it changes output, model, prompt or limits, never what the agent may run or where), or
/// else unjudged. Unjudged is the default, so an option a new CLI release adds is reported by
/// `ci.widening-option` until someone classifies it here or the policy lists it in `agent.extra_options`.
extension ClaudeArgumentParser {
    /// Options a rule of the gate reads and judges.
    static let judgedOptions: Set<String> = [
        "-p", "--print", "--verbose", "--dangerously-skip-permissions", "--allow-dangerously-skip-permissions",
        "--strict-mcp-config", "--bare", "-v", "--version", "-h", "--help", "-d", "--debug", "-d2e", "--debug-to-stderr",
        "--debug-file", "--permission-mode", "--inherit-permission-mode", "--output-format", "--max-turns", "--model",
        "--settings", "--managed-settings", "--setting-sources", "--allowedTools", "--allowed-tools",
        "--disallowedTools", "--disallowed-tools", "--tools", "--mcp-config",
        // Judged by ci.widening-option itself: outside the checkout, and the agents' hooks, MCP servers and mode.
        "--add-dir", "--agents", "--agent",
    ]

    /// Options that leave what the agent may run, read, write or reach unchanged: output shape, model and
    /// thinking, prompts, budgets, session bookkeeping, and options that only take reach away.
    static let inertOptions: Set<String> = [
        "--include-hook-events", "--include-partial-messages",
        "--replay-user-messages", "--json-schema", "--no-session-persistence", "--session-id", "-n", "--name",
        "--effort", "--thinking", "--thinking-display", "--max-thinking-tokens", "--fallback-model", "--betas",
        "--advisor", "--allow-other-models", "--include-unsupported-models", "--fast-mode", "--autocompact",
        "--max-budget-usd", "--task-budget", "--system-prompt", "--system-prompt-file", "--append-system-prompt",
        "--append-system-prompt-file", "--append-subagent-system-prompt", "--append-subagent-system-prompt-file",
        "--system-prompt-snapshot", "--exclude-dynamic-system-prompt-sections", "--prompt-suggestions",
        "--forward-subagent-text", "--brief", "--ax-screen-reader", "--correlation-id", "--metadata",
        // Options that take reach away.
        "--permission-prompts", "--disable-slash-commands", "--no-chrome", "--restricted", "--safe-mode",
    ]

    /// Whether the gate judges or can ignore `name`; `false` for an option whose effect it does not know.
    static func isJudgedOrInert(_ name: String) -> Bool {
        judgedOptions.contains(name) || inertOptions.contains(name)
    }
}

extension ClaudeArgumentParser.Arity {
    /// How a message names the arity.
    var spelling: String {
        switch self {
        case .flag: return "no value"
        case .value: return "one value"
        case .optionalValue: return "an optional value"
        case .variadic: return "one or more values"
        case .optionalVariadic: return "optional values"
        }
    }
}
