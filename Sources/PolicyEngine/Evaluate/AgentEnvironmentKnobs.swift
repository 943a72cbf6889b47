/// Environment variables that change what claude is, where it connects, which credentials and
/// settings it uses, or what its Bash tool and Node.js runtime load. Names come from Claude Code's
/// documentation and the strings of the 2.1.332 binary.
enum AgentEnvironmentKnobs {
    /// Families of names (compared without regard to case: `http_proxy`, `npm_config_registry`).
    static let prefixes = [
        "ANTHROPIC_", "CLAUDE", "MCP_", "OTEL_", "NODE_", "NPM_CONFIG_", "BUN_", "AWS_", "GOOGLE_", "GCLOUD_", "CLOUDSDK_",
        "CLOUD_ML_", "VERTEX_", "BASH_FUNC_", "LD_", "GIT_CONFIG", "SSL_", "XDG_",
    ]
    /// Single names.
    static let names: Set<String> = [
        // Claude's unprefixed switches that turn something on (its `DISABLE_*` ones only turn things off).
        "ENABLE_TOOL_SEARCH", "ENABLE_CLAUDEAI_MCP_SERVERS", "ENABLE_BACKGROUND_TASKS", "ENABLE_BETA_TRACING_DETAILED",
        "ENABLE_ENHANCED_TELEMETRY_BETA",
        "BASH_ENV", "BASH_XTRACEFD", "BASH_COMPAT", "BASH_LOADABLES_PATH", "BASH_MAX_OUTPUT_LENGTH", "BASH_DEFAULT_TIMEOUT_MS",
        "BASH_MAX_TIMEOUT_MS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "HOME", "ENV", "SHELL", "PATH", "DEBUG", "SHELLOPTS", "BASHOPTS",
        "PROMPT_COMMAND", "PS4", "RIPGREP_CONFIG_PATH", "USE_BUILTIN_RIPGREP", "USE_LOCAL_OAUTH", "USE_STAGING_OAUTH",
        "MAX_THINKING_TOKENS", "MAX_MCP_OUTPUT_TOKENS", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSH", "GIT_SSH_COMMAND",
        "GIT_EXEC_PATH", "GIT_DIR", "GIT_WORK_TREE", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_EDITOR",
        "GIT_SEQUENCE_EDITOR", "GIT_TEMPLATE_DIR", "GIT_PROXY_COMMAND", "PAGER", "EDITOR", "VISUAL",
    ]
    /// A switch in claude's namespace that only turns network traffic off, which CI jobs commonly set.
    static let harmless: Set<String> = ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]
    /// Names whose value is a list of directories or a program, judged by where they point rather
    /// than refused: the runner passes them on too.
    static let searchPaths: Set<String> = ["PATH", "SHELL"]

    /// Whether setting `name` configures the agent.
    static func configures(_ name: String) -> Bool {
        let upper = name.uppercased()
        guard !harmless.contains(upper) else { return false }
        return names.contains(upper) || prefixes.contains { upper.hasPrefix($0) }
    }

    /// The prefix `name` is judged by, when it is not a single name of the list.
    static func family(of name: String) -> String? {
        let upper = name.uppercased()
        guard !names.contains(upper) else { return nil }
        return prefixes.first { upper.hasPrefix($0) }
    }

    /// The entries of a `PATH` (or the `SHELL` program) that let the checkout decide which program
    /// runs: relative or empty entries, entries inside the checkout, and entries the gate cannot know
    /// (other than the inherited `$PATH`).
    static func checkoutEntries(_ value: String, name: String, checkout: String?) -> [String] {
        let entries = name == "PATH" ? value.split(separator: ":", omittingEmptySubsequences: false).map(String.init) : [value]
        return entries.filter { entry in
            if name == "PATH", ["$PATH", "${PATH}"].contains(entry) { return false }
            if entry.contains("$") || !entry.hasPrefix("/") { return true }
            let normal = entry.split(separator: "/").filter { $0 != "." }
            if normal.contains("..") { return true }
            guard let checkout, !checkout.isEmpty else { return false }
            let path = "/" + normal.joined(separator: "/")
            return path == checkout || path.hasPrefix(checkout + "/")
        }
    }
}
