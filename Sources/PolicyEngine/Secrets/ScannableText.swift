import Foundation

/// Turns a blob that is not plain UTF-8 text into text the rules can read, so that neither an encoding
/// nor a NUL byte hides content from the scanner: UTF-32 and UTF-16 (with a byte-order mark, or
/// recognised by where their zero bytes fall) are decoded to UTF-8; anything else with a NUL byte is
/// binary and becomes its printable runs, one per line, as `strings` prints them.
enum ScannableText {
    /// What a blob's content becomes.
    enum Outcome: Equatable {
        /// The content is plain text already: scan it as it is.
        case plain
        /// Scan these bytes instead (decoded text, or a binary's printable runs).
        case converted([UInt8], encoding: String)
        /// A binary blob larger than `binaryLimit`: not scanned.
        case tooLarge
    }

    /// Binary and UTF-16/32 blobs up to this size are converted and scanned; larger ones are reported
    /// as unscanned (a converted copy is held in memory, one per reader thread).
    static let binaryLimit = 32 << 20

    /// Shortest printable run kept from a binary blob (`strings` uses 4; no secret is shorter than 8).
    static let minimumRun = 8

    /// Decides how `content` is scanned.
    static func prepare(_ content: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let encoding = wideEncoding(content) ?? (hasNUL(content) ? "binary" : nil) else { return .plain }
        guard content.count <= binaryLimit else { return .tooLarge }
        switch encoding {
        case "utf-32le", "utf-32be": return .converted(decodeUTF32(content, bigEndian: encoding == "utf-32be"), encoding: encoding)
        case "utf-16le", "utf-16be": return .converted(decodeUTF16(content, bigEndian: encoding == "utf-16be"), encoding: encoding)
        default: return .converted(printableRuns(content), encoding: encoding)
        }
    }

    /// Whether the content needs `prepare` at all: a byte-order mark or a NUL byte anywhere.
    static func needsConversion(_ content: UnsafeBufferPointer<UInt8>) -> Bool {
        hasBOM(content) || hasNUL(content)
    }

    private static func hasNUL(_ content: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = content.baseAddress, !content.isEmpty else { return false }
        return memchr(base, 0, content.count) != nil
    }

    private static func hasBOM(_ content: UnsafeBufferPointer<UInt8>) -> Bool {
        content.starts(with: [0xFF, 0xFE]) || content.starts(with: [0xFE, 0xFF])
    }

    /// UTF-32 or UTF-16 by byte-order mark, else by zero bytes: text in those encodings has a zero in
    /// most code units' high bytes. Looks at the first 4 KiB.
    static func wideEncoding(_ content: UnsafeBufferPointer<UInt8>) -> String? {
        if content.starts(with: [0xFF, 0xFE, 0, 0]) { return "utf-32le" }
        if content.starts(with: [0, 0, 0xFE, 0xFF]) { return "utf-32be" }
        if content.starts(with: [0xFF, 0xFE]) { return "utf-16le" }
        if content.starts(with: [0xFE, 0xFF]) { return "utf-16be" }
        let sample = content.prefix(4096)
        guard sample.count >= 8 else { return nil }
        var zeros = [0, 0, 0, 0]
        for (index, byte) in sample.enumerated() where byte == 0 { zeros[index % 4] += 1 }
        let quarter = sample.count / 4
        let mostly = { (count: Int) in count * 10 >= quarter * 9 }
        let rarely = { (count: Int) in count * 10 <= quarter }
        if rarely(zeros[0]), mostly(zeros[1]), mostly(zeros[2]), mostly(zeros[3]) { return "utf-32le" }
        if mostly(zeros[0]), mostly(zeros[1]), mostly(zeros[2]), rarely(zeros[3]) { return "utf-32be" }
        if rarely(zeros[0]), rarely(zeros[2]), mostly(zeros[1]), mostly(zeros[3]) { return "utf-16le" }
        if mostly(zeros[0]), mostly(zeros[2]), rarely(zeros[1]), rarely(zeros[3]) { return "utf-16be" }
        return nil
    }

    private static func decodeUTF16(_ content: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(content.count / 2)
        var index = 0
        while index + 1 < content.count {
            let first = UInt16(content[index]), second = UInt16(content[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        if units.first == 0xFEFF { units.removeFirst() }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    private static func decodeUTF32(_ content: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index + 3 < content.count {
            let bytes = (0..<4).map { UInt32(content[index + $0]) }
            let value = bigEndian ? bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]
                : bytes[3] << 24 | bytes[2] << 16 | bytes[1] << 8 | bytes[0]
            if value != 0xFEFF { scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
            index += 4
        }
        return Array(String(scalars).utf8)
    }

    /// Runs of at least `minimumRun` printable ASCII bytes (and tabs), one per line.
    static func printableRuns(_ content: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var start = 0
        func close(_ end: Int) {
            if end - start >= minimumRun {
                if !output.isEmpty { output.append(0x0A) }
                output.append(contentsOf: content[start..<end])
            }
        }
        for (index, byte) in content.enumerated() where !(byte >= 0x20 && byte < 0x7F || byte == 0x09) {
            close(index)
            start = index + 1
        }
        close(content.count)
        return output
    }
}
