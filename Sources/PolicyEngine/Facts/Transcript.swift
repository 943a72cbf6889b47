import Foundation

/// What a Claude Code run did, as read from its `--output-format stream-json --verbose`
/// transcript (or the `json` single-object or array forms).
///
/// Built by `TranscriptReader`. Everything the reader could not read is listed in `problems`;
/// a transcript with problems must not be taken as the complete story.
public struct Transcript: Sendable, Hashable {
    // MARK: - Nested types

    /// Which output form the transcript was written in.
    public enum Format: String, Sendable, Hashable {
        /// JSON Lines, one event per line (`--output-format stream-json --verbose`).
        case streamJSON = "stream-json"
        /// A single `result` object (`--output-format json` without `--verbose`); holds no tool calls.
        case jsonObject = "json"
        /// A JSON array of every message (`--output-format json --verbose`).
        case jsonArray = "json-array"
    }

    /// One MCP server as listed by the `system`/`init` event.
    public struct MCPServer: Sendable, Hashable {
        /// The server name, as used in `mcp__<name>__<tool>`.
        public var name: String
        /// `connected`, `failed`, `pending`, `needs-auth`, or another value a newer CLI sends.
        public var status: String

        /// Creates a server entry.
        /// - Parameters:
        ///   - name: the server name.
        ///   - status: the connection status.
        public init(name: String, status: String) {
            self.name = name
            self.status = status
        }
    }

    /// The `system`/`init` event: the session's tools, permission mode and versions.
    ///
    /// A field the event did not carry is `nil` (or empty for lists), never a guessed default.
    public struct InitEvent: Sendable, Hashable {
        /// The tool names available to the model (`Bash`, `Read`, `mcp__gitlab__…`).
        public var tools: [String]
        /// The permission mode the session ran in (`default`, `acceptEdits`, `bypassPermissions`, …).
        public var permissionMode: String?
        /// The CLI version, `claude_code_version`.
        public var claudeCodeVersion: String?
        /// The session's working directory.
        public var cwd: String?
        /// The model identifier.
        public var model: String?
        /// The MCP servers and their status.
        public var mcpServers: [MCPServer]
        /// The session id.
        public var sessionID: String?
        /// Where the API key came from (`ANTHROPIC_API_KEY`, `apiKeyHelper`, `none`, …).
        public var apiKeySource: String?
        /// The plugins the session loaded, by `source` (`name@marketplace`, `name@inline` for `--plugin-dir`,
        /// `name@builtin` for those shipped with the CLI).
        public var plugins: [String] = []
        /// The 1-based line of the event.
        public var line: Int

        /// Creates an init event.
        /// - Parameters:
        ///   - tools: tool names.
        ///   - permissionMode: the permission mode.
        ///   - claudeCodeVersion: the CLI version.
        ///   - cwd: the working directory.
        ///   - model: the model id.
        ///   - mcpServers: MCP servers with status.
        ///   - sessionID: the session id.
        ///   - apiKeySource: the API key source.
        ///   - line: the 1-based line of the event.
        public init(
            tools: [String] = [],
            permissionMode: String? = nil,
            claudeCodeVersion: String? = nil,
            cwd: String? = nil,
            model: String? = nil,
            mcpServers: [MCPServer] = [],
            sessionID: String? = nil,
            apiKeySource: String? = nil,
            line: Int = 1
        ) {
            self.tools = tools
            self.permissionMode = permissionMode
            self.claudeCodeVersion = claudeCodeVersion
            self.cwd = cwd
            self.model = model
            self.mcpServers = mcpServers
            self.sessionID = sessionID
            self.apiKeySource = apiKeySource
            self.line = line
        }
    }

    /// The `tool_result` a tool call received.
    public struct ToolResult: Sendable, Hashable {
        /// Whether the tool reported an error (`is_error`); denied calls have `true` here.
        public var isError: Bool
        /// The result text: the string content, or the `text` blocks joined with newlines.
        /// May hold secrets; never put it in an error message.
        public var text: String
        /// Whether the content held blocks other than text (images, documents), which `text` omits.
        public var hasNonTextContent: Bool
        /// The 1-based line where the result appeared.
        public var line: Int

        /// Creates a result.
        /// - Parameters:
        ///   - isError: the `is_error` flag.
        ///   - text: the text content.
        ///   - hasNonTextContent: whether non-text blocks were present.
        ///   - line: the 1-based line of the result.
        public init(isError: Bool, text: String, hasNonTextContent: Bool = false, line: Int) {
            self.isError = isError
            self.text = text
            self.hasNonTextContent = hasNonTextContent
            self.line = line
        }
    }

    /// One `tool_use` block: a tool the model called, with its input and, when seen, its result.
    public struct ToolCall: Sendable, Hashable {
        /// The `tool_use` id (`toolu_…`).
        public var id: String
        /// The tool name (`Bash`, `Read`, `mcp__gitlab__get_merge_request`, …).
        public var name: String
        /// The input exactly as sent by the model. May hold secrets.
        public var input: JSONValue
        /// The result, or `nil` when no `tool_result` for this id appeared.
        public var result: ToolResult?
        /// The `parent_tool_use_id` of the message: the `Agent`/`Task` call this subagent call
        /// belongs to, or `nil` on the main thread.
        public var parentToolUseID: String?
        /// The 1-based line where the call appeared.
        public var line: Int
        /// Whether the CLI says, in a structured field, that the call never ran: listed in
        /// `result.permission_denials` or `system`/`permission_denied`, refused in its
        /// `tool_result_meta` (`permission_decision.decision: reject`, a `non_execution_kind`), or a
        /// built-in tool the session does not have (not in any `system`/`init` `tools`, error result).
        /// Never inferred from result text, which the tool's own output controls.
        public var wasRefused = false
        /// Whether a PreToolUse hook refused it (`tool_result_meta` names the hook as the source): with the
        /// gate's managed hook, the live policy prevented it. Implies `wasRefused`.
        public var wasRefusedByHook = false

        /// What the call does, in the gate's words (set from `name` and `input` by the agent's vocabulary).
        public var meaning: ToolMeaning

        /// Creates a tool call.
        /// - Parameters:
        ///   - id: the `tool_use` id.
        ///   - name: the tool name.
        ///   - input: the tool input.
        ///   - result: the result, if one was seen.
        ///   - parentToolUseID: the parent `Agent` call id for subagent calls.
        ///   - line: the 1-based line of the call.
        ///   - tools: the agent's vocabulary, which says what the call means (Claude Code's by default).
        public init(
            id: String,
            name: String,
            input: JSONValue,
            result: ToolResult? = nil,
            parentToolUseID: String? = nil,
            line: Int,
            tools: any ToolVocabulary = ClaudeCodeTools()
        ) {
            self.id = id
            self.name = name
            self.input = input
            self.result = result
            self.parentToolUseID = parentToolUseID
            self.line = line
            meaning = tools.meaning(ofTool: name, input: input)
        }

        /// Whether a subagent made this call (its message had a `parent_tool_use_id`).
        public var isSubagent: Bool { parentToolUseID != nil }

        /// Whether the tool is an MCP tool (`mcp__server__tool`).
        public var isMCP: Bool { meaning.kind == .mcp }

        /// What kind of tool it is.
        public var kind: ToolKind { meaning.kind }

        /// The shell command of a `.shell` call (a `Monitor` may hold one too), else `nil`.
        public var command: String? { meaning.command }

        /// The file a file tool names, else `nil`.
        public var filePath: String? { meaning.filePath }

        /// The folder a file search names (absent means the working directory), else `nil`.
        public var path: String? { meaning.path }

        /// The pattern of a file search, else `nil`.
        public var pattern: String? { meaning.pattern }

        /// The URL a call reaches (Claude Code: `WebFetch`'s `url`, `Monitor`'s `ws.url`), else `nil`.
        public var url: String? { meaning.url }
    }

    /// One entry of the result's `permission_denials`: a call the CLI refused.
    public struct PermissionDenial: Sendable, Hashable {
        /// The tool that was denied.
        public var toolName: String
        /// The `tool_use` id of the denied call, when given.
        public var toolUseID: String?
        /// The input of the denied call (`tool_input`), `.null` when absent. May hold secrets.
        public var input: JSONValue

        /// Creates a denial.
        /// - Parameters:
        ///   - toolName: the tool name.
        ///   - toolUseID: the call id.
        ///   - input: the call input.
        public init(toolName: String, toolUseID: String?, input: JSONValue) {
            self.toolName = toolName
            self.toolUseID = toolUseID
            self.input = input
        }
    }

    /// The final `result` event.
    ///
    /// Check `subtype`, `isError` and `permissionDenials` together: an API failure can come as
    /// `subtype: "success"` with `is_error: true`, and a refused write can end with
    /// `is_error: false`. A field the event did not carry is `nil`.
    public struct FinalResult: Sendable, Hashable {
        /// `success`, `error_max_turns`, `error_during_execution`, …
        public var subtype: String?
        /// The `is_error` flag; `nil` when absent (the reader also reports a problem then).
        public var isError: Bool?
        /// The number of turns.
        public var numTurns: Int?
        /// `completed`, `max_turns`, `hook_stopped`, `budget_exhausted`, `api_error`, …
        public var terminalReason: String?
        /// The API stop reason of the last turn.
        public var stopReason: String?
        /// `total_cost_usd`, or the older `cost_usd`.
        public var totalCostUSD: Double?
        /// The session id.
        public var sessionID: String?
        /// Every call the CLI denied (the authoritative list), from all result events.
        public var permissionDenials: [PermissionDenial]
        /// The 1-based line of the (last) result event.
        public var line: Int
        /// How many `result` events the run wrote (the CLI writes one more each time it re-invokes the
        /// agent after background work finished).
        public var count = 1

        /// Creates a final result.
        /// - Parameters:
        ///   - subtype: the result subtype.
        ///   - isError: the `is_error` flag.
        ///   - numTurns: the number of turns.
        ///   - terminalReason: the terminal reason.
        ///   - stopReason: the stop reason.
        ///   - totalCostUSD: the cost in US dollars.
        ///   - sessionID: the session id.
        ///   - permissionDenials: the denied calls.
        ///   - line: the 1-based line of the event.
        public init(
            subtype: String? = nil,
            isError: Bool? = nil,
            numTurns: Int? = nil,
            terminalReason: String? = nil,
            stopReason: String? = nil,
            totalCostUSD: Double? = nil,
            sessionID: String? = nil,
            permissionDenials: [PermissionDenial] = [],
            line: Int = 1
        ) {
            self.subtype = subtype
            self.isError = isError
            self.numTurns = numTurns
            self.terminalReason = terminalReason
            self.stopReason = stopReason
            self.totalCostUSD = totalCostUSD
            self.sessionID = sessionID
            self.permissionDenials = permissionDenials
            self.line = line
        }

        /// Whether the run ended cleanly: subtype `success`, `is_error` present and `false`, and
        /// no denied calls.
        public var isCleanSuccess: Bool {
            subtype == "success" && isError == false && permissionDenials.isEmpty
        }
    }

    // MARK: - Properties

    /// The name the transcript was read under (a path or a label), for messages.
    public var name: String
    /// The output form it was written in.
    public var format: Format
    /// The `system`/`init` event, when present (the first one if there were several).
    public var initEvent: InitEvent?
    /// Every tool call, in transcript order, subagent calls included.
    public var toolCalls: [ToolCall]
    /// The final `result` event, when present.
    public var result: FinalResult?
    /// Everything that could not be read as intended. Non-empty means: do not trust this as
    /// the complete record of the run.
    public var problems: [TranscriptProblem]
    /// How many events (lines or array elements) were read.
    public var eventCount: Int
    /// How many events had a `type` this reader does not know; they are skipped, as the
    /// stream-json contract requires, but counted.
    public var unknownEventCount: Int
    /// Why the run counts as failed, as the CLI reported it (an error result, a non-`completed`
    /// `terminal_reason`, an API-error message), each with its line. Empty for a successful run.
    public var failures: [Failure] = []

    /// A sign, written by the CLI, that the run failed.
    public struct Failure: Sendable, Hashable {
        /// What was seen, in words (field names and the CLI's own codes, never free text).
        public var reason: String
        /// The 1-based line of the event.
        public var line: Int

        public init(reason: String, line: Int) {
            self.reason = reason
            self.line = line
        }
    }

    /// Creates a transcript.
    /// - Parameters:
    ///   - name: the name it was read under.
    ///   - format: the output form.
    ///   - initEvent: the init event.
    ///   - toolCalls: the tool calls in order.
    ///   - result: the final result.
    ///   - problems: what could not be read.
    ///   - eventCount: the number of events read.
    ///   - unknownEventCount: the number of events of unknown type.
    public init(
        name: String,
        format: Format = .streamJSON,
        initEvent: InitEvent? = nil,
        toolCalls: [ToolCall] = [],
        result: FinalResult? = nil,
        problems: [TranscriptProblem] = [],
        eventCount: Int = 0,
        unknownEventCount: Int = 0,
        failures: [Failure] = []
    ) {
        self.name = name
        self.format = format
        self.initEvent = initEvent
        self.toolCalls = toolCalls
        self.result = result
        self.problems = problems
        self.eventCount = eventCount
        self.unknownEventCount = unknownEventCount
        self.failures = failures
    }

    // MARK: - Conveniences

    /// Whether the transcript was read without any problem and ends with a result event.
    public var isComplete: Bool { problems.isEmpty && result != nil }

    /// The tool call with the given id, if any.
    /// - Parameter id: a `tool_use` id.
    /// - Returns: the first call with that id.
    public func toolCall(id: String) -> ToolCall? {
        toolCalls.first { $0.id == id }
    }
}
