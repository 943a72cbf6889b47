/// Finds an alias used as a mapping key (`*anchor: value`, `[*anchor: value]`, `? *anchor`).
///
/// YAML allows it, no CI file or policy needs it, and it is an attack: Yams checks a mapping's keys for
/// duplicates by hashing them, and an alias key is hashed expanded, so ten lines of nested anchors
/// ("billion laughs") used as one key keep the parser busy for minutes before any expansion budget
/// can count. The readers refuse such input before handing it to Yams.
///
/// The check reads the text, not the YAML: it skips comments, quoted strings and block scalars
/// (`|`, `>`), and looks for `*name` where a node can start followed by `:` as a key indicator.
enum YAMLAliasKeys {
    /// The reason given when input is refused.
    static let refusal = "an alias (*anchor) used as a mapping key is not accepted: expanded, it can make reading the file take hours"

    /// The 1-based line of the first alias used as a key, or `nil`.
    static func firstLine(in text: String) -> Int? {
        var blockIndent: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line.utf8)
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            let isBlank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            if let parent = blockIndent {
                // Block scalar content: every line indented more than the line that opened it, and blank lines.
                if isBlank || indent > parent { continue }
                blockIndent = nil
            }
            let scan = scanLine(bytes)
            if scan.hasAliasKey { return index + 1 }
            if scan.opensBlockScalar { blockIndent = indent }
        }
        return nil
    }

    private static func scanLine(_ bytes: [UInt8]) -> (hasAliasKey: Bool, opensBlockScalar: Bool) {
        var position = 0
        var nodeMayStart = true
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                position += 1
                continue
            case UInt8(ascii: "#") where position == 0 || bytes[position - 1] == UInt8(ascii: " ") || bytes[position - 1] == UInt8(ascii: "\t"):
                return (false, false)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                position = endOfQuoted(bytes, from: position)
                nodeMayStart = false
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","):
                nodeMayStart = true
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                let followedBySpace = position + 1 >= bytes.count || bytes[position + 1] == UInt8(ascii: " ")
                    || bytes[position + 1] == UInt8(ascii: "\t")
                nodeMayStart = followedBySpace || (byte == UInt8(ascii: ":") && nodeMayStart)
                if byte == UInt8(ascii: "?"), followedBySpace, aliasFollows(bytes, after: position + 1) { return (true, false) }
            case UInt8(ascii: "*") where nodeMayStart:
                var end = position + 1
                while end < bytes.count, !isAliasTerminator(bytes[end]) { end += 1 }
                var next = end
                while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: ":"),
                   next + 1 >= bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ","), UInt8(ascii: "]"),
                                               UInt8(ascii: "}"), UInt8(ascii: "\r")].contains(bytes[next + 1]) {
                    return (true, false)
                }
                position = end
                nodeMayStart = false
                continue
            case UInt8(ascii: "|") where nodeMayStart, UInt8(ascii: ">") where nodeMayStart:
                // A block scalar indicator, with optional chomping and indentation digits, ends the line.
                let rest = bytes[(position + 1)...].prefix { $0 != UInt8(ascii: "#") }
                if rest.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: " ")
                    || $0 == UInt8(ascii: "\r") || ($0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9")) }) {
                    return (false, true)
                }
                nodeMayStart = false
            default:
                nodeMayStart = false
            }
            position += 1
        }
        return (false, false)
    }

    /// Whether an alias is the next token after `start` (for `? *anchor`).
    private static func aliasFollows(_ bytes: [UInt8], after start: Int) -> Bool {
        var position = start
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
        return position < bytes.count && bytes[position] == UInt8(ascii: "*")
    }

    private static func isAliasTerminator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: ":")
    }

    /// The position after a quoted scalar that starts at `start` (or the line's end when it continues).
    private static func endOfQuoted(_ bytes: [UInt8], from start: Int) -> Int {
        let quote = bytes[start]
        var position = start + 1
        while position < bytes.count {
            if quote == UInt8(ascii: "\""), bytes[position] == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            if bytes[position] == quote {
                // '' inside single quotes is an escaped quote.
                if quote == UInt8(ascii: "'"), position + 1 < bytes.count, bytes[position + 1] == quote {
                    position += 2
                    continue
                }
                return position + 1
            }
            position += 1
        }
        return position
    }
}
