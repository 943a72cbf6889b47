/// The project's one JSON (RFC 8259) reader, over UTF-8 bytes: transcripts, settings files and GitLab
/// error bodies all go through it.
///
/// It works on a byte range of a shared buffer so a JSON Lines file is parsed line by line without
/// copying; keeps the line and offset of every value (`JSONNode`), so settings findings point at
/// `file:line`; reports failures by position, never quoting the input; limits nesting depth so hostile
/// input cannot exhaust the stack; repairs invalid UTF-8 inside strings (and says so); and notices
/// duplicate object keys (the last value wins, as JavaScript's `JSON.parse` does).
struct JSONParser {
    /// Why parsing stopped. `reason` never quotes the input.
    struct Failure: Error, Sendable, Equatable {
        /// Byte offset into the buffer where the problem was found.
        var offset: Int
        /// What was wrong, in words.
        var reason: String
        /// Whether the input ended in the middle of a value (a truncated document).
        var isUnexpectedEnd: Bool
        /// 1-based line and column (in characters) of `offset`, relative to where the parser started.
        var line = 1
        var column = 1
    }

    /// Deepest array/object nesting accepted.
    static let maxDepth = 512

    private let bytes: [UInt8]
    private let end: Int
    /// Current byte offset.
    private(set) var position: Int
    /// Current 1-based line and the offset where it starts; only whitespace can hold a line feed.
    private var line = 1
    private var lineStart: Int
    /// Whether a string held invalid UTF-8 that was replaced with U+FFFD.
    private(set) var repairedInvalidUTF8 = false
    /// Whether an object repeated a key.
    private(set) var sawDuplicateKey = false

    /// Creates a parser over `bytes[start..<end]`.
    init(bytes: [UInt8], start: Int, end: Int) {
        self.bytes = bytes
        self.position = start
        self.lineStart = start
        self.end = min(end, bytes.count)
    }

    // MARK: - Entry points

    /// Parses exactly one value surrounded by optional whitespace, with positions.
    mutating func parseLocatedDocument() throws(Failure) -> JSONNode {
        skipWhitespace()
        let node = try parseValue(depth: 0)
        skipWhitespace()
        guard position == end else {
            throw failure(at: position, "unexpected \(describeByte(at: position)) after the end of the document")
        }
        return node
    }

    /// Parses exactly one value surrounded by optional whitespace.
    mutating func parseDocument() throws(Failure) -> JSONValue {
        try parseLocatedDocument().jsonValue
    }

    /// Parses a top-level array element by element, handing each element and the offset where
    /// it starts to `onElement`, so elements before a defect are kept.
    mutating func parseTopLevelArray(onElement: (JSONValue, Int) -> Void) throws(Failure) {
        skipWhitespace()
        guard position < end else { throw unexpectedEnd("expected '['") }
        guard bytes[position] == UInt8(ascii: "[") else {
            throw failure(at: position, "expected '['")
        }
        position += 1
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let element = try parseValue(depth: 1)
                onElement(element.jsonValue, element.offset)
                try expectSeparator(closing: UInt8(ascii: "]"), "expected ',' or ']' in array")
                if bytes[position - 1] == UInt8(ascii: "]") { break }
            }
        }
        skipWhitespace()
        guard position == end else {
            throw failure(at: position, "unexpected data after the JSON array")
        }
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D:
                position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = position
            default:
                return
            }
        }
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONNode {
        guard position < end else { throw unexpectedEnd("expected a value") }
        let start = position
        let startLine = line
        let value: JSONNode.Value
        switch bytes[position] {
        case UInt8(ascii: "{"): value = try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): value = try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): value = .string(try parseString())
        case UInt8(ascii: "t"): value = try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): value = try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): value = try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try parseNumber())
        default: throw failure(at: position, "unexpected \(describeByte(at: position)), expected a value")
        }
        return JSONNode(value: value, line: startLine, offset: start)
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONNode.Value {
        guard depth <= Self.maxDepth else { throw failure(at: position, "nesting deeper than \(Self.maxDepth) levels") }
        position += 1
        var members: [JSONNode.Member] = []
        var indexByKey: [String: Int] = [:]
        var replaced: Set<Int> = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < end else { throw unexpectedEnd("expected a string key") }
            guard bytes[position] == UInt8(ascii: "\"") else { throw failure(at: position, "expected a string key") }
            let keyLine = line
            let key = try parseString()
            skipWhitespace()
            guard position < end else { throw unexpectedEnd("expected ':' after the key") }
            guard bytes[position] == UInt8(ascii: ":") else { throw failure(at: position, "expected ':' after the key") }
            position += 1
            skipWhitespace()
            let node = try parseValue(depth: depth)
            if let earlier = indexByKey.updateValue(members.count, forKey: key) {
                replaced.insert(earlier)
                sawDuplicateKey = true
            }
            members.append(JSONNode.Member(key: key, node: node, line: keyLine))
            try expectSeparator(closing: UInt8(ascii: "}"), "expected ',' or '}' in object")
            if bytes[position - 1] == UInt8(ascii: "}") {
                if replaced.isEmpty { return .object(members) }
                return .object(members.indices.filter { !replaced.contains($0) }.map { members[$0] })
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONNode.Value {
        guard depth <= Self.maxDepth else { throw failure(at: position, "nesting deeper than \(Self.maxDepth) levels") }
        position += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            try expectSeparator(closing: UInt8(ascii: "]"), "expected ',' or ']' in array")
            if bytes[position - 1] == UInt8(ascii: "]") { return .array(elements) }
        }
    }

    /// Consumes the `,` or `closing` after a container element; the caller checks which it was.
    private mutating func expectSeparator(closing: UInt8, _ expectation: String) throws(Failure) {
        skipWhitespace()
        guard position < end else { throw unexpectedEnd(expectation) }
        guard bytes[position] == closing || bytes[position] == UInt8(ascii: ",") else {
            throw failure(at: position, expectation)
        }
        position += 1
    }

    private mutating func parseLiteral(_ literal: String, _ value: JSONNode.Value) throws(Failure) -> JSONNode.Value {
        let start = position
        for expected in literal.utf8 {
            guard position < end else { throw unexpectedEnd() }
            guard bytes[position] == expected else { throw failure(at: start, "invalid literal, expected a value") }
            position += 1
        }
        return value
    }

    // MARK: - Numbers

    /// The number's text, checked against the RFC 8259 grammar.
    private mutating func parseNumber() throws(Failure) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < end else { throw unexpectedEnd() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if try digits() == 0 {
            throw failure(at: position, "invalid number")
        }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard try digits() > 0 else { throw failure(at: position, "invalid number: digits expected after '.'") }
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard try digits() > 0 else { throw failure(at: position, "invalid number: digits expected in the exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Skips a run of decimal digits and returns its length; the input ending where a digit is due is a truncation.
    private mutating func digits() throws(Failure) -> Int {
        guard position < end else { throw unexpectedEnd() }
        let from = position
        while position < end, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
        return position - from
    }

    // MARK: - Strings

    private mutating func parseString() throws(Failure) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = makeString(bytes[start..<position])
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure(at: position, "control character in string (escape it)") }
            position += 1
        }
        guard position < end else { throw unexpectedEnd() }
        var buffer = Array(bytes[start..<position])
        while position < end {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return makeString(buffer[...])
            case UInt8(ascii: "\\"):
                position += 1
                guard position < end else { throw unexpectedEnd() }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw failure(at: position - 2, "invalid escape in string")
                }
            default:
                if byte < 0x20 { throw failure(at: position, "control character in string (escape it)") }
                buffer.append(byte)
                position += 1
            }
        }
        throw unexpectedEnd()
    }

    /// Reads the four hex digits after `\u` (and a following low surrogate when the first is a
    /// high surrogate). A lone surrogate becomes U+FFFD and counts as a repair.
    private mutating func parseUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            if position + 1 < end, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                let save = position
                position += 2
                let second = try parseHex4()
                if (0xDC00...0xDFFF).contains(second) {
                    let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    if let scalar = Unicode.Scalar(combined) { return scalar }
                }
                position = save
            }
            repairedInvalidUTF8 = true
            return "\u{FFFD}"
        }
        guard !(0xDC00...0xDFFF).contains(first), let scalar = Unicode.Scalar(first) else {
            repairedInvalidUTF8 = true
            return "\u{FFFD}"
        }
        return scalar
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < end else { throw unexpectedEnd() }
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure(at: position, "invalid \\u escape (four hexadecimal digits expected)")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    private mutating func makeString(_ slice: ArraySlice<UInt8>) -> String {
        if let text = String(validating: slice, as: UTF8.self) { return text }
        repairedInvalidUTF8 = true
        return String(decoding: slice, as: UTF8.self)
    }

    // MARK: - Failures

    /// A failure at `offset` on the current line; the column counts characters, not UTF-8 continuation bytes.
    private func failure(at offset: Int, _ reason: String, isUnexpectedEnd: Bool = false) -> Failure {
        let from = min(lineStart, offset)
        let column = bytes[from..<min(offset, end)].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return Failure(offset: offset, reason: reason, isUnexpectedEnd: isUnexpectedEnd, line: line, column: column)
    }

    /// `character` for printable ASCII (never quoted: the input may be a secret), else `byte 0xNN`.
    private func describeByte(at offset: Int) -> String {
        let byte = bytes[offset]
        return byte >= 0x21 && byte < 0x7F ? "character" : "byte 0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    private func unexpectedEnd(_ expectation: String? = nil) -> Failure {
        failure(at: end, "unexpected end of input" + (expectation.map { ", \($0)" } ?? ""), isUnexpectedEnd: true)
    }
}
