/// Recursive-descent reader over the UTF-8 bytes of a TOML document; the engine behind
/// `TOMLParser.parse(_:)`.
///
/// This file holds the cursor, the document structure (statements, headers, keys, arrays,
/// inline tables) and error reporting; strings and numbers/date-times live in the
/// `TOMLReader+Strings.swift` and `TOMLReader+Scalars.swift` extensions.
struct TOMLReader {
    /// Deepest allowed nesting of arrays/inline tables, and most components in one key.
    static let maximumDepth = 128

    /// ASCII code units the reader looks for.
    enum Byte {
        static let tab: UInt8 = 0x09
        static let lineFeed: UInt8 = 0x0A
        static let carriageReturn: UInt8 = 0x0D
        static let space: UInt8 = 0x20
        static let quote: UInt8 = 0x22
        static let hash: UInt8 = 0x23
        static let apostrophe: UInt8 = 0x27
        static let plus: UInt8 = 0x2B
        static let comma: UInt8 = 0x2C
        static let minus: UInt8 = 0x2D
        static let dot: UInt8 = 0x2E
        static let zero: UInt8 = 0x30
        static let colon: UInt8 = 0x3A
        static let equals: UInt8 = 0x3D
        static let upperE: UInt8 = 0x45
        static let upperT: UInt8 = 0x54
        static let upperU: UInt8 = 0x55
        static let upperZ: UInt8 = 0x5A
        static let openBracket: UInt8 = 0x5B
        static let backslash: UInt8 = 0x5C
        static let closeBracket: UInt8 = 0x5D
        static let underscore: UInt8 = 0x5F
        static let lowerB: UInt8 = 0x62
        static let lowerE: UInt8 = 0x65
        static let lowerF: UInt8 = 0x66
        static let lowerI: UInt8 = 0x69
        static let lowerN: UInt8 = 0x6E
        static let lowerO: UInt8 = 0x6F
        static let lowerR: UInt8 = 0x72
        static let lowerT: UInt8 = 0x74
        static let lowerU: UInt8 = 0x75
        static let lowerX: UInt8 = 0x78
        static let lowerZ: UInt8 = 0x7A
        static let openBrace: UInt8 = 0x7B
        static let closeBrace: UInt8 = 0x7D
        static let delete: UInt8 = 0x7F
    }

    /// A remembered input position, so errors can point back at it.
    struct Mark {
        let offset: Int
        let line: Int
        let lineStart: Int
    }

    /// One component of a possibly dotted key, and where it was written.
    struct KeyPart {
        let name: String
        let mark: Mark
    }

    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lineStart = 0
    /// Numbers sections (table headers and inline tables) for the dotted-key rules.
    var sectionCount = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            index = 3
            lineStart = 3
        }
    }

    // MARK: - Cursor

    /// The byte under the cursor, or `nil` at the end of input.
    var current: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// The current position.
    var mark: Mark {
        Mark(offset: index, line: line, lineStart: lineStart)
    }

    /// Whether `byte` may appear in a bare key: `A-Z a-z 0-9 _ -`.
    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, Byte.underscore, Byte.minus: true
        default: false
        }
    }

    /// Control characters TOML forbids outside escapes: everything below U+0020 except tab,
    /// plus U+007F. (Line breaks are handled by callers before asking.)
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != Byte.tab) || byte == Byte.delete
    }

    /// Skips spaces and tabs.
    mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == Byte.space || byte == Byte.tab else { return }
            index += 1
        }
    }

    /// Skips a comment starting at `#`, up to but not including the line break.
    mutating func skipComment() throws(TOMLParseError) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.lineFeed || byte == Byte.carriageReturn {
                return
            }
            if Self.isForbiddenControl(byte) {
                throw error("\(Self.controlName(byte)) is not allowed in a comment")
            }
            index += 1
        }
    }

    /// Consumes an LF or CRLF line break; returns `false` if the cursor is not on one.
    mutating func consumeNewline() throws(TOMLParseError) -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case Byte.lineFeed:
            index += 1
        case Byte.carriageReturn:
            guard index + 1 < bytes.count, bytes[index + 1] == Byte.lineFeed else {
                throw error("a carriage return must be followed by a line feed")
            }
            index += 2
        default:
            return false
        }
        line += 1
        lineStart = index
        return true
    }

    /// Skips whitespace, comments and line breaks (inside arrays).
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLParseError) {
        while true {
            skipWhitespace()
            if current == Byte.hash {
                try skipComment()
            }
            guard try consumeNewline() else { return }
        }
    }

    /// Requires the rest of the line to be blank or a comment, and consumes the line break.
    mutating func finishLine(after what: String) throws(TOMLParseError) {
        skipWhitespace()
        if current == Byte.hash {
            try skipComment()
        }
        guard index < bytes.count else { return }
        guard try consumeNewline() else {
            throw error("expected a newline after \(what), found \(describe(at: index))")
        }
    }

    // MARK: - Errors

    /// An error at `mark` (default: the cursor).
    func error(_ reason: String, at mark: Mark? = nil) -> TOMLParseError {
        let position = mark ?? self.mark
        var column = 1
        var offset = position.lineStart
        let end = min(position.offset, bytes.count)
        while offset < end {
            if bytes[offset] & 0xC0 != 0x80 {
                column += 1
            }
            offset += 1
        }
        return TOMLParseError(line: position.line, column: column, reason: reason)
    }

    /// `U+001F`-style name of a control byte.
    static func controlName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "control character U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Describes the input at `offset` for error messages: `'x'`, `a newline`, ...
    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        switch byte {
        case Byte.lineFeed, Byte.carriageReturn:
            return "a newline"
        case Byte.tab:
            return "a tab"
        case 0x20..<0x7F:
            return "'\(Character(Unicode.Scalar(byte)))'"
        case 0x80...:
            var end = offset + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 {
                end += 1
            }
            return "'\(String(decoding: bytes[offset..<end], as: UTF8.self))'"
        default:
            return Self.controlName(byte)
        }
    }

    /// The error for breaking a table-definition rule with `path`, reported at `mark`.
    func conflictError(_ conflict: TOMLTableBuilder.Conflict, path: [String], at mark: Mark) -> TOMLParseError {
        let name = "'\(Self.displayKey(path))'"
        let reason = switch conflict {
        case .duplicateKey(let line):
            "duplicate key \(name) (first defined on line \(line))"
        case .tableAlreadyDefined(let line):
            "table \(name) is already defined (line \(line))"
        case .tableDefinedByDottedKeys(let line):
            "table \(name) was already defined by dotted keys (line \(line))"
        case .tableDefinedByHeader(let line):
            "cannot add to table \(name) with dotted keys: it is defined by a table header (line \(line))"
        case .inlineTableSealed(let line):
            "cannot add to \(name): inline tables cannot be extended (defined on line \(line))"
        case .notATable(let typeName, let line):
            "\(name) is already defined as \(typeName == "array" || typeName == "integer" ? "an" : "a") \(typeName) (line \(line)), not a table"
        case .staticArray(let line):
            "cannot append to \(name) with [[...]]: it is a static array (defined on line \(line))"
        case .arrayOfTables(let line):
            "\(name) is already defined as an array of tables (line \(line))"
        case .notAnArrayOfTables(let line):
            "\(name) is already defined as a table (line \(line)), not an array of tables"
        }
        return error(reason, at: mark)
    }

    /// `a.b."c d"` style rendering of a key path.
    static func displayKey(_ path: [String]) -> String {
        path.map { component in
            if !component.isEmpty, component.utf8.allSatisfy(isBareKeyByte) {
                return component
            }
            var quoted = "\""
            for scalar in component.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\u{00}"..."\u{1F}", "\u{7F}":
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }.joined(separator: ".")
    }

    // MARK: - Document

    /// Parses the whole input.
    mutating func parseDocument() throws(TOMLParseError) -> TOMLTable {
        let root = TOMLTableBuilder(origin: .root, line: 1)
        var table = root
        var tablePath: [String] = []
        var section = 0
        while true {
            skipWhitespace()
            guard let byte = current else { break }
            switch byte {
            case Byte.hash, Byte.lineFeed, Byte.carriageReturn:
                try finishLine(after: "a comment")
            case Byte.openBracket:
                (table, tablePath) = try parseTableHeader(root: root)
                sectionCount += 1
                section = sectionCount
                try finishLine(after: "the table header")
            default:
                try parseKeyValue(into: table, path: tablePath, section: section)
                try finishLine(after: "the value")
            }
        }
        return root.build()
    }

    /// Parses `[a.b]` or `[[a.b]]` and returns the table that following keys go into.
    mutating func parseTableHeader(root: TOMLTableBuilder) throws(TOMLParseError) -> (TOMLTableBuilder, [String]) {
        let start = mark
        index += 1
        let isArray = current == Byte.openBracket
        if isArray {
            index += 1
        }
        skipWhitespace()
        let keys = try parseKey()
        guard current == Byte.closeBracket else {
            throw error("expected '\(isArray ? "]]" : "]")' to close the table header, found \(describe(at: index))")
        }
        index += 1
        if isArray {
            guard current == Byte.closeBracket else {
                throw error("expected ']]' to close the array-of-tables header, found \(describe(at: index))")
            }
            index += 1
        }
        var table = root
        for (position, key) in keys.enumerated() {
            do throws(TOMLTableBuilder.Conflict) {
                if position < keys.count - 1 {
                    table = try table.headerChild(key.name, line: start.line)
                } else if isArray {
                    table = try table.appendArrayElement(key.name, line: start.line)
                } else {
                    table = try table.defineTable(key.name, line: start.line)
                }
            } catch {
                throw conflictError(error, path: keys[...position].map(\.name), at: key.mark)
            }
        }
        return (table, keys.map(\.name))
    }

    /// Parses `key = value` and stores it in `table` (whose path from the root is `path`).
    mutating func parseKeyValue(into table: TOMLTableBuilder, path: [String], section: Int) throws(TOMLParseError) {
        let start = mark
        let keys = try parseKey()
        guard current == Byte.equals else {
            throw error("expected '=' after the key, found \(describe(at: index))")
        }
        index += 1
        skipWhitespace()
        let value = try parseValue(depth: 0)
        try assign(value, to: keys, in: table, path: path, section: section, line: start.line)
    }

    /// Stores `value` under the dotted key `keys` relative to `table`.
    func assign(
        _ value: TOMLValue,
        to keys: [KeyPart],
        in table: TOMLTableBuilder,
        path: [String],
        section: Int,
        line: Int
    ) throws(TOMLParseError) {
        var target = table
        for (position, key) in keys.enumerated() {
            do throws(TOMLTableBuilder.Conflict) {
                if position < keys.count - 1 {
                    target = try target.dottedChild(key.name, line: line, section: section)
                } else {
                    try target.setValue(value, forKey: key.name, line: line)
                }
            } catch {
                throw conflictError(error, path: path + keys[...position].map(\.name), at: key.mark)
            }
        }
    }

    // MARK: - Keys

    /// Parses a simple or dotted key, and the whitespace after it.
    mutating func parseKey() throws(TOMLParseError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            let start = mark
            parts.append(KeyPart(name: try parseSimpleKey(), mark: start))
            if parts.count > Self.maximumDepth {
                throw error("key has more than \(Self.maximumDepth) dotted components", at: start)
            }
            skipWhitespace()
            guard current == Byte.dot else { return parts }
            index += 1
            skipWhitespace()
        }
    }

    /// Parses a bare, basic-quoted or literal-quoted key component.
    mutating func parseSimpleKey() throws(TOMLParseError) -> String {
        switch current {
        case Byte.quote:
            guard !startsTripleQuote(Byte.quote) else {
                throw error("a multi-line string cannot be used as a key")
            }
            return try parseString(.basic)
        case Byte.apostrophe:
            guard !startsTripleQuote(Byte.apostrophe) else {
                throw error("a multi-line string cannot be used as a key")
            }
            return try parseString(.literal)
        default:
            let start = index
            while index < bytes.count, Self.isBareKeyByte(bytes[index]) {
                index += 1
            }
            guard index > start else {
                throw error("expected a key, found \(describe(at: index))")
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    // MARK: - Values

    /// Parses any value. `depth` counts the arrays and inline tables around it.
    mutating func parseValue(depth: Int) throws(TOMLParseError) -> TOMLValue {
        guard let byte = current else {
            throw error("expected a value, found end of input")
        }
        switch byte {
        case Byte.quote:
            return .string(try parseString(startsTripleQuote(byte) ? .multilineBasic : .basic))
        case Byte.apostrophe:
            return .string(try parseString(startsTripleQuote(byte) ? .multilineLiteral : .literal))
        case Byte.lowerT, Byte.lowerF:
            return try parseBoolean()
        case Byte.openBracket:
            return try parseArray(depth: depth + 1)
        case Byte.openBrace:
            return try parseInlineTable(depth: depth + 1)
        case 0x30...0x39, Byte.plus, Byte.minus, Byte.lowerI, Byte.lowerN:
            return try parseNumberOrDateTime()
        default:
            throw error("expected a value, found \(describe(at: index))")
        }
    }

    /// Parses `true` or `false`.
    mutating func parseBoolean() throws(TOMLParseError) -> TOMLValue {
        let start = mark
        var end = index
        while end < bytes.count, Self.isBareKeyByte(bytes[end]) {
            end += 1
        }
        let word = bytes[index..<end]
        if word.elementsEqual("true".utf8) {
            index = end
            return .boolean(true)
        }
        if word.elementsEqual("false".utf8) {
            index = end
            return .boolean(false)
        }
        throw error("invalid value '\(String(decoding: word, as: UTF8.self))' (booleans are lowercase 'true' or 'false')", at: start)
    }

    /// Parses `[ value, ... ]`, which may span lines and hold comments and a trailing comma.
    mutating func parseArray(depth: Int) throws(TOMLParseError) -> TOMLValue {
        let start = mark
        guard depth <= Self.maximumDepth else {
            throw error("arrays and inline tables are nested more than \(Self.maximumDepth) levels deep", at: start)
        }
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let byte = current else {
                throw error("unterminated array: missing ']'", at: start)
            }
            if byte == Byte.closeBracket {
                index += 1
                return .array(elements)
            }
            elements.append(try parseValue(depth: depth))
            try skipWhitespaceCommentsAndNewlines()
            switch current {
            case Byte.comma:
                index += 1
            case Byte.closeBracket:
                index += 1
                return .array(elements)
            case nil:
                throw error("unterminated array: missing ']'", at: start)
            default:
                throw error("expected ',' or ']' after an array element, found \(describe(at: index))")
            }
        }
    }

    /// Parses `{ key = value, ... }` on a single line, without a trailing comma.
    mutating func parseInlineTable(depth: Int) throws(TOMLParseError) -> TOMLValue {
        let start = mark
        guard depth <= Self.maximumDepth else {
            throw error("arrays and inline tables are nested more than \(Self.maximumDepth) levels deep", at: start)
        }
        index += 1
        sectionCount += 1
        let section = sectionCount
        let table = TOMLTableBuilder(origin: .inline, line: start.line)
        skipWhitespace()
        if current == Byte.closeBrace {
            index += 1
            return .table(table.build())
        }
        while true {
            switch current {
            case nil:
                throw error("unterminated inline table: missing '}'", at: start)
            case Byte.lineFeed, Byte.carriageReturn:
                throw error("newlines are not allowed inside an inline table")
            default:
                break
            }
            let keyStart = mark
            let keys = try parseKey()
            guard current == Byte.equals else {
                throw error("expected '=' after the key, found \(describe(at: index))")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            try assign(value, to: keys, in: table, path: [], section: section, line: keyStart.line)
            skipWhitespace()
            switch current {
            case Byte.comma:
                index += 1
                skipWhitespace()
                if current == Byte.closeBrace {
                    throw error("a trailing comma is not allowed in an inline table")
                }
            case Byte.closeBrace:
                index += 1
                return .table(table.build())
            case nil:
                throw error("unterminated inline table: missing '}'", at: start)
            case Byte.lineFeed, Byte.carriageReturn:
                throw error("newlines are not allowed inside an inline table")
            default:
                throw error("expected ',' or '}' after an inline table entry, found \(describe(at: index))")
            }
        }
    }
}
