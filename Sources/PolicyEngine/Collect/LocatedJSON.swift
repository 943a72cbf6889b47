import Foundation

/// A strict JSON (RFC 8259) reader that keeps the line and column of every value, so settings
/// findings and syntax errors can point at `file:line`. Duplicate keys keep the last value, as
/// JavaScript's `JSON.parse` does. Internal to the collectors; values never leave as `Any`.
struct LocatedJSON: Sendable {
    /// A JSON value with the 1-based position where it starts.
    struct Node: Sendable {
        enum Value: Sendable {
            case object([Member])
            case array([Node])
            case string(String)
            case number(String)
            case bool(Bool)
            case null
        }

        var value: Value
        var line: Int
        var column: Int

        /// The members of an object in document order (later duplicates replace earlier ones).
        var members: [Member]? {
            if case .object(let members) = value { return members }
            return nil
        }

        /// The value of `key` in an object.
        subscript(key: String) -> Node? {
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

        var array: [Node]? {
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

    /// An object member with the position of its key.
    struct Member: Sendable {
        var key: String
        var node: Node
        var line: Int
    }

    /// A syntax error with its 1-based position.
    struct SyntaxError: Error, Sendable {
        var line: Int
        var column: Int
        var reason: String
    }

    let root: Node

    /// Parses `data` as one JSON document.
    init(data: Data) throws(SyntaxError) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(bytes: bytes, encoding: .utf8) != nil else {
            throw SyntaxError(line: 1, column: 1, reason: "the file is not valid UTF-8")
        }
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let node = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else {
            throw reader.error("unexpected \(reader.describeCurrent()) after the end of the document")
        }
        root = node
    }

    // MARK: - Reader

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var column: Int {
            // Columns count characters, not bytes: skip UTF-8 continuation bytes.
            bytes[lineStart..<min(index, bytes.count)].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        }

        func error(_ reason: String) -> SyntaxError {
            SyntaxError(line: line, column: column, reason: reason)
        }

        func describeCurrent() -> String {
            guard index < bytes.count else { return "end of file" }
            let byte = bytes[index]
            if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
            return String(format: "byte 0x%02X", byte)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D:
                    index += 1
                case 0x0A:
                    index += 1
                    line += 1
                    lineStart = index
                default:
                    return
                }
            }
        }

        mutating func readValue(depth: Int) throws(SyntaxError) -> Node {
            guard depth < 512 else { throw error("nesting deeper than 512 levels") }
            guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
            let startLine = line
            let startColumn = column
            let value: Node.Value
            switch bytes[index] {
            case UInt8(ascii: "{"): value = try readObject(depth: depth)
            case UInt8(ascii: "["): value = try readArray(depth: depth)
            case UInt8(ascii: "\""): value = .string(try readString())
            case UInt8(ascii: "t"): value = try readLiteral("true", .bool(true))
            case UInt8(ascii: "f"): value = try readLiteral("false", .bool(false))
            case UInt8(ascii: "n"): value = try readLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try readNumber())
            default: throw error("unexpected \(describeCurrent()), expected a value")
            }
            return Node(value: value, line: startLine, column: startColumn)
        }

        mutating func readLiteral(_ word: String, _ value: Node.Value) throws(SyntaxError) -> Node.Value {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw error("unexpected \(describeCurrent()), expected a value")
            }
            index += expected.count
            return value
        }

        mutating func readObject(depth: Int) throws(SyntaxError) -> Node.Value {
            index += 1
            var members: [Member] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("unexpected \(describeCurrent()), expected a string key")
                }
                let keyLine = line
                let key = try readString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("unexpected \(describeCurrent()), expected ':' after the key")
                }
                index += 1
                skipWhitespace()
                let node = try readValue(depth: depth + 1)
                members.removeAll { $0.key == key }
                members.append(Member(key: key, node: node, line: keyLine))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of file, expected ',' or '}'") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                throw error("unexpected \(describeCurrent()), expected ',' or '}'")
            }
        }

        mutating func readArray(depth: Int) throws(SyntaxError) -> Node.Value {
            index += 1
            var items: [Node] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try readValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of file, expected ',' or ']'") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                throw error("unexpected \(describeCurrent()), expected ',' or ']'")
            }
        }

        mutating func readString() throws(SyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flushRun(_ end: Int) {
                if end > runStart {
                    scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flushRun(index)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 {
                    throw error("control character inside a string (escape it)")
                }
                if byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                flushRun(index)
                index += 1
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let code = try readHex4()
                    if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        let saved = index
                        index += 2
                        let low = try readHex4()
                        if (0xDC00...0xDFFF).contains(low),
                           let scalar = Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)) {
                            scalars.append(scalar)
                        } else {
                            scalars.append("\u{FFFD}")
                            index = saved
                        }
                    } else {
                        // A lone surrogate cannot be kept in a Swift string.
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    }
                default:
                    index -= 2
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))' inside a string")
                }
                runStart = index
            }
            throw error("unterminated string")
        }

        mutating func readHex4() throws(SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count,
                  bytes[index..<(index + 4)].allSatisfy({ Unicode.Scalar($0).properties.isASCIIHexDigit }),
                  let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                throw error("invalid \\u escape (four hexadecimal digits expected)")
            }
            index += 4
            return code
        }

        mutating func readNumber() throws(SyntaxError) -> String {
            let start = index
            func digits() -> Int {
                let from = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - from
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw error("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                throw error("invalid number")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw error("invalid number: digits expected after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw error("invalid number: digits expected in the exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
