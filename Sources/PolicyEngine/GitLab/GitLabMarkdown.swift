import Foundation

/// Makes text from the agent or the diff safe inside a GitLab note.
///
/// GitLab runs quick actions written at the start of a line of a note (`/merge`, `/approve`,
/// `/label`…), notifies users named with `@` (`@all` notifies everyone), and renders Markdown and
/// some HTML. Text the agent wrote (finding messages, paths, evidence) therefore goes through
/// `inline(_:)`, which keeps it on one line, escapes Markdown and HTML, and breaks mentions; the
/// whole body then goes through `neutralizingQuickActions(_:)`, so no line of it can start a command.
enum GitLabMarkdown {
    /// U+200B ZERO WIDTH SPACE: after `@` it ends the name GitLab would read as a mention. A mark
    /// before `@` would not do: GitLab reads `@name` after any character that is not a word character.
    static let mentionBreak = "\u{200B}"

    /// Characters escaped with a backslash: Markdown emphasis, links, images, code, tables, headings,
    /// GitLab's inline diff (`{+ +}`, `[- -]`), math (`$`), references that create cross-links (`#`,
    /// `!`, `~`, `%`), autolinks (`:`) and the slash of quick actions. (`-`, `+` and `=` act only at
    /// the start of a line, where agent text never is.)
    private static let escapedPunctuation: Set<Character> = ["\\", "`", "*", "_", "[", "]", "(", ")", "{", "}", "!", "#",
                                                              "~", "|", "$", "%", "/", ":"]

    /// One line of plain text: line breaks and control characters become spaces, bidirectional
    /// controls are dropped, `&`, `<`, `>` become entities, Markdown punctuation (the table pipe and
    /// the slash among it) is backslash-escaped, and `@` is followed by a zero-width space.
    /// - Parameters:
    ///   - text: untrusted text.
    ///   - limit: the most characters of `text` kept; longer text ends with `…`.
    /// - Returns: text that renders as itself and can neither act nor leave its table cell.
    static func inline(_ text: String, limit: Int = 300) -> String {
        var source = Substring(text)
        var clipped = false
        if source.count > limit {
            source = source.prefix(max(0, limit))
            clipped = true
        }
        var out = ""
        out.reserveCapacity(source.utf8.count + 16)
        var lastWasSpace = false
        for character in source {
            let scalars = character.unicodeScalars
            if scalars.contains(where: isBidiControl) {
                continue
            }
            if character.isNewline || scalars.contains(where: { $0.properties.generalCategory == .control }) {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = character == " "
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "@": out += "@" + mentionBreak
            default:
                if escapedPunctuation.contains(character) { out.append("\\") }
                out.append(character)
            }
        }
        return clipped ? out + "…" : out
    }

    /// `body` with a backslash before the `/` of every line that starts (after spaces or a quote
    /// marker) with one, so GitLab runs no quick action from it. The text renders the same.
    /// - Parameter body: a whole note body.
    /// - Returns: the body without active quick actions.
    static func neutralizingQuickActions(_ body: String) -> String {
        var lines: [Substring] = []
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let lead = line.prefix { $0 == " " || $0 == "\t" || $0 == ">" }
            let rest = line.dropFirst(lead.count)
            if rest.hasPrefix("/") {
                lines.append(Substring(String(lead) + "\\" + rest))
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Whether any line of `body` would run as a quick action: it starts, after optional spaces,
    /// with `/` and a command word.
    /// - Parameter body: a note body.
    /// - Returns: `true` when GitLab could read a command in it.
    static func containsQuickAction(_ body: String) -> Bool {
        body.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).contains { line in
            let rest = line.drop { $0 == " " || $0 == "\t" || $0 == ">" }
            guard rest.first == "/", let next = rest.dropFirst().first else { return false }
            return next.isLetter || next.isNumber || next == "_"
        }
    }

    /// A Markdown link to an http(s) URL, or `nil` when `url` is not one.
    /// - Parameters:
    ///   - title: the link text (escaped here).
    ///   - url: the target, e.g. `CI_JOB_URL`.
    /// - Returns: `[title](url)` with the URL's parentheses, spaces and angle brackets percent-encoded.
    static func link(_ title: String, to url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              parsed.host != nil else { return nil }
        var safe = ""
        for scalar in parsed.absoluteString.unicodeScalars {
            switch scalar {
            case "(": safe += "%28"
            case ")": safe += "%29"
            case " ": safe += "%20"
            case "<": safe += "%3C"
            case ">": safe += "%3E"
            case "\"": safe += "%22"
            case "\\": safe += "%5C"
            default:
                if scalar.properties.generalCategory == .control { continue }
                safe.unicodeScalars.append(scalar)
            }
        }
        return "[\(inline(title))](\(safe))"
    }

    private static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true
        default: false
        }
    }
}
