/// How far before the end of a keyword occurrence a rule's match can start, for patterns where that is
/// bounded and known: gitleaks' "semi-generic" shape `(?i)[\w.-]{0,N}?(?:kw1|kw2|…)…`, which 101 of its
/// default rules use, `generic-api-key` among them.
///
/// Such a match starts with at most N word characters (never a newline), followed by one of the
/// group's alternatives. When every string the group can match contains one of the rule's keywords,
/// the keyword occurrence inside the match ends at most N plus the longest alternative after the match
/// start, on the same line. The scanner then tries the pattern only from there, instead of from the
/// start of the line before (`KeywordWindows`): the same leftmost matches, far fewer start positions.
enum KeywordReach {
    /// The most strings a group may expand to before the analysis gives up.
    static let expansionLimit = 256

    /// The reach in bytes, or `nil` when the pattern does not have the shape or its group can match a
    /// string without a keyword.
    static func of(pattern: String, keywords: [String]) -> Int? {
        var rest = Substring(pattern)
        if rest.hasPrefix("(?i)") { rest = rest.dropFirst(4) }
        guard rest.hasPrefix("[\\w.-]{0,") else { return nil }
        rest = rest.dropFirst("[\\w.-]{0,".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let prefixLimit = Int(digits), prefixLimit <= 1000 else { return nil }
        rest = rest.dropFirst(digits.count)
        guard rest.hasPrefix("}") else { return nil }
        rest = rest.dropFirst()
        if rest.hasPrefix("?") { rest = rest.dropFirst() }
        guard rest.hasPrefix("(?:") || rest.hasPrefix("(") else { return nil }
        var parser = LiteralGroupParser(text: Array(rest.utf8))
        guard let alternatives = parser.parseGroup(), !alternatives.isEmpty else { return nil }
        // The group must be in every match: not optional or repeated, and not one side of a top-level `|`.
        if let next = parser.next, [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{")].contains(next) {
            return nil
        }
        guard !hasTopLevelAlternation(Array(pattern.utf8)) else { return nil }
        let lowered = keywords.map { $0.lowercased() }.filter { !$0.isEmpty }
        for alternative in alternatives {
            let text = String(decoding: alternative, as: UTF8.self).lowercased()
            guard lowered.contains(where: { text.contains($0) }) else { return nil }
        }
        return prefixLimit + (alternatives.map(\.count).max() ?? 0)
    }
}

/// Whether `|` occurs outside every group and class, making the whole pattern an alternation.
private func hasTopLevelAlternation(_ pattern: [UInt8]) -> Bool {
    var depth = 0
    var inClass = false
    var position = 0
    while position < pattern.count {
        let byte = pattern[position]
        if byte == UInt8(ascii: "\\") {
            position += 2
            continue
        }
        if inClass {
            if byte == UInt8(ascii: "]") { inClass = false }
        } else if byte == UInt8(ascii: "[") {
            inClass = true
            // A `]` first in a class (or after `^`) is a member, not the end.
            if position + 1 < pattern.count, pattern[position + 1] == UInt8(ascii: "^") { position += 1 }
            if position + 1 < pattern.count, pattern[position + 1] == UInt8(ascii: "]") { position += 1 }
        } else if byte == UInt8(ascii: "(") {
            depth += 1
        } else if byte == UInt8(ascii: ")") {
            depth -= 1
        } else if byte == UInt8(ascii: "|"), depth == 0 {
            return true
        }
        position += 1
    }
    return false
}

/// Expands a regex group made only of literal characters, single-character classes, nested groups
/// (`(?:…)`, `(?i:…)`, `(?-i:…)`), alternation and `?` into the finite set of strings it matches.
/// Anything else (other quantifiers, escapes, ranges, anchors) makes it give up.
private struct LiteralGroupParser {
    let text: [UInt8]
    var position = 0

    init(text: [UInt8]) {
        self.text = text
    }

    /// Parses the group at the current position (which must be `(`) and returns its strings.
    mutating func parseGroup() -> [[UInt8]]? {
        guard peek == UInt8(ascii: "(") else { return nil }
        position += 1
        if peek == UInt8(ascii: "?") {
            // Only flag groups that change case sensitivity, and plain non-capturing groups.
            position += 1
            while let byte = peek, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "i") { position += 1 }
            guard peek == UInt8(ascii: ":") else { return nil }
            position += 1
        }
        var alternatives: [[UInt8]] = []
        var current: [[UInt8]] = [[]]
        while let byte = peek {
            switch byte {
            case UInt8(ascii: ")"):
                position += 1
                alternatives += current
                return alternatives.count <= KeywordReach.expansionLimit ? alternatives : nil
            case UInt8(ascii: "|"):
                position += 1
                alternatives += current
                current = [[]]
            default:
                guard var atom = parseAtom() else { return nil }
                if peek == UInt8(ascii: "?") {
                    position += 1
                    atom.append([])
                }
                guard let next = Self.concatenate(current, atom) else { return nil }
                current = next
            }
        }
        return nil
    }

    private var peek: UInt8? { position < text.count ? text[position] : nil }

    /// The character after what has been parsed.
    var next: UInt8? { peek }

    private mutating func parseAtom() -> [[UInt8]]? {
        guard let byte = peek else { return nil }
        switch byte {
        case UInt8(ascii: "("):
            return parseGroup()
        case UInt8(ascii: "["):
            position += 1
            var members: [[UInt8]] = []
            while let member = peek, member != UInt8(ascii: "]") {
                guard Self.isLiteral(member) else { return nil }
                members.append([member])
                position += 1
            }
            guard peek == UInt8(ascii: "]"), !members.isEmpty else { return nil }
            position += 1
            return members
        default:
            // Outside a class a hyphen is an ordinary character (`glpat-`).
            guard Self.isLiteral(byte) || byte == UInt8(ascii: "-") else { return nil }
            position += 1
            return [[byte]]
        }
    }

    private static func isLiteral(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private static func concatenate(_ heads: [[UInt8]], _ tails: [[UInt8]]) -> [[UInt8]]? {
        guard heads.count * tails.count <= KeywordReach.expansionLimit else { return nil }
        return heads.flatMap { head in tails.map { head + $0 } }
    }
}
