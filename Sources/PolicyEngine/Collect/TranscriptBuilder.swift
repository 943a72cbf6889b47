import Foundation

/// Turns parsed transcript events into a `Transcript`, one event at a time.
///
/// Shared by every input form (JSON Lines, single object, array). It records a problem for
/// every event it cannot use instead of dropping it silently, and never copies event content
/// into a problem's reason.
struct TranscriptBuilder {
    private var initEvent: Transcript.InitEvent?
    private var calls: [Transcript.ToolCall] = []
    private var callIndexByID: [String: Int] = [:]
    private var resultByID: [String: Transcript.ToolResult] = [:]
    private var resultOrder: [String] = []
    private var finalResult: Transcript.FinalResult?
    private var denialKeys: Set<String> = []
    private var problems: [TranscriptProblem] = []
    /// Tool names of every `system`/`init` (a re-invoked agent writes a new one).
    private var sessionTools: Set<String> = []
    /// Calls the CLI reported, in a structured field, as never run.
    private var refusedIDs: Set<String> = []
    /// Calls a PreToolUse hook refused (`permission_decision.source: hook`).
    private var hookRefusedIDs: Set<String> = []
    /// Background tasks started and not yet notified, by task id, with the line that started them.
    private var openTasks: [String: Int] = [:]
    private var failures: [Transcript.Failure] = []
    /// The line of the last event that shows the agent at work (init, assistant, user).
    private var lastActivityLine = 0

    /// Events handed to `consume`.
    private(set) var eventCount = 0
    /// Events that were objects with a string `type`.
    private(set) var typedEventCount = 0
    /// Events whose `type` is not known.
    private(set) var unknownEventCount = 0

    /// Event types that are known and deliberately skipped.
    private static let ignoredTypes: Set<String> = ["stream_event", "rate_limit_event"]
    /// The `terminal_reason` of a run that ended normally.
    private static let completedReason = "completed"
    /// Content block types that are tool calls.
    private static let toolUseTypes: Set<String> = ["tool_use", "server_tool_use", "mcp_tool_use"]
    /// The input fields the audit reads, by tool, and whether the tool always sends them. Claude Code
    /// writes them as strings; a call whose field is missing or of another type cannot be audited.
    private static let auditedFields: [String: [(key: String, isRequired: Bool)]] = [
        "Bash": [("command", true)], "PowerShell": [("command", true)], "Monitor": [("command", false)],
        "Read": [("file_path", true)], "Write": [("file_path", true)], "Edit": [("file_path", true)],
        "MultiEdit": [("file_path", true)], "View": [("file_path", true)],
        "NotebookEdit": [("notebook_path", true)], "NotebookRead": [("notebook_path", true)],
        "Glob": [("pattern", true), ("path", false)], "Grep": [("pattern", true), ("path", false)], "LS": [("path", false)],
        "WebFetch": [("url", true)],
    ]

    // MARK: - Input

    /// Records a problem found outside event handling (a malformed line, for example).
    mutating func add(_ problem: TranscriptProblem) {
        problems.append(problem)
    }

    /// Handles one event found at `line`.
    mutating func consume(_ event: JSONValue, line: Int) {
        eventCount += 1
        guard case .object = event else {
            add(.init(kind: .malformedLine, line: line, reason: "event is not a JSON object"))
            return
        }
        guard let type = event["type"]?.stringValue else {
            add(.init(kind: .malformedEvent, line: line, reason: "event has no string 'type'"))
            return
        }
        typedEventCount += 1
        switch type {
        case "system":
            consumeSystem(event, line: line)
        case "assistant", "user":
            lastActivityLine = line
            consumeMessage(event, type: type, line: line)
            consumeMeta(event, line: line)
        case "result":
            consumeResult(event, line: line)
        default:
            if !Self.ignoredTypes.contains(type) {
                unknownEventCount += 1
            }
        }
    }

    // MARK: - Events

    private mutating func consumeSystem(_ event: JSONValue, line: Int) {
        switch event["subtype"]?.stringValue {
        case "init":
            lastActivityLine = line
            consumeInit(event, line: line)
        case "permission_denied":
            if let id = event["tool_use_id"]?.stringValue { refusedIDs.insert(id) }
        case "task_started":
            if let task = event["task_id"]?.stringValue { openTasks[task] = line }
        case "task_notification":
            if let task = event["task_id"]?.stringValue { openTasks[task] = nil }
        default:
            break
        }
    }

    /// `tool_result_meta` on a user event: the CLI's own record of whether each call ran.
    private mutating func consumeMeta(_ event: JSONValue, line: Int) {
        if event["is_api_error_message"]?.boolValue == true {
            failures.append(.init(reason: "an API error ended the agent's turn", line: line))
        }
        guard let entries = event["tool_result_meta"]?.arrayValue else { return }
        for entry in entries {
            guard let id = entry["id"]?.stringValue else { continue }
            let decision = entry["permission_decision"]?["decision"]?.stringValue
            if entry["non_execution_kind"]?.stringValue != nil || (decision != nil && decision != "accept") {
                refusedIDs.insert(id)
                if decision == "reject" && entry["permission_decision"]?["source"]?.stringValue == "hook" { hookRefusedIDs.insert(id) }
            }
        }
    }

    private mutating func consumeInit(_ event: JSONValue, line: Int) {
        for tool in event["tools"]?.arrayValue ?? [] {
            if let name = tool.stringValue { sessionTools.insert(name) }
        }
        if let first = initEvent {
            // A repeated, identical init is harmless; one that changes what the session may do is not.
            let tools = event["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let servers = (event["mcp_servers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            if tools != first.tools || event["permissionMode"]?.stringValue != first.permissionMode
                || servers != first.mcpServers.map(\.name) {
                add(.init(kind: .multipleInitEvents, line: line,
                          reason: "a later system/init event changes the permission mode, tools or MCP servers; the first one is used"))
            }
            return
        }
        var tools: [String] = []
        if let list = event["tools"]?.arrayValue {
            tools = list.compactMap(\.stringValue)
            if tools.count != list.count {
                add(.init(kind: .malformedEvent, line: line, reason: "init event 'tools' holds a non-string entry"))
            }
        } else {
            add(.init(kind: .malformedEvent, line: line, reason: "init event has no 'tools' list"))
        }
        let permissionMode = event["permissionMode"]?.stringValue
        if permissionMode == nil {
            add(.init(kind: .malformedEvent, line: line, reason: "init event has no 'permissionMode'"))
        }
        var servers: [Transcript.MCPServer] = []
        for entry in event["mcp_servers"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue else {
                add(.init(kind: .malformedEvent, line: line, reason: "init event lists an MCP server without a name"))
                continue
            }
            servers.append(.init(name: name, status: entry["status"]?.stringValue ?? "unknown"))
        }
        initEvent = Transcript.InitEvent(
            tools: tools,
            permissionMode: permissionMode,
            claudeCodeVersion: event["claude_code_version"]?.stringValue,
            cwd: event["cwd"]?.stringValue,
            model: event["model"]?.stringValue,
            mcpServers: servers,
            sessionID: event["session_id"]?.stringValue,
            apiKeySource: event["apiKeySource"]?.stringValue,
            line: line
        )
        initEvent?.plugins = (event["plugins"]?.arrayValue ?? []).map { entry in
            entry["source"]?.stringValue ?? entry["name"]?.stringValue ?? "(unnamed)"
        }
    }

    private mutating func consumeMessage(_ event: JSONValue, type: String, line: Int) {
        // Current CLIs nest the API message under `message`; 2025-era lines may carry `content`
        // at the top level.
        let content = event["message"]?["content"] ?? event["content"]
        let parent = event["parent_tool_use_id"]?.stringValue
        switch content {
        case .array(let blocks):
            for block in blocks {
                consumeBlock(block, parent: parent, line: line)
            }
        case .string, .none:
            if content == nil, event["message"] == nil {
                add(.init(kind: .malformedEvent, line: line, reason: "\(type) event has neither 'message' nor 'content'"))
            }
        case .some:
            add(.init(kind: .malformedEvent, line: line, reason: "\(type) message content is neither a string nor a list"))
        }
    }

    private mutating func consumeBlock(_ block: JSONValue, parent: String?, line: Int) {
        guard let blockType = block["type"]?.stringValue else {
            add(.init(kind: .malformedEvent, line: line, reason: "content block has no 'type'"))
            return
        }
        if Self.toolUseTypes.contains(blockType) {
            consumeToolUse(block, parent: parent, line: line)
        } else if blockType == "tool_result" || blockType.hasSuffix("_tool_result") {
            consumeToolResult(block, line: line)
        }
    }

    private mutating func consumeToolUse(_ block: JSONValue, parent: String?, line: Int) {
        guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
            add(.init(kind: .malformedEvent, line: line, reason: "tool_use block without a string 'id' and 'name'"))
            return
        }
        let input: JSONValue
        if let given = block["input"] {
            input = given
        } else {
            input = .null
            add(.init(kind: .malformedEvent, line: line, reason: "tool_use \(Self.safe(id)) has no 'input'"))
        }
        if let fields = input.objectValue {
            for field in Self.auditedFields[name] ?? [] {
                let value = fields[field.key]
                if value == nil ? field.isRequired : value?.stringValue == nil {
                    add(.init(kind: .malformedEvent, line: line,
                              reason: "tool_use \(Self.safe(id)) (\(Self.safe(name))) has no string '\(field.key)' to audit"))
                }
            }
        } else if block["input"] != nil {
            add(.init(kind: .malformedEvent, line: line, reason: "tool_use \(Self.safe(id)) has an 'input' that is not an object"))
        }
        let call = Transcript.ToolCall(id: id, name: name, input: input, parentToolUseID: parent, line: line)
        if let existing = callIndexByID[id] {
            let earlier = calls[existing]
            if earlier.name == name, earlier.input == input { return }
            add(.init(kind: .duplicateToolUse, line: line,
                      reason: "tool_use id \(Self.safe(id)) appears again with a different name or input"))
        } else {
            callIndexByID[id] = calls.count
        }
        calls.append(call)
    }

    private mutating func consumeToolResult(_ block: JSONValue, line: Int) {
        guard let id = block["tool_use_id"]?.stringValue else {
            add(.init(kind: .malformedEvent, line: line, reason: "tool_result block without a string 'tool_use_id'"))
            return
        }
        var text = ""
        var hasNonText = false
        switch block["content"] {
        case .string(let value):
            text = value
        case .array(let parts):
            var pieces: [String] = []
            for part in parts {
                if case .string(let value) = part {
                    pieces.append(value)
                } else if part["type"]?.stringValue == "text", let value = part["text"]?.stringValue {
                    pieces.append(value)
                } else {
                    hasNonText = true
                }
            }
            text = pieces.joined(separator: "\n")
        case .none, .null:
            break
        case .some:
            hasNonText = true
        }
        var isError = false
        switch block["is_error"] {
        case .bool(let value): isError = value
        case .none, .null: isError = false
        case .some:
            isError = true
            add(.init(kind: .malformedEvent, line: line, reason: "tool_result \(Self.safe(id)) has a non-Boolean 'is_error'"))
        }
        let result = Transcript.ToolResult(isError: isError, text: text, hasNonTextContent: hasNonText, line: line)
        if let earlier = resultByID[id] {
            if earlier.isError == isError, earlier.text == text { return }
            add(.init(kind: .duplicateToolResult, line: line,
                      reason: "tool_use id \(Self.safe(id)) got a second, different result; the first is used"))
            return
        }
        resultByID[id] = result
        resultOrder.append(id)
    }

    private mutating func consumeResult(_ event: JSONValue, line: Int) {
        var result = finalResult ?? Transcript.FinalResult()
        if finalResult != nil { result.count += 1 }
        result.line = line
        result.subtype = event["subtype"]?.stringValue
        result.isError = event["is_error"]?.boolValue
        if result.isError == nil {
            add(.init(kind: .malformedEvent, line: line, reason: "result event has no Boolean 'is_error'"))
        }
        result.numTurns = event["num_turns"]?.intValue
        result.terminalReason = event["terminal_reason"]?.stringValue
        if result.isError == true {
            failures.append(.init(reason: "the result has is_error true", line: line))
        }
        if let subtype = result.subtype, subtype != "success" {
            failures.append(.init(reason: "the result's subtype is \(Self.safe(subtype))", line: line))
        }
        if let reason = result.terminalReason, reason != Self.completedReason {
            failures.append(.init(reason: "the run ended with terminal_reason \(Self.safe(reason))", line: line))
        }
        result.stopReason = event["stop_reason"]?.stringValue
        result.sessionID = event["session_id"]?.stringValue
        result.totalCostUSD = event["total_cost_usd"]?.doubleValue ?? event["cost_usd"]?.doubleValue
        switch event["permission_denials"] {
        case .array(let entries):
            for entry in entries {
                guard let toolName = entry["tool_name"]?.stringValue else {
                    add(.init(kind: .malformedEvent, line: line, reason: "permission_denials entry without a string 'tool_name'"))
                    continue
                }
                let denial = Transcript.PermissionDenial(
                    toolName: toolName,
                    toolUseID: entry["tool_use_id"]?.stringValue,
                    input: entry["tool_input"] ?? .null
                )
                let key = denial.toolUseID ?? (toolName + "\u{0}" + denial.input.serialized())
                if denialKeys.insert(key).inserted {
                    result.permissionDenials.append(denial)
                }
            }
        case .none, .null:
            break
        case .some:
            add(.init(kind: .malformedEvent, line: line, reason: "result 'permission_denials' is not a list"))
        }
        finalResult = result
    }

    // MARK: - Output

    /// Joins results to calls, adds the problems only visible at the end, and builds the value.
    func finish(name: String, format: Transcript.Format) -> Transcript {
        var calls = self.calls
        var problems = self.problems
        let denied = Set(finalResult?.permissionDenials.compactMap(\.toolUseID) ?? [])
        for index in calls.indices {
            calls[index].wasRefused = refusedIDs.contains(calls[index].id) || denied.contains(calls[index].id)
                || isUnavailable(calls[index], result: resultByID[calls[index].id])
            calls[index].wasRefusedByHook = hookRefusedIDs.contains(calls[index].id)
            if let result = resultByID[calls[index].id] {
                calls[index].result = result
            } else if format != .jsonObject {
                problems.append(.init(
                    kind: .toolUseWithoutResult,
                    line: calls[index].line,
                    reason: "tool_use \(Self.safe(calls[index].id)) (\(Self.safe(calls[index].name))) has no tool_result"
                ))
            }
        }
        for id in resultOrder where callIndexByID[id] == nil {
            problems.append(.init(
                kind: .toolResultWithoutUse,
                line: resultByID[id]?.line,
                reason: "tool_result for \(Self.safe(id)) has no matching tool_use"
            ))
        }
        if format == .jsonObject {
            problems.append(.init(
                kind: .toolCallsUnavailable,
                line: nil,
                reason: "json output without --verbose holds only the result; tool calls cannot be audited"
            ))
        } else if initEvent == nil {
            problems.append(.init(kind: .initEventMissing, line: nil, reason: "no system/init event"))
        }
        for (task, line) in openTasks.sorted(by: { $0.value < $1.value }) {
            problems.append(.init(kind: .taskNotNotified, line: line,
                                  reason: "background task \(Self.safe(task)) was started and never notified as finished"))
        }
        if let result = finalResult, lastActivityLine > result.line {
            problems.append(.init(kind: .activityAfterResult, line: lastActivityLine,
                                  reason: "the agent was at work after the last result event, and no result followed"))
        }
        if finalResult == nil {
            problems.append(.init(
                kind: .resultEventMissing,
                line: nil,
                reason: "no result event: the run did not finish or the transcript is incomplete"
            ))
        }
        let ordered = problems.enumerated().sorted { left, right in
            switch (left.element.line, right.element.line) {
            case let (l?, r?) where l != r: return l < r
            case (.some, .none): return true
            case (.none, .some): return false
            default: return left.offset < right.offset
            }
        }.map(\.element)
        return Transcript(
            name: name,
            format: format,
            initEvent: initEvent,
            toolCalls: calls,
            result: finalResult,
            problems: ordered,
            eventCount: eventCount,
            unknownEventCount: unknownEventCount,
            failures: failures
        )
    }

    /// A built-in tool no `system`/`init` offered, whose call got an error: the CLI answers such a call
    /// with "No such tool available" and runs nothing. MCP tools are never taken as unavailable: a server
    /// still pending at init adds its tools later, and a failed MCP call may have acted.
    private func isUnavailable(_ call: Transcript.ToolCall, result: Transcript.ToolResult?) -> Bool {
        guard !sessionTools.isEmpty, result?.isError == true, !call.isMCP else { return false }
        let aliases: [String: String] = ["Agent": "Task", "Task": "Agent"]
        return !sessionTools.contains(call.name) && !(aliases[call.name].map(sessionTools.contains) ?? false)
    }

    /// An identifier safe to put in a message: word characters only, at most 64 of them.
    private static func safe(_ token: String) -> String {
        let kept = token.unicodeScalars.filter { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-")
        }
        let text = String(String.UnicodeScalarView(kept.prefix(64)))
        return text.isEmpty ? "<unnamed>" : text
    }
}
