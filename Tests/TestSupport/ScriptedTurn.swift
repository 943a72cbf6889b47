import Foundation

/// One reply of the scripted Messages API (see `Tests/RealCLI/fake_messages_api.py`).
public struct Turn: Encodable, Sendable {
    public var text: String?
    public var toolUses: [ToolUse]?
    public var error: APIError?
    /// Taken only by a request whose body contains this text (a subagent's prompt, say).
    public var match: String?

    enum CodingKeys: String, CodingKey { case text, toolUses = "tool_uses", error, match }

    /// A final answer (stop_reason end_turn).
    public static func final(_ text: String = "Done.", match: String? = nil) -> Turn {
        Turn(text: text, match: match)
    }

    /// Tool calls, run by the CLI before its next request.
    public static func tools(_ uses: ToolUse..., match: String? = nil) -> Turn {
        Turn(toolUses: uses, match: match)
    }

    /// An HTTP error reply (`status` 400, 500, 529 …).
    public static func failure(_ status: Int, type: String = "invalid_request_error", message: String = "scripted failure") -> Turn {
        Turn(error: APIError(status: status, type: type, message: message))
    }

    public struct APIError: Encodable, Sendable {
        public var status: Int
        public var type: String
        public var message: String
    }
}

/// One `tool_use` block.
public struct ToolUse: Encodable, Sendable {
    public var id: String
    public var name: String
    public var input: ScriptJSON

    public init(_ name: String, id: String, _ input: [String: ScriptJSON]) {
        self.id = id
        self.name = name
        self.input = .object(input)
    }

    public static func bash(_ command: String, id: String, background: Bool = false) -> ToolUse {
        var input: [String: ScriptJSON] = ["command": .string(command), "description": "run a command"]
        if background { input["run_in_background"] = true }
        return ToolUse("Bash", id: id, input)
    }

    public static func write(_ path: String, _ content: String, id: String) -> ToolUse {
        ToolUse("Write", id: id, ["file_path": .string(path), "content": .string(content)])
    }

    public static func read(_ path: String, id: String) -> ToolUse {
        ToolUse("Read", id: id, ["file_path": .string(path)])
    }

    public static func edit(_ path: String, old: String, new: String, id: String) -> ToolUse {
        ToolUse("Edit", id: id, ["file_path": .string(path), "old_string": .string(old), "new_string": .string(new)])
    }
}

/// A JSON value written as a Swift literal, for tool inputs.
public indirect enum ScriptJSON: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case string(String), number(Int), bool(Bool), array([ScriptJSON]), object([String: ScriptJSON])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ScriptJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ScriptJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
