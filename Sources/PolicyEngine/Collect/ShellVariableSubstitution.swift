import Foundation

/// Substitutes the variables a job defines into its script text before the text is split into
/// commands, the way the job's shell would expand them, so `claude $CLAUDE_ARGS` is judged with the
/// flags the variable holds.
///
/// - A known value replaces `$NAME` or `${NAME}` (and `${NAME:-x}`, `${NAME-x}`, `${NAME:+x}`,
///   `${NAME+x}`), escaped so that the shell's splitter sees what the shell would: outside quotes the
///   value is split on blanks and nothing in it is re-read as quotes or operators; inside double
///   quotes it stays one piece of text. Nothing is substituted inside single quotes.
/// - A reference whose value cannot be known (a project variable, the merge request title, `$@`, a
///   value computed by the script) becomes a *marker*: private-use characters around the
///   reference's number, so a caller can tell after splitting which word holds which unknown value,
///   and whether it was quoted (one word) or not (any number of words, options included).
///   ``restore(_:)`` turns markers back into the original text.
struct ShellVariableSubstitution {
    /// One reference whose value is unknown.
    struct Unknown: Hashable {
        /// The variable's name (`@` for `$@`).
        var name: String
        /// The reference as written (`${AI_FLOW_INPUT:-x}`).
        var text: String
        /// Whether it stood inside double quotes (then it expands to exactly one word).
        var quoted: Bool
    }

    static let quotedMark: Character = "\u{E000}"
    static let unquotedMark: Character = "\u{E002}"
    static let endMark: Character = "\u{E001}"

    /// Values by name; `nil` marks a variable known to exist whose value cannot be known.
    var values: [String: String?]
    /// Every unknown reference met so far; a marker holds its index here.
    private(set) var unknowns: [Unknown] = []

    init(values: [String: String?]) {
        self.values = values
    }

    /// The text with known references substituted and unknown ones marked.
    mutating func substitute(_ text: String) -> String {
        let characters = Array(text)
        var out = ""
        out.reserveCapacity(characters.count)
        var index = 0
        var inDouble = false
        // Each `$(` or backquote nesting level remembers whether it opened inside double quotes.
        var nesting: [Bool] = []
        var atWordStart = true
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                out.append(character)
                if index + 1 < characters.count { out.append(characters[index + 1]) }
                index += 2
                atWordStart = false
                continue
            }
            if !inDouble {
                if character == "'" {
                    // Single quotes: copied as they are.
                    let close = characters[(index + 1)...].firstIndex(of: "'") ?? characters.count - 1
                    out += String(characters[index...close])
                    index = close + 1
                    atWordStart = false
                    continue
                }
                if character == "#" && atWordStart {
                    let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                    out += String(characters[index..<end])
                    index = end
                    continue
                }
                if character == ")", let opener = nesting.popLast() {
                    // The end of a `$(…)`: back to the quoting around it.
                    inDouble = opener
                    out.append(character)
                    index += 1
                    atWordStart = false
                    continue
                }
            }
            if character == "\"" {
                inDouble.toggle()
                out.append(character)
                index += 1
                atWordStart = false
                continue
            }
            if character == "$", index + 1 < characters.count {
                let next = characters[index + 1]
                if next == "(" {
                    nesting.append(inDouble)
                    inDouble = false
                    out += "$("
                    index += 2
                    atWordStart = true
                    continue
                }
                if next == "$" {
                    // The shell's own process id (or, from GitLab, an escaped `$` the runner turns into `$`).
                    out += "$$"
                    index += 2
                    continue
                }
                if let (reference, length) = Self.reference(in: characters, at: index) {
                    out += expansion(of: reference, text: String(characters[index..<(index + length)]), quoted: inDouble)
                    index += length
                    atWordStart = false
                    continue
                }
            }
            out.append(character)
            atWordStart = character == " " || character == "\t" || character == "\n" || character == ";" || character == "|"
                || character == "&" || character == "("
            index += 1
        }
        return out
    }

    /// The unknown references whose markers appear in `text`, in order.
    func unknowns(in text: String) -> [Unknown] {
        var found: [Unknown] = []
        var current: String?
        for character in text {
            if character == Self.quotedMark || character == Self.unquotedMark {
                current = ""
            } else if character == Self.endMark, let digits = current {
                if let number = Int(digits), unknowns.indices.contains(number) { found.append(unknowns[number]) }
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return found
    }

    /// `text` with markers turned back into the references as written.
    func restore(_ text: String) -> String {
        guard text.contains(where: { $0 == Self.quotedMark || $0 == Self.unquotedMark }) else { return text }
        var out = ""
        var current: String?
        for character in text {
            if character == Self.quotedMark || character == Self.unquotedMark {
                current = ""
            } else if character == Self.endMark, let digits = current {
                if let number = Int(digits), unknowns.indices.contains(number) { out += unknowns[number].text }
                current = nil
            } else if current != nil {
                current?.append(character)
            } else {
                out.append(character)
            }
        }
        return out
    }

    // MARK: - References

    struct Reference {
        var name: String
        /// `:-`, `-`, `:+`, `+`, or another operator the gate does not evaluate (then the value is unknown).
        var operation: String?
        var word: String
    }

    /// The reference starting at `characters[start]` (a `$`) and its length.
    static func reference(in characters: [Character], at start: Int) -> (Reference, Int)? {
        let first = start + 1
        guard first < characters.count else { return nil }
        let character = characters[first]
        if "@*#?!-0123456789".contains(character) {
            return (Reference(name: String(character), operation: nil, word: ""), 2)
        }
        if isNameStart(character) {
            var end = first
            while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
            return (Reference(name: String(characters[first..<end]), operation: nil, word: ""), end - start)
        }
        guard character == "{" else { return nil }
        var depth = 1
        var end = first + 1
        while end < characters.count {
            if characters[end] == "{" { depth += 1 }
            if characters[end] == "}" {
                depth -= 1
                if depth == 0 { break }
            }
            end += 1
        }
        guard end < characters.count else { return nil }
        let body = String(characters[(first + 1)..<end])
        let length = end + 1 - start
        var nameEnd = body.startIndex
        while nameEnd < body.endIndex, isNameCharacter(body[nameEnd]) { nameEnd = body.index(after: nameEnd) }
        let name = String(body[..<nameEnd])
        let rest = String(body[nameEnd...])
        guard !name.isEmpty, isNameStart(name.first!) || name.allSatisfy(\.isNumber) else {
            // `${#X}`, `${!X}`, `${@}`: lengths, indirection, positional lists; unknown.
            return (Reference(name: body.isEmpty ? "?" : body, operation: "other", word: ""), length)
        }
        if rest.isEmpty { return (Reference(name: name, operation: nil, word: ""), length) }
        for operation in [":-", ":+", "-", "+"] where rest.hasPrefix(operation) {
            return (Reference(name: name, operation: operation, word: String(rest.dropFirst(operation.count))), length)
        }
        return (Reference(name: name, operation: "other", word: ""), length)
    }

    static func isNameStart(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && character.isLetter)
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }

    private mutating func expansion(of reference: Reference, text: String, quoted: Bool) -> String {
        let known = values[reference.name].flatMap { $0 }
        let isSet = values[reference.name] != nil
        var result: String?
        switch reference.operation {
        case nil:
            result = known
        case ":-":
            if let known { result = known.isEmpty ? literalWord(reference.word) : known }
        case "-":
            result = isSet ? known : literalWord(reference.word)
        case ":+":
            if let known { result = known.isEmpty ? "" : literalWord(reference.word) }
        case "+":
            result = isSet ? (known == nil ? nil : literalWord(reference.word)) : ""
        default:
            result = nil
        }
        guard let value = result else {
            unknowns.append(Unknown(name: reference.name, text: text, quoted: quoted))
            let mark = quoted ? Self.quotedMark : Self.unquotedMark
            return "\(mark)\(unknowns.count - 1)\(Self.endMark)"
        }
        return Self.escape(value, quoted: quoted)
    }

    /// A `${X:-word}` default written without expansions; one with expansions counts as unknown.
    private func literalWord(_ word: String) -> String? {
        guard !word.contains("$"), !word.contains("`") else { return nil }
        var text = word
        if text.count >= 2, let first = text.first, first == text.last, first == "'" || first == "\"" {
            text = String(text.dropFirst().dropLast())
        }
        return text
    }

    /// A value as the shell would see it after expansion: inside double quotes one piece of text;
    /// outside, split on blanks, with nothing else special.
    static func escape(_ value: String, quoted: Bool) -> String {
        var out = ""
        for character in value {
            if quoted {
                if "\"\\$`".contains(character) { out.append("\\") }
                out.append(character)
            } else if character == " " || character == "\t" || character == "\n" {
                out.append(" ")
            } else {
                if !(character.isLetter || character.isNumber || "_-./,:=@%+^".contains(character)) { out.append("\\") }
                out.append(character)
            }
        }
        return out
    }
}
