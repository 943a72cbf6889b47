import Foundation

/// A forgiving parser for the bash subset agents write: lists, pipelines, subshells, brace
/// groups, compound commands, POSIX quoting, ANSI-C quoting, parameter, command, arithmetic
/// and process substitution, and here-documents.
///
/// It never throws and always terminates: a syntax error (an unterminated quote, a missing
/// `)`) is recorded in `problems`, the construct is closed at the end of the input, and parsing
/// goes on, so the caller can both audit what was written and fail closed on the error.
///
/// This is the only shell parser: ``ShellWords`` is its strict view (any problem refuses the
/// text) and the command audit its lenient one (problems become findings).
struct ShellParser {
    /// A syntax error and the byte offset where the construct at fault starts.
    struct Problem: Sendable, Equatable {
        var message: String
        var offset: Int
    }

    /// Deepest nesting of lists (subshells, substitutions, groups) accepted.
    static let maxNesting = 64

    private enum Terminator {
        case endOfInput, closeParen, closeBrace, caseItem
    }

    /// A word being built.
    private struct WordBuilder {
        var bytes: [UInt8] = []
        var isLiteral = true
        var wasQuoted = false
        var substitutions: [ShellSyntax.List] = []
        var processSubstitutions: [ShellSyntax.List] = []
        var offset = 0

        func build() -> ShellSyntax.Word {
            ShellSyntax.Word(
                text: String(decoding: bytes, as: UTF8.self),
                isLiteral: isLiteral,
                wasQuoted: wasQuoted,
                substitutions: substitutions,
                processSubstitutions: processSubstitutions,
                offset: offset
            )
        }
    }

    private let bytes: [UInt8]
    private var pos = 0
    private var nesting: Int
    /// Syntax errors found, in words (never quoting the input).
    private(set) var problems: [Problem] = []
    /// A here-document body to jump over when the newline at `lineEnd` is consumed.
    private var heredocSkip: (lineEnd: Int, resume: Int)?

    private init(_ text: String, nesting: Int) {
        self.bytes = Array(text.utf8)
        self.nesting = nesting
    }

    // MARK: - Entry points

    /// Parses a whole command string.
    /// - Parameters:
    ///   - text: the command string.
    ///   - nesting: the nesting level the text starts at (for text taken from backquotes).
    /// - Returns: the list and the syntax errors found.
    static func parse(_ text: String, nesting: Int = 0) -> (list: ShellSyntax.List, errors: [String]) {
        let parsed = parseWithProblems(text, nesting: nesting)
        return (parsed.list, parsed.problems.map(\.message))
    }

    /// Parses a whole command string, keeping where each syntax error is.
    static func parseWithProblems(_ text: String, nesting: Int = 0) -> (list: ShellSyntax.List, problems: [Problem]) {
        var parser = ShellParser(text, nesting: nesting)
        let list = parser.parseList(until: .endOfInput, openedAt: 0)
        return (list, parser.problems)
    }

    private mutating func fail(_ message: String, at offset: Int? = nil) {
        problems.append(Problem(message: message, offset: offset ?? pos))
    }

    /// Finds the commands substituted in text that undergoes expansion but is not parsed as
    /// commands (an unquoted here-document body).
    static func substitutions(in text: String, nesting: Int) -> (lists: [ShellSyntax.List], problems: [Problem]) {
        var parser = ShellParser(text, nesting: nesting)
        var scratch = WordBuilder()
        while let byte = parser.peek() {
            switch byte {
            case UInt8(ascii: "\\"): parser.advance(2)
            case UInt8(ascii: "$"): parser.lexDollar(into: &scratch, inDoubleQuotes: true)
            case UInt8(ascii: "`"): parser.lexBackquote(into: &scratch, inDoubleQuotes: true)
            default: parser.advance(1)
            }
        }
        return (scratch.substitutions + scratch.processSubstitutions, parser.problems)
    }

    // MARK: - Bytes

    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = pos + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func advance(_ count: Int) {
        pos = min(pos + count, bytes.count)
    }

    /// The source text of `range`, without surrounding blanks and newlines.
    private func text(_ range: Range<Int>) -> String {
        var lower = min(range.lowerBound, bytes.count)
        var upper = min(max(range.upperBound, lower), bytes.count)
        while lower < upper, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[lower]) { lower += 1 }
        while upper > lower, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    private static func isMeta(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"),
             UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"):
            return true
        default:
            return false
        }
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isNameChar(_ byte: UInt8) -> Bool {
        isNameStart(byte) || isDigit(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Skips blanks, line continuations and comments (not newlines).
    private mutating func skipBlanks() {
        while let byte = peek() {
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                pos += 1
            } else if byte == UInt8(ascii: "\\"), peek(1) == 0x0A {
                pos += 2
            } else if byte == UInt8(ascii: "#") {
                while let next = peek(), next != 0x0A { pos += 1 }
            } else {
                return
            }
        }
    }

    /// Consumes the newline at `pos`, jumping over a pending here-document body.
    private mutating func consumeNewline() {
        let at = pos
        pos += 1
        if let skip = heredocSkip {
            if skip.lineEnd == at {
                pos = skip.resume
                heredocSkip = nil
            } else if skip.lineEnd < at {
                heredocSkip = nil
            }
        }
    }

    private mutating func skipBlanksAndNewlines() {
        while true {
            skipBlanks()
            guard peek() == 0x0A else { return }
            consumeNewline()
        }
    }

    /// The unquoted plain word at `pos` (a reserved word candidate), without consuming it.
    private func peekPlainWord() -> String? {
        var index = pos
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isMeta(byte) { break }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"), UInt8(ascii: "`"):
                return nil
            default:
                index += 1
            }
        }
        guard index > pos else { return nil }
        return String(decoding: bytes[pos..<index], as: UTF8.self)
    }

    // MARK: - Lists and pipelines

    private mutating func parseList(until terminator: Terminator, openedAt opened: Int) -> ShellSyntax.List {
        let start = pos
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else {
            fail("nesting deeper than \(Self.maxNesting) levels")
            pos = bytes.count
            return ShellSyntax.List(pipelines: [])
        }
        var pipelines: [ShellSyntax.Pipeline] = []
        /// Records the operator that ended the last pipeline, when it has none yet.
        func terminate(_ op: String) {
            guard let last = pipelines.indices.last, pipelines[last].terminator == nil else { return }
            pipelines[last].terminator = op
        }
        loop: while true {
            skipBlanks()
            guard let byte = peek() else {
                switch terminator {
                case .closeParen: fail(opened < bytes.count && bytes[opened] == UInt8(ascii: "$") ? "unterminated $(" : "unterminated (", at: opened)
                case .closeBrace: fail("unterminated { (missing '}')", at: opened)
                case .endOfInput, .caseItem: break
                }
                break loop
            }
            switch byte {
            case 0x0A:
                terminate("\n")
                consumeNewline()
                continue loop
            case UInt8(ascii: ";"):
                if terminator == .caseItem, peek(1) == UInt8(ascii: ";") || peek(1) == UInt8(ascii: "&") {
                    break loop
                }
                if peek(1) == UInt8(ascii: ";") {
                    fail("unexpected ';;'")
                    advance(2)
                } else {
                    terminate(";")
                    advance(1)
                }
                continue loop
            case UInt8(ascii: "&"):
                if peek(1) == UInt8(ascii: "&") {
                    terminate("&&")
                    advance(2)
                    continue loop
                }
                if peek(1) != UInt8(ascii: ">") {
                    terminate("&")
                    advance(1)
                    continue loop
                }
            case UInt8(ascii: "|"):
                if peek(1) == UInt8(ascii: "|") {
                    terminate("||")
                    advance(2)
                } else {
                    fail("unexpected '|'")
                    advance(1)
                }
                continue loop
            case UInt8(ascii: ")"):
                if terminator == .closeParen { break loop }
                fail("unexpected ')'")
                advance(1)
                continue loop
            default:
                break
            }
            if terminator == .closeBrace, peekPlainWord() == "}" { break loop }
            if terminator == .caseItem, peekPlainWord() == "esac" { break loop }
            let before = pos
            if let pipeline = parsePipeline() {
                pipelines.append(pipeline)
            }
            if pos == before {
                fail("unexpected character")
                advance(1)
            }
        }
        return ShellSyntax.List(pipelines: pipelines, source: text(start..<pos))
    }

    private mutating func parsePipeline() -> ShellSyntax.Pipeline? {
        skipBlanks()
        let start = pos
        var commands: [ShellSyntax.Command] = []
        var pipes: [String] = []
        if peekPlainWord() == "!" {
            advance(1)
        }
        if let command = parseCommand() {
            commands.append(command)
        }
        while true {
            skipBlanks()
            guard peek() == UInt8(ascii: "|"), peek(1) != UInt8(ascii: "|") else { break }
            let pipe = peek(1) == UInt8(ascii: "&") ? "|&" : "|"
            advance(pipe.utf8.count)
            skipBlanksAndNewlines()
            if let command = parseCommand() {
                if !commands.isEmpty { pipes.append(pipe) }
                commands.append(command)
            }
        }
        guard !commands.isEmpty else { return nil }
        return ShellSyntax.Pipeline(commands: commands, source: text(start..<pos), pipes: pipes)
    }

    // MARK: - Commands

    private mutating func parseCommand() -> ShellSyntax.Command? {
        skipBlanks()
        // Keywords that only introduce the next command; a loop, so `then then then …` cannot
        // exhaust the stack.
        while let keyword = peekPlainWord(), ["if", "then", "elif", "else", "do", "while", "until", "coproc", "!", "time"].contains(keyword) {
            advance(keyword.utf8.count)
            skipBlanks()
            if keyword == "time", peekPlainWord() == "-p" {
                advance(2)
                skipBlanks()
            }
        }
        guard let byte = peek() else { return nil }
        let start = pos
        if byte == UInt8(ascii: "(") {
            if peek(1) == UInt8(ascii: "(") {
                advance(2)
                let lists = scanArithmetic(openedAt: start)
                return .simple(pseudoCommand(words: [.literal("(("), expansionCarrier(lists)], start: start))
            }
            advance(1)
            let list = parseList(until: .closeParen, openedAt: start)
            if peek() == UInt8(ascii: ")") { advance(1) }
            let redirects = parseTrailingRedirects()
            return .group(list, isSubshell: true, redirects: redirects, source: text(start..<pos))
        }
        guard let word = peekPlainWord() else { return parseSimpleCommand() }
        switch word {
        case "{":
            advance(1)
            let list = parseList(until: .closeBrace, openedAt: start)
            if peekPlainWord() == "}" { advance(1) }
            let redirects = parseTrailingRedirects()
            return .group(list, isSubshell: false, redirects: redirects, source: text(start..<pos))
        case "fi", "done", "esac", "}":
            advance(word.utf8.count)
            let redirects = parseTrailingRedirects()
            guard !redirects.isEmpty else { return nil }
            return .simple(ShellSyntax.SimpleCommand(
                assignments: [], words: [], redirects: redirects, source: text(start..<pos), isPseudo: false, offset: start))
        case "for", "select":
            advance(word.utf8.count)
            return parseFor(start: start)
        case "case":
            advance(4)
            return parseCase(start: start)
        case "function":
            advance(8)
            skipBlanks()
            if let first = peek(), !Self.isMeta(first) { _ = parseWord() }
            skipBlanks()
            consumeFunctionParens()
            return nil
        case "[[":
            advance(2)
            return parseConditional(start: start)
        default:
            return parseSimpleCommand()
        }
    }

    private mutating func parseSimpleCommand() -> ShellSyntax.Command? {
        let start = pos
        var assignments: [ShellSyntax.Word] = []
        var words: [ShellSyntax.Word] = []
        var redirects: [ShellSyntax.Redirect] = []
        var end = pos
        loop: while true {
            skipBlanks()
            guard let byte = peek() else { break }
            if let redirect = parseRedirect() {
                redirects.append(redirect)
                end = pos
                continue
            }
            switch byte {
            case 0x0A, UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: ")"):
                break loop
            case UInt8(ascii: "("):
                if words.count == 1, assignments.isEmpty, consumeFunctionParens() {
                    return nil
                }
                fail("syntax error near unexpected token '(' (quote the word)")
                advance(1)
                continue loop
            default:
                break
            }
            let isAssignment = words.isEmpty && looksLikeAssignment()
            // `export NAME=(a b)`, `declare -a NAME=(…)`: bash reads an array here too.
            let isDeclaredAssignment = !isAssignment && words.first.map { Self.declarationBuiltins.contains($0.text) } == true
                && looksLikeAssignment()
            let before = pos
            var word = parseWord()
            if pos == before {
                fail("unexpected character")
                advance(1)
                continue
            }
            if isAssignment || isDeclaredAssignment {
                if word.text.hasSuffix("="), peek() == UInt8(ascii: "(") {
                    advance(1)
                    parseArrayElements(into: &word)
                    // The whole `NAME=( … )` as written, as the strict view reports it.
                    word.text = String(decoding: bytes[before..<pos], as: UTF8.self)
                }
                if isAssignment { assignments.append(word) } else { words.append(word) }
            } else {
                words.append(word)
            }
            end = pos
        }
        if words.isEmpty, assignments.isEmpty, redirects.isEmpty { return nil }
        return .simple(ShellSyntax.SimpleCommand(
            assignments: assignments, words: words, redirects: redirects, source: text(start..<end), isPseudo: false,
            offset: start))
    }

    /// `name ( )` of a function definition: consumes it and returns `true` when present.
    @discardableResult
    private mutating func consumeFunctionParens() -> Bool {
        guard peek() == UInt8(ascii: "(") else { return false }
        var index = pos + 1
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else { return false }
        pos = index + 1
        return true
    }

    /// Builtins whose `NAME=( … )` arguments bash parses as array assignments.
    private static let declarationBuiltins: Set<String> = ["declare", "typeset", "local", "export", "readonly"]

    private func looksLikeAssignment() -> Bool {
        var index = pos
        guard index < bytes.count, Self.isNameStart(bytes[index]) else { return false }
        index += 1
        while index < bytes.count, Self.isNameChar(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "[") {
            while index < bytes.count, bytes[index] != UInt8(ascii: "]"), !Self.isMeta(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "]") else { return false }
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") { index += 1 }
        return index < bytes.count && bytes[index] == UInt8(ascii: "=")
    }

    /// The elements of `name=( … )`, whose substitutions are folded into the assignment word.
    private mutating func parseArrayElements(into word: inout ShellSyntax.Word) {
        while true {
            skipBlanksAndNewlines()
            guard let byte = peek() else {
                fail("unterminated ( in an array assignment")
                return
            }
            if byte == UInt8(ascii: ")") {
                advance(1)
                return
            }
            let before = pos
            let element = parseWord()
            if pos == before {
                fail("unexpected character in array assignment")
                advance(1)
                continue
            }
            word.isLiteral = word.isLiteral && element.isLiteral
            word.substitutions += element.substitutions
            word.processSubstitutions += element.processSubstitutions
        }
    }

    private mutating func parseTrailingRedirects() -> [ShellSyntax.Redirect] {
        var redirects: [ShellSyntax.Redirect] = []
        while true {
            skipBlanks()
            guard let redirect = parseRedirect() else { return redirects }
            redirects.append(redirect)
        }
    }

    private func pseudoCommand(words: [ShellSyntax.Word], start: Int) -> ShellSyntax.SimpleCommand {
        ShellSyntax.SimpleCommand(assignments: [], words: words, redirects: [], source: text(start..<pos), isPseudo: true,
                                  offset: start)
    }

    private func expansionCarrier(_ lists: [ShellSyntax.List]) -> ShellSyntax.Word {
        ShellSyntax.Word(text: "", isLiteral: lists.isEmpty, wasQuoted: false, substitutions: lists, processSubstitutions: [])
    }

    // MARK: - Compound commands

    /// `for name [in words]` / `select …` / `for (( … ))`; the body follows as ordinary commands.
    private mutating func parseFor(start: Int) -> ShellSyntax.Command? {
        skipBlanks()
        if peek() == UInt8(ascii: "("), peek(1) == UInt8(ascii: "(") {
            let opened = pos
            advance(2)
            let lists = scanArithmetic(openedAt: opened)
            return .simple(pseudoCommand(words: [.literal("for"), expansionCarrier(lists)], start: start))
        }
        var name = ShellSyntax.Word.literal("")
        if let byte = peek(), !Self.isMeta(byte) { name = parseWord() }
        skipBlanksAndNewlines()
        guard peekPlainWord() == "in" else { return nil }
        advance(2)
        // `for NAME in WORDS…`: the keyword, the loop variable, then the words it takes.
        var words: [ShellSyntax.Word] = [.literal("for"), name]
        while true {
            skipBlanks()
            guard let byte = peek(), !Self.isMeta(byte) else { break }
            let before = pos
            words.append(parseWord())
            if pos == before { advance(1) }
        }
        return .simple(pseudoCommand(words: words, start: start))
    }

    /// `case word in pattern) list ;; … esac`, flattened into a group.
    private mutating func parseCase(start: Int) -> ShellSyntax.Command? {
        var carried: [ShellSyntax.Word] = [.literal("case")]
        skipBlanks()
        if let byte = peek(), !Self.isMeta(byte) { carried.append(parseWord()) }
        skipBlanksAndNewlines()
        guard peekPlainWord() == "in" else {
            fail("expected 'in' after 'case'")
            return .simple(pseudoCommand(words: carried, start: start))
        }
        advance(2)
        var pipelines: [ShellSyntax.Pipeline] = []
        items: while true {
            skipBlanksAndNewlines()
            guard peek() != nil else {
                fail("unterminated case (missing 'esac')", at: start)
                break
            }
            if peekPlainWord() == "esac" {
                advance(4)
                break
            }
            if peek() == UInt8(ascii: "(") { advance(1) }
            patterns: while true {
                skipBlanks()
                guard let byte = peek() else {
                    fail("missing ')' after a case pattern")
                    break items
                }
                switch byte {
                case UInt8(ascii: ")"):
                    advance(1)
                    break patterns
                case UInt8(ascii: "|"):
                    advance(1)
                case 0x0A, UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: "<"), UInt8(ascii: ">"):
                    fail("malformed case pattern")
                    advance(1)
                    break patterns
                default:
                    let before = pos
                    carried.append(parseWord())
                    if pos == before { advance(1) }
                }
            }
            let body = parseList(until: .caseItem, openedAt: start)
            pipelines += body.pipelines
            skipBlanks()
            if peek() == UInt8(ascii: ";") {
                if peek(1) == UInt8(ascii: ";") {
                    advance(2)
                    if peek() == UInt8(ascii: "&") { advance(1) }
                } else if peek(1) == UInt8(ascii: "&") {
                    advance(2)
                }
            }
        }
        let carrier = ShellSyntax.Pipeline(commands: [.simple(pseudoCommand(words: carried, start: start))], source: "case")
        let redirects = parseTrailingRedirects()
        return .group(ShellSyntax.List(pipelines: [carrier] + pipelines), isSubshell: false,
                      redirects: redirects, source: text(start..<pos))
    }

    /// `[[ … ]]`: operators inside are words, not list or pipeline separators.
    private mutating func parseConditional(start: Int) -> ShellSyntax.Command? {
        var words: [ShellSyntax.Word] = [.literal("[[")]
        while true {
            skipBlanksAndNewlines()
            guard let byte = peek() else {
                fail("unterminated [[ (missing ']]')", at: start)
                break
            }
            if peekPlainWord() == "]]" {
                advance(2)
                words.append(.literal("]]"))
                break
            }
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "|"):
                let double = peek(1) == byte
                words.append(.literal(double ? String(decoding: [byte, byte], as: UTF8.self) : String(decoding: [byte], as: UTF8.self)))
                advance(double ? 2 : 1)
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"):
                words.append(.literal(String(decoding: [byte], as: UTF8.self)))
                advance(1)
            case UInt8(ascii: ";"):
                fail("unexpected ';' in [[ ]]")
                advance(1)
            default:
                let before = pos
                words.append(parseWord())
                if pos == before { advance(1) }
            }
        }
        let redirects = parseTrailingRedirects()
        return .simple(ShellSyntax.SimpleCommand(
            assignments: [], words: words, redirects: redirects, source: text(start..<pos), isPseudo: false, offset: start))
    }

    // MARK: - Redirections

    private mutating func parseRedirect() -> ShellSyntax.Redirect? {
        let opened = pos
        var index = pos
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        if index == pos, index < bytes.count, bytes[index] == UInt8(ascii: "{") {
            var probe = index + 1
            if probe < bytes.count, Self.isNameStart(bytes[probe]) {
                while probe < bytes.count, Self.isNameChar(bytes[probe]) { probe += 1 }
                if probe < bytes.count, bytes[probe] == UInt8(ascii: "}"),
                   probe + 1 < bytes.count, bytes[probe + 1] == UInt8(ascii: "<") || bytes[probe + 1] == UInt8(ascii: ">") {
                    index = probe + 1
                }
            }
        }
        guard index < bytes.count else { return nil }
        let first = bytes[index]
        let second: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
        let third: UInt8? = index + 2 < bytes.count ? bytes[index + 2] : nil
        let op: String
        switch first {
        case UInt8(ascii: "<"):
            if second == UInt8(ascii: "(") { return nil }
            if second == UInt8(ascii: "<") {
                if third == UInt8(ascii: "<") {
                    op = "<<<"
                } else if third == UInt8(ascii: "-") {
                    op = "<<-"
                } else {
                    op = "<<"
                }
            } else if second == UInt8(ascii: ">") {
                op = "<>"
            } else if second == UInt8(ascii: "&") {
                op = "<&"
            } else {
                op = "<"
            }
        case UInt8(ascii: ">"):
            if second == UInt8(ascii: "("), index == pos { return nil }
            if second == UInt8(ascii: ">") {
                op = ">>"
            } else if second == UInt8(ascii: "|") {
                op = ">|"
            } else if second == UInt8(ascii: "&") {
                op = ">&"
            } else {
                op = ">"
            }
        case UInt8(ascii: "&") where index == pos && second == UInt8(ascii: ">"):
            op = third == UInt8(ascii: ">") ? "&>>" : "&>"
        default:
            return nil
        }
        let fileDescriptor = index > opened && bytes[opened] != UInt8(ascii: "{")
            ? Int(String(decoding: bytes[opened..<index], as: UTF8.self)) : nil
        pos = index + op.utf8.count
        skipBlanks()
        guard let next = peek(), !Self.isMeta(next) || next == UInt8(ascii: "<") || next == UInt8(ascii: ">") else {
            fail("redirection without a target after '\(op)'", at: opened)
            return ShellSyntax.Redirect(op: op, fileDescriptor: fileDescriptor, target: .literal(""), heredocBody: nil,
                                        heredocSubstitutions: [])
        }
        let before = pos
        let target = parseWord()
        if pos == before {
            fail("redirection without a target after '\(op)'", at: opened)
            advance(1)
        }
        if op == "<<" || op == "<<-" {
            let (body, lists) = readHeredoc(delimiter: target.text, quoted: target.wasQuoted, stripTabs: op == "<<-", at: opened)
            return ShellSyntax.Redirect(op: op, fileDescriptor: fileDescriptor, target: target, heredocBody: body,
                                        heredocSubstitutions: lists)
        }
        return ShellSyntax.Redirect(op: op, fileDescriptor: fileDescriptor, target: target, heredocBody: nil,
                                    heredocSubstitutions: [])
    }

    /// Reads a here-document body starting after the current line (or after the previous
    /// here-document on the same line) and arranges for the main parse to skip it.
    private mutating func readHeredoc(delimiter: String, quoted: Bool, stripTabs: Bool, at opened: Int) -> (String, [ShellSyntax.List]) {
        let lineEnd: Int
        let bodyStart: Int
        if let skip = heredocSkip, skip.lineEnd >= pos {
            lineEnd = skip.lineEnd
            bodyStart = skip.resume
        } else {
            var index = pos
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            lineEnd = index
            bodyStart = index + 1
        }
        guard bodyStart <= bytes.count else { return ("", []) }
        let delimiterBytes = Array(delimiter.utf8)
        var bodyLines: [ArraySlice<UInt8>] = []
        var lineStart = bodyStart
        var resume = bytes.count
        while lineStart < bytes.count {
            var lineStop = lineStart
            while lineStop < bytes.count, bytes[lineStop] != 0x0A { lineStop += 1 }
            var contentStart = lineStart
            if stripTabs {
                while contentStart < lineStop, bytes[contentStart] == 0x09 { contentStart += 1 }
            }
            var contentStop = lineStop
            if contentStop > contentStart, bytes[contentStop - 1] == 0x0D { contentStop -= 1 }
            if Array(bytes[contentStart..<contentStop]) == delimiterBytes {
                resume = min(lineStop + 1, bytes.count)
                break
            }
            bodyLines.append(bytes[contentStart..<lineStop])
            lineStart = lineStop + 1
        }
        heredocSkip = (lineEnd, resume)
        let body = bodyLines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        guard !quoted else { return (body, []) }
        let found = Self.substitutions(in: body, nesting: nesting + 1)
        problems += found.problems.map { Problem(message: $0.message, offset: opened) }
        return (body, found.lists)
    }

    // MARK: - Words

    private mutating func parseWord() -> ShellSyntax.Word {
        var word = WordBuilder()
        word.offset = pos
        while let byte = peek() {
            if byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">"), peek(1) == UInt8(ascii: "(") {
                lexProcessSubstitution(into: &word)
                continue
            }
            if Self.isMeta(byte) { break }
            switch byte {
            case UInt8(ascii: "\\"):
                if let next = peek(1) {
                    if next != 0x0A {
                        word.bytes.append(next)
                        word.wasQuoted = true
                    }
                    advance(2)
                } else {
                    word.bytes.append(byte)
                    advance(1)
                }
            case UInt8(ascii: "'"):
                lexSingleQuoted(into: &word)
            case UInt8(ascii: "\""):
                lexDoubleQuoted(into: &word)
            case UInt8(ascii: "$"):
                lexDollar(into: &word, inDoubleQuotes: false)
            case UInt8(ascii: "`"):
                lexBackquote(into: &word, inDoubleQuotes: false)
            default:
                word.bytes.append(byte)
                advance(1)
            }
        }
        return word.build()
    }

    private mutating func lexSingleQuoted(into word: inout WordBuilder) {
        let opened = pos
        advance(1)
        word.wasQuoted = true
        while let byte = peek() {
            advance(1)
            if byte == UInt8(ascii: "'") { return }
            word.bytes.append(byte)
        }
        fail("unterminated single quote", at: opened)
    }

    private mutating func lexDoubleQuoted(into word: inout WordBuilder) {
        let opened = pos
        advance(1)
        word.wasQuoted = true
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                advance(1)
                return
            case UInt8(ascii: "\\"):
                if let next = peek(1), next == UInt8(ascii: "$") || next == UInt8(ascii: "`")
                    || next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next == 0x0A {
                    if next != 0x0A { word.bytes.append(next) }
                    advance(2)
                } else {
                    word.bytes.append(byte)
                    advance(1)
                }
            case UInt8(ascii: "$"):
                lexDollar(into: &word, inDoubleQuotes: true)
            case UInt8(ascii: "`"):
                lexBackquote(into: &word, inDoubleQuotes: true)
            default:
                word.bytes.append(byte)
                advance(1)
            }
        }
        fail("unterminated double quote", at: opened)
    }

    private mutating func lexDollar(into word: inout WordBuilder, inDoubleQuotes: Bool) {
        let start = pos
        guard let next = peek(1) else {
            word.bytes.append(UInt8(ascii: "$"))
            advance(1)
            return
        }
        switch next {
        case UInt8(ascii: "("):
            if peek(2) == UInt8(ascii: "(") {
                advance(3)
                guard enterNesting() else { return }
                defer { nesting -= 1 }
                word.substitutions += scanArithmetic(openedAt: start)
            } else {
                advance(2)
                let list = parseList(until: .closeParen, openedAt: start)
                if peek() == UInt8(ascii: ")") { advance(1) }
                word.substitutions.append(list)
            }
            word.isLiteral = false
            word.bytes += bytes[start..<pos]
        case UInt8(ascii: "{"):
            advance(2)
            guard enterNesting() else { return }
            defer { nesting -= 1 }
            var inner = WordBuilder()
            scanBraced(into: &inner, inDoubleQuotes: inDoubleQuotes, openedAt: start)
            word.substitutions += inner.substitutions + inner.processSubstitutions
            word.isLiteral = false
            word.bytes += bytes[start..<pos]
        case UInt8(ascii: "'") where !inDoubleQuotes:
            advance(2)
            lexANSIC(into: &word)
        case UInt8(ascii: "\"") where !inDoubleQuotes:
            advance(1)
            lexDoubleQuoted(into: &word)
        default:
            if Self.isNameStart(next) {
                advance(2)
                while let byte = peek(), Self.isNameChar(byte) { advance(1) }
            } else if Self.isDigit(next) || "@*#?$!-".utf8.contains(next) {
                advance(2)
            } else {
                word.bytes.append(UInt8(ascii: "$"))
                advance(1)
                return
            }
            word.isLiteral = false
            word.bytes += bytes[start..<pos]
        }
    }

    /// Enters one more level of nesting; past the limit, records an error, skips the rest of
    /// the input and returns `false`.
    private mutating func enterNesting() -> Bool {
        nesting += 1
        guard nesting <= Self.maxNesting else {
            nesting -= 1
            fail("nesting deeper than \(Self.maxNesting) levels")
            pos = bytes.count
            return false
        }
        return true
    }

    /// The rest of `${…}` after the opening brace.
    private mutating func scanBraced(into word: inout WordBuilder, inDoubleQuotes: Bool, openedAt opened: Int) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "}"):
                advance(1)
                return
            case UInt8(ascii: "\\"):
                advance(2)
            case UInt8(ascii: "'") where !inDoubleQuotes:
                lexSingleQuoted(into: &word)
            case UInt8(ascii: "\""):
                lexDoubleQuoted(into: &word)
            case UInt8(ascii: "$"):
                lexDollar(into: &word, inDoubleQuotes: true)
            case UInt8(ascii: "`"):
                lexBackquote(into: &word, inDoubleQuotes: true)
            default:
                advance(1)
            }
        }
        fail("unterminated ${", at: opened)
    }

    /// The rest of `$((…))` or `((…))` after the opening parentheses; returns the command
    /// substitutions inside.
    private mutating func scanArithmetic(openedAt opened: Int) -> [ShellSyntax.List] {
        var scratch = WordBuilder()
        var depth = 0
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "("):
                depth += 1
                advance(1)
            case UInt8(ascii: ")"):
                if depth == 0 {
                    advance(peek(1) == UInt8(ascii: ")") ? 2 : 1)
                    return scratch.substitutions + scratch.processSubstitutions
                }
                depth -= 1
                advance(1)
            case UInt8(ascii: "$"):
                lexDollar(into: &scratch, inDoubleQuotes: true)
            case UInt8(ascii: "`"):
                lexBackquote(into: &scratch, inDoubleQuotes: true)
            case UInt8(ascii: "\""):
                lexDoubleQuoted(into: &scratch)
            case UInt8(ascii: "'"):
                lexSingleQuoted(into: &scratch)
            case UInt8(ascii: "\\"):
                advance(2)
            default:
                advance(1)
            }
        }
        fail("unterminated arithmetic expression", at: opened)
        return scratch.substitutions + scratch.processSubstitutions
    }

    private mutating func lexBackquote(into word: inout WordBuilder, inDoubleQuotes: Bool) {
        let start = pos
        advance(1)
        var inner: [UInt8] = []
        var closed = false
        while let byte = peek() {
            if byte == UInt8(ascii: "`") {
                advance(1)
                closed = true
                break
            }
            if byte == UInt8(ascii: "\\"), let next = peek(1),
               next == UInt8(ascii: "$") || next == UInt8(ascii: "`") || next == UInt8(ascii: "\\")
                || (inDoubleQuotes && next == UInt8(ascii: "\"")) {
                inner.append(next)
                advance(2)
                continue
            }
            inner.append(byte)
            advance(1)
        }
        if !closed { fail("unterminated backquote", at: start) }
        if nesting + 1 > Self.maxNesting {
            fail("nesting deeper than \(Self.maxNesting) levels", at: start)
        } else {
            // The body is parsed on its own, so its problems are placed at the backquote.
            let nested = Self.parseWithProblems(String(decoding: inner, as: UTF8.self), nesting: nesting + 1)
            problems += nested.problems.map { Problem(message: $0.message, offset: start) }
            word.substitutions.append(nested.list)
        }
        word.isLiteral = false
        word.bytes += bytes[start..<pos]
    }

    private mutating func lexProcessSubstitution(into word: inout WordBuilder) {
        let start = pos
        advance(2)
        let list = parseList(until: .closeParen, openedAt: start)
        if peek() == UInt8(ascii: ")") { advance(1) }
        word.processSubstitutions.append(list)
        word.isLiteral = false
        word.bytes += bytes[start..<pos]
    }

    /// The rest of `$'…'` after the opening quote, with ANSI-C escapes decoded.
    private mutating func lexANSIC(into word: inout WordBuilder) {
        let opened = pos - 2
        word.wasQuoted = true
        while let byte = peek() {
            if byte == UInt8(ascii: "'") {
                advance(1)
                return
            }
            guard byte == UInt8(ascii: "\\"), let next = peek(1) else {
                word.bytes.append(byte)
                advance(1)
                continue
            }
            advance(2)
            switch next {
            case UInt8(ascii: "n"): word.bytes.append(0x0A)
            case UInt8(ascii: "t"): word.bytes.append(0x09)
            case UInt8(ascii: "r"): word.bytes.append(0x0D)
            case UInt8(ascii: "a"): word.bytes.append(0x07)
            case UInt8(ascii: "b"): word.bytes.append(0x08)
            case UInt8(ascii: "e"), UInt8(ascii: "E"): word.bytes.append(0x1B)
            case UInt8(ascii: "f"): word.bytes.append(0x0C)
            case UInt8(ascii: "v"): word.bytes.append(0x0B)
            case UInt8(ascii: "x"):
                word.bytes.append(UInt8(truncatingIfNeeded: readNumber(radix: 16, maxDigits: 2)))
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let value = readNumber(radix: 16, maxDigits: next == UInt8(ascii: "u") ? 4 : 8)
                let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                word.bytes += Array(String(Character(scalar)).utf8)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                pos -= 1
                word.bytes.append(UInt8(truncatingIfNeeded: readNumber(radix: 8, maxDigits: 3)))
            case UInt8(ascii: "c"):
                if let control = peek() {
                    word.bytes.append(control & 0x1F)
                    advance(1)
                }
            default:
                if next != UInt8(ascii: "\\"), next != UInt8(ascii: "'"), next != UInt8(ascii: "\""), next != UInt8(ascii: "?") {
                    word.bytes.append(UInt8(ascii: "\\"))
                }
                word.bytes.append(next)
            }
        }
        fail("unterminated $' quote", at: opened)
    }

    private mutating func readNumber(radix: UInt32, maxDigits: Int) -> UInt32 {
        var value: UInt32 = 0
        var count = 0
        while count < maxDigits, let byte = peek() {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return value
            }
            guard digit < radix else { return value }
            value = value &* radix &+ digit
            count += 1
            advance(1)
        }
        return value
    }
}
