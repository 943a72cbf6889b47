extension TOMLReader {
    /// Whether the cursor is on three `delimiter` bytes (`"""` or `'''`).
    func startsTripleQuote(_ delimiter: UInt8) -> Bool {
        index + 2 < bytes.count && bytes[index] == delimiter
            && bytes[index + 1] == delimiter && bytes[index + 2] == delimiter
    }

    /// TOML's four string kinds, which differ only in delimiter, escapes and whether they span lines.
    enum StringKind {
        case basic, multilineBasic, literal, multilineLiteral

        var delimiter: UInt8 { isLiteral ? Byte.apostrophe : Byte.quote }
        var isLiteral: Bool { self == .literal || self == .multilineLiteral }
        var isMultiline: Bool { self == .multilineBasic || self == .multilineLiteral }

        /// The message for input that ends (or, for a one-line kind, a line that ends) before the closing delimiter.
        func unterminated(atLineEnd: Bool) -> String {
            let lineEnd = atLineEnd ? " before the end of the line" : ""
            switch self {
            case .basic: return "unterminated string: missing closing '\"'" + lineEnd
            case .multilineBasic: return "unterminated multi-line string: missing closing '\"\"\"'"
            case .literal: return "unterminated literal string: missing closing \"'\"" + lineEnd
            case .multilineLiteral: return "unterminated multi-line literal string: missing closing \"'''\""
            }
        }

        func forbiddenControl(_ name: String) -> String {
            isLiteral ? "\(name) is not allowed in a literal string" : "\(name) must be escaped in a string"
        }
    }

    /// Parses a string of `kind`; the cursor is on the opening delimiter.
    mutating func parseString(_ kind: StringKind) throws(TOMLParseError) -> String {
        let start = mark
        if kind.isMultiline {
            index += 3
            _ = try consumeNewline()
        } else {
            index += 1
        }
        var runStart = index
        var buffer: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case kind.delimiter:
                guard kind.isMultiline else {
                    let value = finishString(&buffer, bytes[runStart..<index])
                    index += 1
                    return value
                }
                if let end = try closingDelimiter(kind.delimiter) {
                    return finishString(&buffer, bytes[runStart..<end])
                }
            case Byte.backslash where !kind.isLiteral:
                buffer.append(contentsOf: bytes[runStart..<index])
                let lineContinues = kind.isMultiline ? try skipLineEndingBackslash() : false
                if !lineContinues {
                    try parseEscape(into: &buffer)
                }
                runStart = index
            case Byte.lineFeed, Byte.carriageReturn:
                guard kind.isMultiline else { throw error(kind.unterminated(atLineEnd: true), at: start) }
                if byte == Byte.lineFeed {
                    index += 1
                    line += 1
                    lineStart = index
                } else {
                    // CRLF inside a multi-line string is a line feed in the value.
                    buffer.append(contentsOf: bytes[runStart..<index])
                    buffer.append(Byte.lineFeed)
                    _ = try consumeNewline()
                    runStart = index
                }
            default:
                if Self.isForbiddenControl(byte) {
                    throw error(kind.forbiddenControl(Self.controlName(byte)))
                }
                index += 1
            }
        }
        throw error(kind.unterminated(atLineEnd: false), at: start)
    }

    /// The string made of the decoded prefix in `buffer` (escapes, normalized line breaks)
    /// followed by the raw `tail`; decodes `tail` directly when nothing was buffered.
    private func finishString(_ buffer: inout [UInt8], _ tail: ArraySlice<UInt8>) -> String {
        if buffer.isEmpty {
            return String(decoding: tail, as: UTF8.self)
        }
        buffer.append(contentsOf: tail)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// On a run of `delimiter` bytes inside a multi-line string: if the run closes the string,
    /// consumes it and returns where the content ends (up to two delimiters before the closing
    /// three belong to the content); otherwise skips the run as content and returns `nil`.
    private mutating func closingDelimiter(_ delimiter: UInt8) throws(TOMLParseError) -> Int? {
        var run = 1
        while index + run < bytes.count, bytes[index + run] == delimiter {
            run += 1
        }
        guard run >= 3 else {
            index += run
            return nil
        }
        guard run <= 5 else {
            index += 5
            throw error("too many consecutive quotes: at most two may precede the closing delimiter")
        }
        let end = index + run - 3
        index += run
        return end
    }

    /// In a multi-line basic string, on a backslash: if only whitespace follows it on the line,
    /// skips the line break and all whitespace and line breaks after it, returning `true`.
    private mutating func skipLineEndingBackslash() throws(TOMLParseError) -> Bool {
        var probe = index + 1
        while probe < bytes.count, bytes[probe] == Byte.space || bytes[probe] == Byte.tab {
            probe += 1
        }
        guard probe < bytes.count,
              bytes[probe] == Byte.lineFeed || bytes[probe] == Byte.carriageReturn
        else { return false }
        index = probe
        while true {
            skipWhitespace()
            guard try consumeNewline() else { return true }
        }
    }

    /// Decodes the escape sequence at the cursor (a backslash) and appends its UTF-8 bytes.
    private mutating func parseEscape(into buffer: inout [UInt8]) throws(TOMLParseError) {
        let start = mark
        guard index + 1 < bytes.count else {
            throw error("incomplete escape sequence at end of input", at: start)
        }
        let code = bytes[index + 1]
        index += 2
        switch code {
        case Byte.lowerB: buffer.append(0x08)
        case Byte.lowerT: buffer.append(Byte.tab)
        case Byte.lowerN: buffer.append(Byte.lineFeed)
        case Byte.lowerF: buffer.append(0x0C)
        case Byte.lowerR: buffer.append(Byte.carriageReturn)
        case Byte.quote: buffer.append(Byte.quote)
        case Byte.backslash: buffer.append(Byte.backslash)
        case Byte.lowerU: try appendUnicodeEscape(digits: 4, start: start, into: &buffer)
        case Byte.upperU: try appendUnicodeEscape(digits: 8, start: start, into: &buffer)
        case Byte.lineFeed, Byte.carriageReturn:
            throw error("invalid escape sequence: a backslash at the end of a line is only allowed in multi-line basic strings", at: start)
        default:
            if (0x21..<0x7F).contains(code) {
                throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(code)))'", at: start)
            }
            throw error("invalid escape sequence: a backslash followed by \(describe(at: start.offset + 1))", at: start)
        }
    }

    /// Decodes the hex digits of `\uXXXX` (`digits` = 4) or `\UXXXXXXXX` (8).
    private mutating func appendUnicodeEscape(digits: Int, start: Mark, into buffer: inout [UInt8]) throws(TOMLParseError) {
        let letter = digits == 4 ? "u" : "U"
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard index < bytes.count, let digit = Self.hexDigitValue(bytes[index]) else {
                throw error("invalid escape sequence: '\\\(letter)' must be followed by \(digits) hexadecimal digits", at: start)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            let hex = String(value, radix: 16, uppercase: true)
            throw error("invalid escape sequence: U+\(hex) is not a Unicode scalar value", at: start)
        }
        buffer.append(contentsOf: scalar.utf8)
    }

    /// The value of a hexadecimal digit byte, or `nil`.
    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
