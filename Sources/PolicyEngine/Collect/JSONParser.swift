import Foundation

/// A strict RFC 8259 JSON parser over UTF-8 bytes, written for transcripts.
///
/// It works on a byte range of a shared buffer so a JSON Lines file is parsed line by line
/// without copying, reports failures by byte offset (never by content), limits nesting depth so
/// hostile input cannot exhaust the stack, repairs invalid UTF-8 inside strings (and says so),
/// and notices duplicate object keys.
struct JSONParser {
    /// Why parsing stopped. `reason` never quotes the input.
    struct Failure: Error, Sendable, Equatable {
        /// Byte offset into the buffer where the problem was found.
        var offset: Int
        /// What was wrong, in words.
        var reason: String
        /// Whether the input ended in the middle of a value (a truncated document).
        var isUnexpectedEnd: Bool
    }

    /// Deepest array/object nesting accepted.
    static let maxDepth = 512

    private let bytes: [UInt8]
    private let end: Int
    /// Current byte offset.
    private(set) var position: Int
    /// Whether a string held invalid UTF-8 that was replaced with U+FFFD.
    private(set) var repairedInvalidUTF8 = false
    /// Whether an object repeated a key.
    private(set) var sawDuplicateKey = false

    /// Creates a parser over `bytes[start..<end]`.
    init(bytes: [UInt8], start: Int, end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = min(end, bytes.count)
    }

    // MARK: - Entry points

    /// Parses exactly one value surrounded by optional whitespace.
    mutating func parseDocument() throws(Failure) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == end else {
            throw Failure(offset: position, reason: "unexpected data after the JSON value", isUnexpectedEnd: false)
        }
        return value
    }

    /// Parses a top-level array element by element, handing each element and the offset where
    /// it starts to `onElement`, so elements before a defect are kept.
    mutating func parseTopLevelArray(onElement: (JSONValue, Int) -> Void) throws(Failure) {
        skipWhitespace()
        guard position < end else { throw unexpectedEnd() }
        guard bytes[position] == UInt8(ascii: "[") else {
            throw Failure(offset: position, reason: "expected '['", isUnexpectedEnd: false)
        }
        position += 1
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let start = position
                let element = try parseValue(depth: 1)
                onElement(element, start)
                skipWhitespace()
                guard position < end else { throw unexpectedEnd() }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "]") { break }
                guard byte == UInt8(ascii: ",") else {
                    throw Failure(offset: position - 1, reason: "expected ',' or ']' in array", isUnexpectedEnd: false)
                }
            }
        }
        skipWhitespace()
        guard position == end else {
            throw Failure(offset: position, reason: "unexpected data after the JSON array", isUnexpectedEnd: false)
        }
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard position < end else { throw unexpectedEnd() }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw Failure(offset: position, reason: "unexpected character", isUnexpectedEnd: false)
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maxDepth else {
            throw Failure(offset: position, reason: "nesting deeper than \(Self.maxDepth)", isUnexpectedEnd: false)
        }
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        guard position < end else { throw unexpectedEnd() }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < end else { throw unexpectedEnd() }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw Failure(offset: position, reason: "expected a string key", isUnexpectedEnd: false)
            }
            let key = try parseString()
            skipWhitespace()
            guard position < end else { throw unexpectedEnd() }
            guard bytes[position] == UInt8(ascii: ":") else {
                throw Failure(offset: position, reason: "expected ':' after key", isUnexpectedEnd: false)
            }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if members.updateValue(value, forKey: key) != nil {
                sawDuplicateKey = true
            }
            skipWhitespace()
            guard position < end else { throw unexpectedEnd() }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "}") { return .object(members) }
            guard byte == UInt8(ascii: ",") else {
                throw Failure(offset: position - 1, reason: "expected ',' or '}' in object", isUnexpectedEnd: false)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= Self.maxDepth else {
            throw Failure(offset: position, reason: "nesting deeper than \(Self.maxDepth)", isUnexpectedEnd: false)
        }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        guard position < end else { throw unexpectedEnd() }
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < end else { throw unexpectedEnd() }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "]") { return .array(elements) }
            guard byte == UInt8(ascii: ",") else {
                throw Failure(offset: position - 1, reason: "expected ',' or ']' in array", isUnexpectedEnd: false)
            }
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(Failure) {
        let start = position
        for expected in literal.utf8 {
            guard position < end else { throw unexpectedEnd() }
            guard bytes[position] == expected else {
                throw Failure(offset: start, reason: "invalid literal", isUnexpectedEnd: false)
            }
            position += 1
        }
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(Failure) -> Double {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < end else { throw unexpectedEnd() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(bytes[position]) {
            while position < end, isDigit(bytes[position]) { position += 1 }
        } else {
            throw Failure(offset: position, reason: "invalid number", isUnexpectedEnd: false)
        }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < end else { throw unexpectedEnd() }
            guard isDigit(bytes[position]) else {
                throw Failure(offset: position, reason: "invalid number", isUnexpectedEnd: false)
            }
            while position < end, isDigit(bytes[position]) { position += 1 }
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < end else { throw unexpectedEnd() }
            guard isDigit(bytes[position]) else {
                throw Failure(offset: position, reason: "invalid number", isUnexpectedEnd: false)
            }
            while position < end, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else {
            throw Failure(offset: start, reason: "invalid number", isUnexpectedEnd: false)
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
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
            if byte < 0x20 {
                throw Failure(offset: position, reason: "control character in string", isUnexpectedEnd: false)
            }
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
                    throw Failure(offset: position - 1, reason: "invalid escape in string", isUnexpectedEnd: false)
                }
            default:
                if byte < 0x20 {
                    throw Failure(offset: position, reason: "control character in string", isUnexpectedEnd: false)
                }
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
        if (0xDC00...0xDFFF).contains(first) {
            repairedInvalidUTF8 = true
            return "\u{FFFD}"
        }
        guard let scalar = Unicode.Scalar(first) else {
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
            default:
                throw Failure(offset: position, reason: "invalid \\u escape", isUnexpectedEnd: false)
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

    private func unexpectedEnd() -> Failure {
        Failure(offset: end, reason: "unexpected end of input", isUnexpectedEnd: true)
    }
}
