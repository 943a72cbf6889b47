import Foundation

/// Finds encoded text in a fragment and decodes it, so the rules also see a secret written as base64
/// (a Kubernetes Secret's `data`, a base64 PEM key), hex, URL-encoding, `\u`/`\x`/JSON escapes, or
/// cut into string literals that the code joins again (`"AKIA" + "…"`).
///
/// Only candidates are decoded: base64 runs of at least `minimumBase64` characters and hex runs of at
/// least `minimumHex` digits that decode to printable text, lines of at most `maximumEscapedLine`
/// bytes that hold a `%XX` or backslash escape, and lines of string literals joined by an operator or
/// by nothing, at most `maximumJoinedText` bytes of them. The decoded pieces are joined, one per line, into one
/// buffer that the scanner reads like a fragment; each piece remembers where its encoded text starts.
struct EncodedText {
    /// One decoded piece.
    struct Piece {
        /// Its first line in `bytes` (0-based).
        var firstLine: Int
        /// Offset of the encoded text in the buffer it was decoded from.
        var origin: Int
        /// `base64`, `hex`, `url`, `escape` or `joined`.
        var encoding: String
    }

    /// The decoded pieces, separated by newlines.
    var bytes: [UInt8] = []
    /// The pieces, in order.
    var pieces: [Piece] = []

    static let minimumBase64 = 24
    static let minimumHex = 32
    static let maximumEscapedLine = 8192
    static let maximumJoinedText = 65536
    /// Decoded text counts as text when at least 9 bytes in 10 are printable ASCII or whitespace.
    static let printableShare = 0.9

    /// The piece a 0-based line of `bytes` belongs to.
    func piece(atLine line: Int) -> Piece? {
        var low = 0, high = pieces.count
        while low < high {
            let middle = (low + high) / 2
            if pieces[middle].firstLine <= line { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? pieces[low - 1] : nil
    }

    /// Decodes every candidate in `buffer`; `nil` when there is none.
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>) -> EncodedText? {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        var result = EncodedText()
        var lineCount = 0
        func add(_ decoded: [UInt8], origin: Int, encoding: String) {
            if !result.bytes.isEmpty {
                result.bytes.append(0x0A)
                lineCount += 1
            }
            result.pieces.append(Piece(firstLine: lineCount, origin: origin, encoding: encoding))
            for byte in decoded where byte == 0x0A { lineCount += 1 }
            result.bytes.append(contentsOf: decoded)
        }
        // Escapes are rare, so their offsets are found first with memchr, and a line is looked at
        // byte by byte only where a run of base64 characters is long enough to matter.
        var escapes = Self.offsets(of: 0x25, in: buffer)
        escapes.append(contentsOf: Self.offsets(of: 0x5C, in: buffer))
        escapes.sort()
        var nextEscape = 0
        var lineStart = 0
        while lineStart < buffer.count {
            let lineEnd = memchr(base + lineStart, 0x0A, buffer.count - lineStart)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buffer.count
            while nextEscape < escapes.count, escapes[nextEscape] < lineStart { nextEscape += 1 }
            let hasEscape = nextEscape < escapes.count && escapes[nextEscape] < lineEnd
            let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
            forEachRun(in: line) { range, isHex in
                let run = UnsafeBufferPointer(rebasing: line[range])
                // The first 192 bytes tell text from binary; only text is decoded whole.
                let head = UnsafeBufferPointer(rebasing: run.prefix(256))
                if isHex, let start = hex(head), isText(start), let decoded = hex(run), isText(decoded) {
                    add(decoded, origin: lineStart + range.lowerBound, encoding: "hex")
                } else if let start = base64(head), isText(start),
                          let decoded = base64(run), isText(decoded) {
                    add(decoded, origin: lineStart + range.lowerBound, encoding: "base64")
                }
            }
            if hasEscape, line.count <= maximumEscapedLine {
                if let decoded = urlDecoded(line) { add(decoded, origin: lineStart, encoding: "url") }
                if let decoded = unescaped(line) { add(decoded, origin: lineStart, encoding: "escape") }
            }
            lineStart = lineEnd + 1
        }
        forEachJoinedText(in: buffer) { origin, joined in add(joined, origin: origin, encoding: "joined") }
        return result.pieces.isEmpty ? nil : result
    }

    /// The offsets of every `byte` in `buffer`, in order.
    private static func offsets(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard let base = buffer.baseAddress else { return [] }
        var found: [Int] = []
        var from = 0
        while from < buffer.count, let hit = memchr(base + from, Int32(byte), buffer.count - from) {
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            found.append(offset)
            from = offset + 1
        }
        return found
    }

    // MARK: - Joined string literals

    private static func isQuote(_ byte: UInt8) -> Bool {
        byte == 0x22 || byte == 0x27 || byte == 0x60
    }

    /// When the quote at `quote` closes a literal that the code joins to the next one, the end of that
    /// next literal's opening quote: blanks (newlines and `\` line continuations too), at most one join
    /// operator (`+`, `.`, `..`, `&`, `||`, `~`; none is implicit concatenation or a shell word), blanks,
    /// a quote. Only blanks are read past, so each byte is looked at a bounded number of times.
    private static func junctionEnd(in buffer: UnsafeBufferPointer<UInt8>, after quote: Int) -> Int? {
        var index = quote + 1
        func skipBlanks() {
            while index < buffer.count {
                let byte = buffer[index]
                let continuation = byte == 0x5C && index + 1 < buffer.count && (buffer[index + 1] == 0x0A || buffer[index + 1] == 0x0D)
                guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || continuation else { return }
                index += 1
            }
        }
        skipBlanks()
        if index < buffer.count {
            switch buffer[index] {
            case UInt8(ascii: "+"), UInt8(ascii: "&"), UInt8(ascii: "~"):
                index += 1
            case UInt8(ascii: "."):
                index += 1
                if index < buffer.count, buffer[index] == UInt8(ascii: ".") { index += 1 }
            case UInt8(ascii: "|"):
                guard index + 1 < buffer.count, buffer[index + 1] == UInt8(ascii: "|") else { return nil }
                index += 2
            default:
                break
            }
        }
        skipBlanks()
        guard index < buffer.count, isQuote(buffer[index]) else { return nil }
        return index + 1
    }

    /// The offset of the first quote (`"`, `'` or a backtick) at or after `start`. Eight bytes are tested
    /// at a time: a byte equal to the quote becomes a zero byte after an exclusive or, and the lowest
    /// zero byte of a word is found exactly by the borrow trick.
    private static func nextQuote(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ word: UInt64, _ byte: UInt8) -> UInt64 {
            let x = word ^ (UInt64(byte) &* ones)
            return (x &- ones) & ~x & highs
        }
        var index = start
        while index + 8 <= buffer.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let hits = zeroBytes(word, 0x22) | zeroBytes(word, 0x27) | zeroBytes(word, 0x60)
            if hits != 0 { return index + hits.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < buffer.count {
            if isQuote(buffer[index]) { return index }
            index += 1
        }
        return nil
    }

    /// Calls `body` for each run of lines that holds joined literals, with every junction (closing
    /// quote … opening quote) cut out, and the offset of the run's first line. Linear: junctions are
    /// found in one pass, and runs never overlap.
    private static func forEachJoinedText(in buffer: UnsafeBufferPointer<UInt8>, _ body: (Int, [UInt8]) -> Void) {
        var junctions: [Range<Int>] = []
        var index = 0
        while let quote = nextQuote(in: buffer, from: index) {
            if let end = junctionEnd(in: buffer, after: quote) {
                junctions.append(quote..<end)
                index = end
            } else {
                index = quote + 1
            }
        }
        func lineEnd(from offset: Int) -> Int {
            var end = offset
            while end < buffer.count, buffer[end] != 0x0A { end += 1 }
            return end
        }
        var first = 0
        while first < junctions.count {
            var start = junctions[first].lowerBound
            while start > 0, buffer[start - 1] != 0x0A { start -= 1 }
            var last = first
            var end = lineEnd(from: junctions[first].upperBound)
            while last + 1 < junctions.count, junctions[last + 1].lowerBound < end {
                last += 1
                if junctions[last].upperBound > end { end = lineEnd(from: junctions[last].upperBound) }
            }
            if end - start <= maximumJoinedText {
                var joined: [UInt8] = []
                joined.reserveCapacity(end - start)
                var cursor = start
                for junction in junctions[first...last] {
                    joined.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[cursor..<junction.lowerBound]))
                    cursor = junction.upperBound
                }
                joined.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[cursor..<end]))
                body(start, joined)
            }
            first = last + 1
        }
    }

    // MARK: - Runs

    /// Per byte value: `base64Class` for the base64 alphabets (standard and URL-safe, with `=`),
    /// `hexClass` for hex digits.
    private static let byteClasses: [UInt8] = (0..<256).map { byte in
        let c = UInt8(byte)
        var classes: UInt8 = 0
        if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            || c == 0x2B || c == 0x2F || c == 0x2D || c == 0x5F || c == 0x3D {
            classes |= base64Class
        }
        if (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) { classes |= hexClass }
        return classes
    }
    private static let base64Class: UInt8 = 1
    private static let hexClass: UInt8 = 2

    /// Calls `body` for each base64-alphabet run long enough to be a candidate (at least
    /// `minimumBase64` bytes); `isHex` when the run is all hex digits, of even length and at least
    /// `minimumHex` long. A run ends at any other byte and at a `=` that is followed by a base64
    /// character other than `=` (`=` is padding only at a run's end; `key=value` splits there).
    ///
    /// Most text has no such run, so this looks at the byte where a run from the current position
    /// would reach its minimum length first: when that byte ends runs, no byte before it can start one.
    private static func forEachRun(in line: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Bool) -> Void) {
        let count = line.count
        guard count >= minimumBase64 else { return }
        byteClasses.withUnsafeBufferPointer { classes in
            func endsRun(_ index: Int) -> Bool {
                let byte = line[index]
                guard classes[Int(byte)] & base64Class != 0 else { return true }
                guard byte == 0x3D, index + 1 < count else { return false }
                let next = line[index + 1]
                return next != 0x3D && classes[Int(next)] & base64Class != 0
            }
            // `start` follows the line's start or a byte that ends runs.
            var start = 0
            while start + minimumBase64 <= count {
                let probe = start + minimumBase64 - 1
                if endsRun(probe) {
                    start = probe + 1
                    continue
                }
                var last = probe - 1
                while last >= start, !endsRun(last) { last -= 1 }
                if last >= start {
                    start = last + 1
                    continue
                }
                var end = probe + 1
                while end < count, !endsRun(end) { end += 1 }
                let length = end - start
                var allHex = length >= minimumHex && length % 2 == 0
                if allHex {
                    for index in start..<end where classes[Int(line[index])] & hexClass == 0 {
                        allHex = false
                        break
                    }
                }
                body(start..<end, allHex)
                start = end + 1
            }
        }
    }

    private static func isText(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let printable = bytes.reduce(0) { count, byte in
            count + ((byte >= 0x20 && byte < 0x7F) || byte == 0x09 || byte == 0x0A || byte == 0x0D ? 1 : 0)
        }
        return Double(printable) >= Double(bytes.count) * printableShare
    }

    // MARK: - Decoders

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        table[0x2B] = 62; table[0x2D] = 62  // + and URL-safe -
        table[0x2F] = 63; table[0x5F] = 63  // / and URL-safe _
        return table
    }()

    /// Standard or URL-safe base64, padded or not; `nil` when a character is out of place.
    static func base64(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(run.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = false
        for byte in run {
            if byte == 0x3D {
                padding = true
                continue
            }
            let value = base64Values[Int(byte)]
            if value == 0xFF || padding { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }

    static func hex(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(run.count / 2)
        var index = 0
        while index + 1 < run.count {
            guard let high = hexValue(run[index]), let low = hexValue(run[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }

    /// The line with `%XX` decoded; `nil` when it has no such escape.
    static func urlDecoded(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        var changed = false
        var index = 0
        while index < line.count {
            if line[index] == 0x25, index + 2 < line.count,
               let high = hexValue(line[index + 1]), let low = hexValue(line[index + 2]) {
                output.append(high << 4 | low)
                changed = true
                index += 3
            } else {
                output.append(line[index])
                index += 1
            }
        }
        return changed ? output : nil
    }

    /// The line with `\uXXXX`, `\xXX`, `\n`, `\r`, `\t`, `\"`, `\/` and `\\` decoded; `nil` when it has none.
    static func unescaped(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        var changed = false
        var index = 0
        func hexNumber(_ from: Int, _ count: Int) -> UInt32? {
            guard from + count <= line.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<count {
                guard let digit = hexValue(line[from + offset]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < line.count {
            guard line[index] == 0x5C, index + 1 < line.count else {
                output.append(line[index])
                index += 1
                continue
            }
            let next = line[index + 1]
            var replacement: [UInt8]?
            var length = 2
            switch next {
            case UInt8(ascii: "n"): replacement = [0x0A]
            case UInt8(ascii: "r"): replacement = []
            case UInt8(ascii: "t"): replacement = [0x09]
            case UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "'"): replacement = [next]
            case UInt8(ascii: "u"):
                if let value = hexNumber(index + 2, 4), let scalar = Unicode.Scalar(value) {
                    replacement = Array(String(Character(scalar)).utf8)
                    length = 6
                }
            case UInt8(ascii: "x"):
                if let value = hexNumber(index + 2, 2) {
                    replacement = [UInt8(value)]
                    length = 4
                }
            default: break
            }
            if let replacement {
                output.append(contentsOf: replacement)
                changed = true
                index += length
            } else {
                output.append(line[index])
                index += 1
            }
        }
        return changed ? output : nil
    }
}
