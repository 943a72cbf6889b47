/// A JSON value as `JSONParser` read it: object members in document order, numbers as written, and the
/// line and byte offset where the value starts, so settings findings and errors can point at `file:line`.
/// `jsonValue` is the position-free view the transcript code works with.
struct JSONNode: Sendable {
    enum Value: Sendable {
        case object([Member])
        case array([JSONNode])
        case string(String)
        /// The number's text as written (RFC 8259 grammar, checked by the parser).
        case number(String)
        case bool(Bool)
        case null
    }

    /// An object member with the line of its key.
    struct Member: Sendable {
        var key: String
        var node: JSONNode
        var line: Int
    }

    var value: Value
    /// 1-based line where the value starts (relative to where the parser started).
    var line: Int
    /// Byte offset into the parser's buffer where the value starts.
    var offset: Int

    /// The value without positions: objects as dictionaries (a repeated key keeps its last value),
    /// numbers as `Double`.
    var jsonValue: JSONValue {
        switch value {
        case .object(let members):
            var dictionary: [String: JSONValue] = [:]
            dictionary.reserveCapacity(members.count)
            for member in members { dictionary[member.key] = member.node.jsonValue }
            return .object(dictionary)
        case .array(let items): return .array(items.map(\.jsonValue))
        case .string(let text): return .string(text)
        case .number(let text): return .number(Double(text) ?? .nan)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    /// The members of an object in document order (a repeated key keeps its last value, at its last place).
    var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// The value of `key` in an object.
    subscript(key: String) -> JSONNode? {
        members?.last { $0.key == key }?.node
    }

    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    var array: [JSONNode]? {
        if case .array(let items) = value { return items }
        return nil
    }

    /// A short name of the value's JSON type, for messages.
    var typeName: String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// The text of a scalar (string, number, boolean); `nil` for objects, arrays and null.
    var scalarText: String? {
        switch value {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
