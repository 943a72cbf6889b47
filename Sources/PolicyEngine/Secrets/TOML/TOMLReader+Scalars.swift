extension TOMLReader {
    /// Whether `byte` is an ASCII digit.
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    /// Bytes that can make up a number or date-time token.
    static func isScalarTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, Byte.underscore, Byte.plus, Byte.minus, Byte.dot, Byte.colon: true
        default: false
        }
    }

    /// Parses an integer, float, date-time, local date or local time.
    mutating func parseNumberOrDateTime() throws(TOMLParseError) -> TOMLValue {
        let start = mark
        let lower = index
        var upper = index
        while upper < bytes.count, Self.isScalarTokenByte(bytes[upper]) {
            upper += 1
        }
        // A date and a time may be separated by a space: `1979-05-27 07:32:00`.
        if upper - lower == 10, startsWithDate(lower, upper),
           upper + 3 < bytes.count, bytes[upper] == Byte.space,
           Self.isDigit(bytes[upper + 1]), Self.isDigit(bytes[upper + 2]), bytes[upper + 3] == Byte.colon {
            upper += 1
            while upper < bytes.count, Self.isScalarTokenByte(bytes[upper]) {
                upper += 1
            }
        }
        index = upper
        if startsWithDate(lower, upper) || startsWithTime(lower, upper) {
            try validateDateTime(lower, upper, start: start)
            return .dateTime(String(decoding: bytes[lower..<upper], as: UTF8.self))
        }
        return try parseNumber(lower, upper, start: start)
    }

    // MARK: - Numbers

    /// The token text for messages.
    private func text(_ lower: Int, _ upper: Int) -> String {
        String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// Parses the number token `bytes[lower..<upper]`.
    private func parseNumber(_ lower: Int, _ upper: Int, start: Mark) throws(TOMLParseError) -> TOMLValue {
        let sign = bytes[lower]
        let hasSign = sign == Byte.plus || sign == Byte.minus
        let negative = sign == Byte.minus
        let body = hasSign ? lower + 1 : lower
        if bytes[body..<upper].elementsEqual("inf".utf8) {
            return .float(negative ? -Double.infinity : Double.infinity)
        }
        if bytes[body..<upper].elementsEqual("nan".utf8) {
            return .float(negative ? -Double.nan : Double.nan)
        }
        if upper - body >= 2, bytes[body] == Byte.zero {
            let radix: Int64? = switch bytes[body + 1] {
            case Byte.lowerX: 16
            case Byte.lowerO: 8
            case Byte.lowerB: 2
            default: nil
            }
            if let radix {
                guard !hasSign else {
                    throw error("invalid integer '\(text(lower, upper))': hexadecimal, octal and binary integers cannot have a sign", at: start)
                }
                return .integer(try parseInteger(body + 2, upper, radix: radix, negative: false, token: (lower, upper), start: start))
            }
        }
        for offset in body..<upper {
            let byte = bytes[offset]
            if byte == Byte.dot || byte == Byte.lowerE || byte == Byte.upperE {
                return .float(try parseFloat(lower, body, upper, start: start))
            }
        }
        if upper - body > 1, bytes[body] == Byte.zero {
            throw error("invalid integer '\(text(lower, upper))': leading zeros are not allowed", at: start)
        }
        return .integer(try parseInteger(body, upper, radix: 10, negative: negative, token: (lower, upper), start: start))
    }

    /// Accumulates the digits of `bytes[lower..<upper]` in `radix`, rejecting misplaced
    /// underscores, foreign characters and values outside `Int64`.
    private func parseInteger(
        _ lower: Int,
        _ upper: Int,
        radix: Int64,
        negative: Bool,
        token: (Int, Int),
        start: Mark
    ) throws(TOMLParseError) -> Int64 {
        let kind = switch radix {
        case 16: "hexadecimal integer"
        case 8: "octal integer"
        case 2: "binary integer"
        default: "integer"
        }
        guard lower < upper else {
            throw error("invalid \(kind) '\(text(token.0, token.1))': missing digits", at: start)
        }
        var value: Int64 = 0
        var offset = lower
        while offset < upper {
            let byte = bytes[offset]
            if byte == Byte.underscore {
                guard offset > lower, bytes[offset - 1] != Byte.underscore,
                      offset + 1 < upper, bytes[offset + 1] != Byte.underscore
                else {
                    throw error("invalid \(kind) '\(text(token.0, token.1))': each underscore must be between two digits", at: start)
                }
                offset += 1
                continue
            }
            guard let digit = Self.hexDigitValue(byte), Int64(digit) < radix else {
                throw error("invalid \(kind) '\(text(token.0, token.1))': unexpected \(describe(at: offset))", at: start)
            }
            let (shifted, multiplyOverflow) = value.multipliedReportingOverflow(by: radix)
            let (next, addOverflow) = negative
                ? shifted.subtractingReportingOverflow(Int64(digit))
                : shifted.addingReportingOverflow(Int64(digit))
            guard !multiplyOverflow, !addOverflow else {
                throw error("integer '\(text(token.0, token.1))' does not fit in a 64-bit signed integer", at: start)
            }
            value = next
            offset += 1
        }
        return value
    }

    /// Validates a float token (`[sign] int [. digits] [e [sign] digits]`) and converts it.
    private func parseFloat(_ lower: Int, _ body: Int, _ upper: Int, start: Mark) throws(TOMLParseError) -> Double {
        var offset = body
        try scanDigits(&offset, upper, what: "digits before the decimal point or exponent", token: (lower, upper), start: start)
        if offset - body > 1, bytes[body] == Byte.zero {
            throw error("invalid float '\(text(lower, upper))': leading zeros are not allowed", at: start)
        }
        if offset < upper, bytes[offset] == Byte.dot {
            offset += 1
            try scanDigits(&offset, upper, what: "digits after the decimal point", token: (lower, upper), start: start)
        }
        if offset < upper, bytes[offset] == Byte.lowerE || bytes[offset] == Byte.upperE {
            offset += 1
            if offset < upper, bytes[offset] == Byte.plus || bytes[offset] == Byte.minus {
                offset += 1
            }
            try scanDigits(&offset, upper, what: "digits in the exponent", token: (lower, upper), start: start)
        }
        guard offset == upper else {
            throw error("invalid float '\(text(lower, upper))': unexpected \(describe(at: offset))", at: start)
        }
        var digits = ""
        digits.reserveCapacity(upper - lower)
        for byte in bytes[lower..<upper] where byte != Byte.underscore {
            digits.unicodeScalars.append(Unicode.Scalar(byte))
        }
        guard let value = Double(digits) else {
            throw error("invalid float '\(text(lower, upper))'", at: start)
        }
        return value
    }

    /// Skips one or more decimal digits, allowing single underscores between digits.
    private func scanDigits(
        _ offset: inout Int,
        _ upper: Int,
        what: String,
        token: (Int, Int),
        start: Mark
    ) throws(TOMLParseError) {
        let first = offset
        while offset < upper {
            let byte = bytes[offset]
            if Self.isDigit(byte) {
                offset += 1
            } else if byte == Byte.underscore, offset > first, offset + 1 < upper, Self.isDigit(bytes[offset + 1]) {
                offset += 1
            } else {
                break
            }
        }
        guard offset > first else {
            throw error("invalid float '\(text(token.0, token.1))': expected \(what)", at: start)
        }
    }

    // MARK: - Date-times

    /// Whether the token starts like a date: `YYYY-`.
    private func startsWithDate(_ lower: Int, _ upper: Int) -> Bool {
        upper - lower >= 5 && Self.isDigit(bytes[lower]) && Self.isDigit(bytes[lower + 1])
            && Self.isDigit(bytes[lower + 2]) && Self.isDigit(bytes[lower + 3]) && bytes[lower + 4] == Byte.minus
    }

    /// Whether the token starts like a time: `HH:`.
    private func startsWithTime(_ lower: Int, _ upper: Int) -> Bool {
        upper - lower >= 3 && Self.isDigit(bytes[lower]) && Self.isDigit(bytes[lower + 1]) && bytes[lower + 2] == Byte.colon
    }

    /// The value of the `count` decimal digits at `offset`, or `nil` if they are not all
    /// digits or run past `upper`.
    private func fixedDigits(at offset: Int, count: Int, upper: Int) -> Int? {
        guard offset + count <= upper else { return nil }
        var value = 0
        for position in offset..<(offset + count) {
            guard Self.isDigit(bytes[position]) else { return nil }
            value = value * 10 + Int(bytes[position] - Byte.zero)
        }
        return value
    }

    /// Validates an RFC 3339 offset date-time, local date-time, local date or local time.
    private func validateDateTime(_ lower: Int, _ upper: Int, start: Mark) throws(TOMLParseError) {
        let token = text(lower, upper)
        var offset = lower
        if startsWithDate(lower, upper) {
            guard let year = fixedDigits(at: offset, count: 4, upper: upper),
                  let month = fixedDigits(at: offset + 5, count: 2, upper: upper),
                  offset + 7 < upper, bytes[offset + 7] == Byte.minus,
                  let day = fixedDigits(at: offset + 8, count: 2, upper: upper)
            else {
                throw error("invalid date '\(token)': expected YYYY-MM-DD", at: start)
            }
            guard (1...12).contains(month) else {
                throw error("invalid date '\(token)': month \(month) is out of range", at: start)
            }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard day >= 1, day <= monthDays[month - 1] else {
                throw error("invalid date '\(token)': day \(day) is out of range", at: start)
            }
            offset += 10
            if offset == upper {
                return
            }
            let separator = bytes[offset]
            guard separator == Byte.upperT || separator == Byte.lowerT || separator == Byte.space else {
                throw error("invalid date-time '\(token)': expected 'T' or a space between date and time", at: start)
            }
            offset += 1
            try validateTime(&offset, upper, token: token, start: start)
            if offset == upper {
                return
            }
            switch bytes[offset] {
            case Byte.upperZ, Byte.lowerZ:
                offset += 1
            case Byte.plus, Byte.minus:
                guard let hours = fixedDigits(at: offset + 1, count: 2, upper: upper),
                      offset + 3 < upper, bytes[offset + 3] == Byte.colon,
                      let minutes = fixedDigits(at: offset + 4, count: 2, upper: upper)
                else {
                    throw error("invalid date-time '\(token)': expected a time offset like +07:00", at: start)
                }
                guard hours <= 23, minutes <= 59 else {
                    throw error("invalid date-time '\(token)': time offset is out of range", at: start)
                }
                offset += 6
            default:
                break
            }
            guard offset == upper else {
                throw error("invalid date-time '\(token)': unexpected \(describe(at: offset))", at: start)
            }
        } else {
            try validateTime(&offset, upper, token: token, start: start)
            guard offset == upper else {
                throw error("invalid time '\(token)': unexpected \(describe(at: offset))", at: start)
            }
        }
    }

    /// Validates `HH:MM:SS[.fraction]` at `offset` and moves past it.
    private func validateTime(_ offset: inout Int, _ upper: Int, token: String, start: Mark) throws(TOMLParseError) {
        guard let hour = fixedDigits(at: offset, count: 2, upper: upper),
              offset + 2 < upper, bytes[offset + 2] == Byte.colon,
              let minute = fixedDigits(at: offset + 3, count: 2, upper: upper),
              offset + 5 < upper, bytes[offset + 5] == Byte.colon,
              let second = fixedDigits(at: offset + 6, count: 2, upper: upper)
        else {
            throw error("invalid time in '\(token)': expected HH:MM:SS", at: start)
        }
        guard hour <= 23, minute <= 59, second <= 60 else {
            throw error("invalid time in '\(token)': hour, minute or second is out of range", at: start)
        }
        offset += 8
        if offset < upper, bytes[offset] == Byte.dot {
            offset += 1
            let fractionStart = offset
            while offset < upper, Self.isDigit(bytes[offset]) {
                offset += 1
            }
            guard offset > fractionStart else {
                throw error("invalid time in '\(token)': expected digits after '.'", at: start)
            }
        }
    }
}
