/// Finds a mapping key that can hold an alias: an alias itself (`*anchor: value`), a flow collection
/// (`[*anchor]: value`, `{a: *anchor}: value`) or an explicit `?` key (which may be any node).
///
/// YAML allows such keys, no CI file or policy needs them, and they are an attack: Yams checks a
/// mapping's keys for duplicates by hashing them, and a key is hashed with its aliases expanded, so
/// ten lines of nested anchors ("billion laughs") under one key keep the parser busy for minutes
/// before any expansion budget can count. The readers refuse such input before handing it to Yams.
/// Keys that are plain or quoted scalars, every key real files use, cannot hold an alias.
///
/// The check reads the text, not the YAML: it follows flow nesting across lines and skips comments,
/// quoted strings, plain scalars and block scalars (`|`, `>`).
enum YAMLAliasKeys {
    /// The reason given when input is refused.
    static let refusal = "a mapping key that is an alias (*anchor), a [flow] or {flow} collection, or a '?' key is not "
        + "accepted: the parser expands such a key to compare it, which anchors can make take hours"

    /// The 1-based line of the first such key, or `nil`.
    static func firstLine(in text: String) -> Int? {
        var scanner = KeyScanner()
        var blockIndent: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line.utf8)
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            if let parent = blockIndent {
                // Block scalar content: every line indented more than the line that opened it, and blank lines.
                let isBlank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
                if isBlank || indent > parent { continue }
                blockIndent = nil
            }
            switch scanner.scan(bytes) {
            case .refused: return index + 1
            case .opensBlockScalar: blockIndent = indent
            case .plain: break
            }
        }
        return nil
    }
}

/// Reads YAML line by line, as far as needed to tell where nodes and keys start.
private struct KeyScanner {
    enum Outcome { case plain, refused, opensBlockScalar }

    /// Open `[` and `{`, across lines.
    private var flowDepth = 0

    mutating func scan(_ bytes: [UInt8]) -> Outcome {
        var position = 0
        var nodeMayStart = true
        var inPlainScalar = false
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) {
                position += 1
                continue
            }
            if byte == UInt8(ascii: "#"), position == 0 || Self.isSpace(bytes[position - 1]) { return .plain }
            if inPlainScalar {
                // A plain scalar runs to ": " (a key's end) and, inside a flow collection, to , ] or }.
                if byte == UInt8(ascii: ":"), isKeyIndicator(bytes, at: position) {
                    inPlainScalar = false
                    nodeMayStart = true
                    position += 1
                    continue
                }
                let endsInFlow = flowDepth > 0 && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}"))
                if !endsInFlow {
                    position += 1
                    continue
                }
                inPlainScalar = false
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                position = Self.endOfQuoted(bytes, from: position)
                nodeMayStart = false
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                guard nodeMayStart || flowDepth > 0 else { break }
                flowDepth += 1
                nodeMayStart = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard flowDepth > 0 else { break }
                flowDepth -= 1
                nodeMayStart = false
                if keyIndicatorFollows(bytes, after: position + 1) { return .refused }
            case UInt8(ascii: ","):
                nodeMayStart = flowDepth > 0
            case UInt8(ascii: ":"):
                // After a quoted key, or any key in a flow collection, the colon may touch the value.
                if isKeyIndicator(bytes, at: position) || flowDepth > 0 { nodeMayStart = true }
            case UInt8(ascii: "-") where nodeMayStart && Self.spaceOrEnd(bytes, at: position + 1):
                nodeMayStart = true
            case UInt8(ascii: "?") where nodeMayStart && Self.spaceOrEnd(bytes, at: position + 1):
                return .refused
            case UInt8(ascii: "*") where nodeMayStart:
                let end = Self.endOfName(bytes, from: position + 1)
                if keyIndicatorFollows(bytes, after: end) { return .refused }
                position = end
                nodeMayStart = false
                continue
            case UInt8(ascii: "&") where nodeMayStart, UInt8(ascii: "!") where nodeMayStart:
                // An anchor or a tag comes before the node it belongs to.
                position = Self.endOfName(bytes, from: position + 1)
                continue
            case UInt8(ascii: "|") where nodeMayStart && flowDepth == 0, UInt8(ascii: ">") where nodeMayStart && flowDepth == 0:
                let rest = bytes[(position + 1)...].prefix { $0 != UInt8(ascii: "#") }
                if rest.allSatisfy({ Self.isSpace($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
                    || ($0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9")) }) {
                    return .opensBlockScalar
                }
                inPlainScalar = true
                nodeMayStart = false
            default:
                if nodeMayStart { inPlainScalar = true }
                nodeMayStart = false
            }
            position += 1
        }
        return .plain
    }

    /// Whether the colon at `position` ends a key: followed by a space or the line's end, or inside a
    /// flow collection by , ] or }.
    private func isKeyIndicator(_ bytes: [UInt8], at position: Int) -> Bool {
        guard position + 1 < bytes.count else { return true }
        let next = bytes[position + 1]
        return Self.isSpace(next)
            || (flowDepth > 0 && (next == UInt8(ascii: ",") || next == UInt8(ascii: "]") || next == UInt8(ascii: "}")))
    }

    /// Whether, after optional spaces from `start`, a colon ends a key.
    private func keyIndicatorFollows(_ bytes: [UInt8], after start: Int) -> Bool {
        var position = start
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        return position < bytes.count && bytes[position] == UInt8(ascii: ":") && isKeyIndicator(bytes, at: position)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func spaceOrEnd(_ bytes: [UInt8], at position: Int) -> Bool {
        position >= bytes.count || isSpace(bytes[position])
    }

    /// The end of an anchor, alias or tag name: the next space, flow indicator or key colon.
    private static func endOfName(_ bytes: [UInt8], from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
                || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                break
            }
            if byte == UInt8(ascii: ":"), spaceOrEnd(bytes, at: position + 1) { break }
            position += 1
        }
        return position
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
