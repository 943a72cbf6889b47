import Foundation

/// What one `claude` command line asks for: mode, grants, configuration sources and output, as read
/// by ``ClaudeArgumentParser`` from its argv.
///
/// Every property has a neutral default, so tests and rule examples can build a value with
/// `var invocation = AgentInvocation()` and set only what they need.
public struct AgentInvocation: Sendable, Hashable {
    // MARK: - Command line

    /// The whole argv, as given (wrappers and assignments included).
    public var argv: [String] = []
    /// Leading `NAME=value` assignments, including those given to `env`. Values may be secrets:
    /// never print them.
    public var environment: [String: String] = [:]
    /// The wrapper programs skipped before the agent (`timeout`, `env`, `nice`, …), in order.
    public var wrappers: [String] = []
    /// The words that start the agent: `["claude"]`, `["/usr/local/bin/claude"]`,
    /// `["npx", "-y", "@anthropic-ai/claude-code@2.1.240"]`.
    public var program: [String] = []
    /// The npm package specifier when the agent runs through `npx`/`bunx`/`pnpm dlx`
    /// (`@anthropic-ai/claude-code@2.1.240`).
    public var packageSpecifier: String?
    /// The arguments after the program.
    public var arguments: [String] = []
    /// A subcommand such as `mcp`, `config`, `update` or `doctor` (then no agent session runs).
    public var subcommand: String?
    /// Whether `--version`/`-v` or `--help`/`-h` was given (then no agent session runs).
    public var showsVersionOrHelp = false

    // MARK: - Session

    /// `-p` / `--print`: non-interactive mode.
    public var isPrint = false
    /// The positional prompt, if any (the prompt may also come on stdin).
    public var prompt: String?
    /// Positional arguments after the prompt, which Claude Code does not use.
    public var extraPositionals: [String] = []
    /// `--permission-mode` exactly as given (the last one when repeated).
    public var permissionModeRaw: String?
    /// `--permission-mode`, parsed.
    public var permissionMode: PermissionMode?
    /// `--dangerously-skip-permissions`.
    public var dangerouslySkipPermissions = false
    /// `--allow-dangerously-skip-permissions`.
    public var allowDangerouslySkipPermissions = false
    /// `--allowedTools` / `--allowed-tools`, every occurrence, split into rules.
    public var allowedTools: [PermissionRule] = []
    /// `--disallowedTools` / `--disallowed-tools`, every occurrence, split into rules.
    public var disallowedTools: [PermissionRule] = []
    /// `--tools`: the built-in tool set (`[]` for `--tools ""`, `["default"]` for `--tools default`);
    /// `nil` when not given.
    public var tools: [String]?
    /// `--add-dir` directories.
    public var addDirs: [String] = []
    /// `--add-dir` directories inside the checkout as written that lead outside it on disk (a symbolic
    /// link in the checkout); filled by the pre collector.
    public var addDirsLeavingCheckout: [String] = []
    /// `--mcp-config` values (file paths or JSON strings).
    public var mcpConfigs: [String] = []
    /// `--strict-mcp-config`.
    public var strictMCPConfig = false
    /// `--setting-sources`, split on commas; `nil` when not given.
    public var settingSources: [String]?
    /// `--settings` values (file paths or JSON strings), in order; Claude Code uses the last.
    public var settings: [String] = []
    /// `--bare`.
    public var isBare = false
    /// `--permission-prompt-tool`: the MCP tool that answers permission prompts.
    public var permissionPromptTool: String?
    /// `--agents` values (JSON or a file path), in order.
    public var agents: [String] = []
    /// The agents `--agents` defines, as far as the gate could read them (inline JSON, or a file in the repository).
    public var agentDefinitions: [AgentDefinition] = []
    /// Files named by `--agents` that the gate could not read (a literal path outside the repository, or not
    /// there yet), as `(option, path)`; filled by the pre collector.
    public var unreadFiles: [UnreadFile] = []
    /// `--agent`: the agent the main session runs as.
    public var agent: String?
    /// Every option given, by name as written (`--plugin-dir`, `-p`), without values, in order.
    public var optionNames: [String] = []

    // MARK: - Output and limits

    /// `--debug` / `-d` (or the deprecated `--mcp-debug`).
    public var debug = false
    /// The filter of `--debug=filter`, if one was given.
    public var debugFilter: String?
    /// `--debug-file`.
    public var debugFile: String?
    /// `--verbose`.
    public var verbose = false
    /// `--output-format` (`text`, `json`, `stream-json`).
    public var outputFormat: String?
    /// `--max-turns`, when it is an integer.
    public var maxTurns: Int?
    /// `--model`.
    public var model: String?

    // MARK: - Diagnostics

    /// Options Claude Code does not define (Claude Code would refuse to start).
    public var unknownFlags: [String] = []
    /// Things a reviewer should know, such as a variadic option that swallowed the prompt (#25978).
    public var warnings: [String] = []

    /// Creates an empty invocation; every property has its neutral default.
    public init() {}

    // MARK: - Derived facts

    /// The mode the session starts in from the command line: `bypassPermissions` when
    /// `--dangerously-skip-permissions` is given (whatever `--permission-mode` says), else
    /// `--permission-mode`; `nil` when neither is given (then settings decide).
    public var effectivePermissionMode: PermissionMode? {
        dangerouslySkipPermissions ? .bypassPermissions : permissionMode
    }

    /// Whether the command starts an agent session (no subcommand, no `--version`/`--help`).
    public var isAgentRun: Bool {
        subcommand == nil && !showsVersionOrHelp
    }

    /// Whether the session writes a debug log (`--debug` or `--debug-file`).
    public var writesDebugLog: Bool {
        debug || debugFile != nil
    }
}

/// One agent of `--agents`, reduced to what widens a session: hooks and MCP servers (code Claude Code runs
/// when the agent runs, verified with 2.1.332) and a permission mode.
public struct AgentDefinition: Sendable, Hashable {
    /// The agent's name (its key).
    public var name: String
    /// Where the definition came from (`--agents #1`, a repository path).
    public var source: String
    /// `permissionMode`, as written.
    public var permissionMode: String?
    /// Whether it has `hooks`.
    public var hasHooks: Bool
    /// Whether it has `mcpServers`.
    public var hasMCPServers: Bool

    /// Creates a definition.
    public init(name: String, source: String, permissionMode: String? = nil, hasHooks: Bool = false, hasMCPServers: Bool = false) {
        self.name = name
        self.source = source
        self.permissionMode = permissionMode
        self.hasHooks = hasHooks
        self.hasMCPServers = hasMCPServers
    }
}

/// A configuration file the command line names that the gate could not read.
public struct UnreadFile: Sendable, Hashable {
    /// The option naming it (`--settings`).
    public var option: String
    /// The path as written.
    public var path: String

    /// Creates a value.
    public init(option: String, path: String) {
        self.option = option
        self.path = path
    }
}
