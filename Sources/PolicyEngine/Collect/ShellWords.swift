import Foundation

/// Splits shell text into words and simple commands the way a POSIX shell (and bash, for the few bash
/// forms CI scripts use) tokenizes it, without expanding anything.
///
/// What it does:
/// - single quotes, double quotes (where `\` escapes only `$`, `` ` ``, `"`, `\` and newline),
///   backslash escapes, line continuations (`\` + newline), `#` comments at the start of a word;
/// - `$VAR`, `${VAR}`, `${VAR:-default}`, `$(…)`, `$((…))` and backquotes are left as text but kept
///   inside their word, so `"${AI_FLOW_INPUT:-'x y'}"` is the single word `${AI_FLOW_INPUT:-'x y'}`;
/// - bash's `$'…'` (ANSI-C quoting) is decoded, `$"…"` is read as a double-quoted string;
/// - scripts are split into simple commands on unquoted `;`, `;;`, `&&`, `||`, `|`, `|&`, `&`, `(`, `)`
///   and newlines; redirections (`>`, `>>`, `2>&1`, `<`, `<<EOF` with its here-document body, `<<<`,
///   `&>`, …) are taken out of the words and reported separately;
/// - reserved words that open a compound command (`if`, `then`, `else`, `elif`, `do`, `while`,
///   `until`, `!`, `{`) are dropped from the front of a simple command, and a command that is only a
///   closing word (`fi`, `done`, `}`, `esac`) is dropped, so `then claude -p x` yields `claude -p x`.
///
/// Unterminated quotes and substitutions, a redirection without a target and a `(` in the middle
/// of a command (a syntax error in the shell, e.g. unquoted `Bash(git diff *)`) are errors.
public enum ShellWords {
    // MARK: - Public values

    /// One simple command found in a script.
    public struct Command: Sendable, Hashable {
        /// The command's words after quote removal, without redirections; expansions are left as text.
        public var words: [String]
        /// The 1-based line of the script on which the command starts.
        public var line: Int
        /// The control operator that ended the command (`;`, `&&`, `||`, `|`, `|&`, `&`, `;;`, `(`,
        /// `)` or `"\n"`), or `nil` at the end of the script.
        public var terminator: String?
        /// The redirections attached to the command, in order.
        public var redirections: [Redirection]
        /// The raw bodies of the `$(…)` and backquote substitutions that appear in the command's words,
        /// so a caller can look for commands nested inside them.
        public var substitutions: [String]

        /// Creates a command value.
        /// - Parameters:
        ///   - words: The words after quote removal.
        ///   - line: The 1-based line on which the command starts.
        ///   - terminator: The control operator that ended it, if any.
        ///   - redirections: Its redirections.
        ///   - substitutions: Raw bodies of command substitutions inside its words.
        public init(
            words: [String],
            line: Int,
            terminator: String? = nil,
            redirections: [Redirection] = [],
            substitutions: [String] = []
        ) {
            self.words = words
            self.line = line
            self.terminator = terminator
            self.redirections = redirections
            self.substitutions = substitutions
        }
    }

    /// A redirection such as `2>&1`, `> out.json` or `<<EOF`.
    public struct Redirection: Sendable, Hashable {
        /// The explicit file descriptor before the operator (`2` in `2>&1`), if any.
        public var fileDescriptor: Int?
        /// The operator: `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`, `&>>`, `<<`, `<<-` or `<<<`.
        public var operation: String
        /// The target word after quote removal (the delimiter for a here-document).
        public var target: String

        /// Creates a redirection value.
        /// - Parameters:
        ///   - fileDescriptor: The explicit file descriptor, if any.
        ///   - operation: The redirection operator.
        ///   - target: The target word.
        public init(fileDescriptor: Int?, operation: String, target: String) {
            self.fileDescriptor = fileDescriptor
            self.operation = operation
            self.target = target
        }
    }

    // MARK: - Public functions

    /// Splits one command line into its words, as the shell would before running it.
    ///
    /// Redirections are removed from the result. A line that holds more than one command
    /// (joined by `;`, `&&`, `|`, …) is rejected: use ``commands(in:source:)`` for scripts.
    /// - Parameters:
    ///   - line: The command line.
    ///   - source: A name for the input, used in error messages.
    /// - Returns: The words, quotes removed, expansions left as text.
    /// - Throws: ``ShellWordsError`` for unterminated quotes, syntax errors, or several commands.
    public static func split(_ line: String, source: String = "command line") throws(ShellWordsError) -> [String] {
        let parsed = try parse(line, source: source)
        for command in parsed {
            if let terminator = command.terminator, terminator != "\n", terminator != ";" {
                throw ShellWordsError.notASimpleCommand(operator: terminator, source: source, line: command.line)
            }
        }
        let nonEmpty = parsed.filter { !$0.words.isEmpty }
        if nonEmpty.count > 1, let first = nonEmpty.first {
            throw ShellWordsError.notASimpleCommand(
                operator: first.terminator ?? "\n", source: source, line: nonEmpty[1].line)
        }
        return nonEmpty.first?.words ?? []
    }

    /// Splits a script into simple commands and returns the words of each non-empty one.
    /// - Parameters:
    ///   - script: The script text (one or more lines).
    ///   - source: A name for the input, used in error messages.
    /// - Returns: One array of words per simple command, in order.
    /// - Throws: ``ShellWordsError`` for unterminated quotes or syntax errors.
    public static func commands(in script: String, source: String = "script") throws(ShellWordsError) -> [[String]] {
        try parse(script, source: source).map(\.words).filter { !$0.isEmpty }
    }

    /// Splits a script into simple commands with their lines, terminators, redirections and
    /// substitution bodies. Commands with neither words nor redirections (for example a lone `fi`)
    /// are omitted.
    /// - Parameters:
    ///   - script: The script text.
    ///   - source: A name for the input, used in error messages.
    /// - Returns: The simple commands, in order.
    /// - Throws: ``ShellWordsError`` for unterminated quotes or syntax errors.
    public static func parse(_ script: String, source: String = "script") throws(ShellWordsError) -> [Command] {
        var lexer = Lexer(text: script, source: source)
        let tokens = try lexer.tokenize()
        return try assemble(tokens, source: source)
    }

    // MARK: - Assembling commands

    private static let openingReservedWords: Set<String> = ["if", "then", "else", "elif", "do", "while", "until", "!", "{"]
    private static let closingReservedWords: Set<String> = ["fi", "done", "}", "esac"]

    private static func assemble(_ tokens: [Token], source: String) throws(ShellWordsError) -> [Command] {
        var result: [Command] = []
        var words: [String] = []
        var redirections: [Redirection] = []
        var substitutions: [String] = []
        var startLine: Int?
        var index = 0

        func finish(_ terminator: String?, line: Int) {
            var trimmed = words
            while let first = trimmed.first, openingReservedWords.contains(first) {
                trimmed.removeFirst()
            }
            if trimmed.count == 1, let only = trimmed.first, closingReservedWords.contains(only) {
                trimmed = []
            }
            if !trimmed.isEmpty || !redirections.isEmpty {
                result.append(Command(
                    words: trimmed, line: startLine ?? line, terminator: terminator,
                    redirections: redirections, substitutions: substitutions))
            }
            words = []
            redirections = []
            substitutions = []
            startLine = nil
        }

        while index < tokens.count {
            let token = tokens[index]
            switch token.kind {
            case .word(let text, let subs):
                if startLine == nil { startLine = token.line }
                words.append(text)
                substitutions.append(contentsOf: subs)
                index += 1
            case .redirection(let fd, let op):
                if startLine == nil { startLine = token.line }
                let next = index + 1
                guard next < tokens.count, case .word(let target, let subs) = tokens[next].kind else {
                    throw ShellWordsError.unexpectedToken(
                        token: op, reason: "redirection without a target", source: source,
                        line: token.line, column: token.column)
                }
                redirections.append(Redirection(fileDescriptor: fd, operation: op, target: target))
                substitutions.append(contentsOf: subs)
                index += 2
            case .control(let op):
                if op == "(" && !words.isEmpty {
                    // `name()` starts a function definition; anything else is a shell syntax error.
                    let isFunction = words.count == 1 && index + 1 < tokens.count
                        && tokens[index + 1].kind == .control(")")
                    if !isFunction {
                        throw ShellWordsError.unexpectedToken(
                            token: "(", reason: "syntax error near unexpected token '(' (quote the word)",
                            source: source, line: token.line, column: token.column)
                    }
                    words = []
                    index += 2
                    continue
                }
                finish(op, line: token.line)
                index += 1
            }
        }
        finish(nil, line: tokens.last?.line ?? 1)
        return result
    }

    // MARK: - Tokens

    fileprivate struct Token: Equatable {
        enum Kind: Equatable {
            case word(String, substitutions: [String])
            case redirection(fd: Int?, op: String)
            case control(String)
        }
        var kind: Kind
        var line: Int
        var column: Int
    }

    // MARK: - Lexer

    private struct PendingHereDocument {
        var delimiter: String
        var stripsTabs: Bool
    }

    private struct Lexer {
        let chars: [Unicode.Scalar]
        let source: String
        var index = 0
        var line = 1
        var column = 1
        var tokens: [Token] = []
        var pendingHereDocuments: [PendingHereDocument] = []
        var expectsHereDocumentDelimiter: Bool?
        /// How deeply quotes and substitutions are nested right now; bounded so hostile input cannot
        /// exhaust the stack.
        var depth = 0
        static let maximumDepth = 64

        init(text: String, source: String) {
            self.chars = Array(text.unicodeScalars)
            self.source = source
        }

        // MARK: Cursor

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            let position = index + offset
            return position < chars.count ? chars[position] : nil
        }

        mutating func advance() -> Unicode.Scalar? {
            guard index < chars.count else { return nil }
            let scalar = chars[index]
            index += 1
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            return scalar
        }

        static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || scalar == "\r"
        }

        static func isOperatorStart(_ scalar: Unicode.Scalar) -> Bool {
            ";&|()<>".unicodeScalars.contains(scalar)
        }

        // MARK: Main loop

        mutating func tokenize() throws(ShellWordsError) -> [Token] {
            while let scalar = peek() {
                if Self.isBlank(scalar) {
                    _ = advance()
                } else if scalar == "\\" && peek(1) == "\n" {
                    _ = advance()
                    _ = advance()
                } else if scalar == "#" {
                    while let next = peek(), next != "\n" { _ = advance() }
                } else if scalar == "\n" {
                    tokens.append(Token(kind: .control("\n"), line: line, column: column))
                    _ = advance()
                    readHereDocumentBodies()
                } else if Self.isOperatorStart(scalar), !startsProcessSubstitution() {
                    try readOperator(fileDescriptor: nil)
                } else {
                    try readWord()
                }
            }
            return tokens
        }

        func startsProcessSubstitution() -> Bool {
            (peek() == "<" || peek() == ">") && peek(1) == "("
        }

        // MARK: Operators

        mutating func readOperator(fileDescriptor: Int?) throws(ShellWordsError) {
            let startLine = line
            let startColumn = column
            let candidates = ["<<<", "<<-", "&>>", ";;", "&&", "||", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
                              ";", "&", "|", "(", ")", "<", ">"]
            var matched = ""
            for candidate in candidates where matches(candidate) {
                matched = candidate
                break
            }
            for _ in matched.unicodeScalars { _ = advance() }
            let redirectionOperators: Set<String> = ["<<<", "<<-", "&>>", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "<", ">"]
            if redirectionOperators.contains(matched) {
                tokens.append(Token(kind: .redirection(fd: fileDescriptor, op: matched), line: startLine, column: startColumn))
                if matched == "<<" || matched == "<<-" {
                    expectsHereDocumentDelimiter = (matched == "<<-")
                }
            } else {
                tokens.append(Token(kind: .control(matched), line: startLine, column: startColumn))
            }
        }

        func matches(_ text: String) -> Bool {
            var offset = 0
            for scalar in text.unicodeScalars {
                guard peek(offset) == scalar else { return false }
                offset += 1
            }
            return true
        }

        // MARK: Here-documents

        mutating func readHereDocumentBodies() {
            let pending = pendingHereDocuments
            pendingHereDocuments = []
            for document in pending {
                while index < chars.count {
                    var lineText = ""
                    while let scalar = peek(), scalar != "\n" {
                        lineText.unicodeScalars.append(scalar)
                        _ = advance()
                    }
                    _ = advance()
                    var candidate = Substring(lineText)
                    if document.stripsTabs {
                        while candidate.first == "\t" { candidate = candidate.dropFirst() }
                    }
                    if candidate == Substring(document.delimiter) { break }
                }
            }
        }

        // MARK: Words

        mutating func readWord() throws(ShellWordsError) {
            let startLine = line
            let startColumn = column
            var text = ""
            var substitutions: [String] = []
            var isQuoted = false

            wordLoop: while let scalar = peek() {
                switch scalar {
                case " ", "\t", "\r", "\n":
                    break wordLoop
                case ";", "&", "|", "(", ")", "<", ">":
                    if (scalar == "<" || scalar == ">") && peek(1) == "(" {
                        // Process substitution `<(…)` / `>(…)` (bash) stays inside the word.
                        _ = advance()
                        let body = try readParenthesized(openedAt: (line, column))
                        text.unicodeScalars.append(scalar)
                        text += "(" + body + ")"
                        substitutions.append(body)
                        continue
                    }
                    if scalar == "(" && Self.isArrayAssignmentPrefix(text) && !isQuoted {
                        let body = try readParenthesized(openedAt: (line, column))
                        text += "(" + body + ")"
                        continue
                    }
                    if (scalar == "<" || scalar == ">") && !isQuoted && !text.isEmpty
                        && text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let fd = Int(text) {
                        try readOperator(fileDescriptor: fd)
                        return
                    }
                    break wordLoop
                case "\\":
                    _ = advance()
                    guard let next = peek() else {
                        text += "\\"
                        break wordLoop
                    }
                    _ = advance()
                    if next != "\n" {
                        text.unicodeScalars.append(next)
                        isQuoted = true
                    }
                case "'":
                    isQuoted = true
                    text += try readSingleQuoted()
                case "\"":
                    isQuoted = true
                    text += try readDoubleQuoted(substitutions: &substitutions)
                case "`":
                    let raw = try readBackquoted()
                    text += raw
                    substitutions.append(String(raw.dropFirst().dropLast()))
                case "$":
                    if peek(1) == "'" {
                        isQuoted = true
                        _ = advance()
                        text += try readANSIQuoted()
                    } else if peek(1) == "\"" {
                        isQuoted = true
                        _ = advance()
                        text += try readDoubleQuoted(substitutions: &substitutions)
                    } else {
                        text += try readDollar(substitutions: &substitutions)
                    }
                default:
                    text.unicodeScalars.append(scalar)
                    _ = advance()
                }
            }
            if let stripsTabs = expectsHereDocumentDelimiter {
                pendingHereDocuments.append(PendingHereDocument(delimiter: text, stripsTabs: stripsTabs))
                expectsHereDocumentDelimiter = nil
            }
            tokens.append(Token(kind: .word(text, substitutions: substitutions), line: startLine, column: startColumn))
        }

        static func isArrayAssignmentPrefix(_ text: String) -> Bool {
            guard text.hasSuffix("=") else { return false }
            var name = Substring(text.dropLast())
            if name.hasSuffix("+") { name = name.dropLast() }
            guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
            return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        }

        mutating func readSingleQuoted() throws(ShellWordsError) -> String {
            let opened = (line, column)
            _ = advance()
            var text = ""
            while let scalar = advance() {
                if scalar == "'" { return text }
                text.unicodeScalars.append(scalar)
            }
            throw ShellWordsError.unterminated(construct: "single quote", source: source, line: opened.0, column: opened.1)
        }

        mutating func readDoubleQuoted(substitutions: inout [String]) throws(ShellWordsError) -> String {
            try enter("\"")
            defer { depth -= 1 }
            let opened = (line, column)
            _ = advance()
            var text = ""
            while let scalar = peek() {
                switch scalar {
                case "\"":
                    _ = advance()
                    return text
                case "\\":
                    _ = advance()
                    guard let next = peek() else { continue }
                    _ = advance()
                    switch next {
                    case "\n": break
                    case "$", "`", "\"", "\\": text.unicodeScalars.append(next)
                    default:
                        text += "\\"
                        text.unicodeScalars.append(next)
                    }
                case "`":
                    let raw = try readBackquoted()
                    text += raw
                    substitutions.append(String(raw.dropFirst().dropLast()))
                case "$":
                    text += try readDollar(substitutions: &substitutions)
                default:
                    text.unicodeScalars.append(scalar)
                    _ = advance()
                }
            }
            throw ShellWordsError.unterminated(construct: "double quote", source: source, line: opened.0, column: opened.1)
        }

        /// Reads `$…` and returns its raw text (not expanded).
        mutating func readDollar(substitutions: inout [String]) throws(ShellWordsError) -> String {
            let opened = (line, column)
            _ = advance()
            guard let next = peek() else { return "$" }
            if next == "{" {
                _ = advance()
                let body = try readBalanced(close: "}", open: "{", construct: "${", openedAt: opened)
                return "${" + body + "}"
            }
            if next == "(" {
                let isArithmetic = peek(1) == "("
                let body = try readParenthesized(openedAt: opened)
                if !isArithmetic { substitutions.append(body) }
                return "$(" + body + ")"
            }
            return "$"
        }

        /// Reads from an opening `(` to its matching `)` and returns the text between them.
        mutating func readParenthesized(openedAt opened: (Int, Int)) throws(ShellWordsError) -> String {
            _ = advance()
            return try readBalanced(close: ")", open: "(", construct: "$(", openedAt: opened)
        }

        mutating func enter(_ construct: String) throws(ShellWordsError) {
            depth += 1
            if depth > Self.maximumDepth {
                throw ShellWordsError.unexpectedToken(
                    token: construct, reason: "quotes and substitutions nested more than \(Self.maximumDepth) levels deep",
                    source: source, line: line, column: column)
            }
        }

        /// Reads raw text up to the unquoted `close` that balances the already consumed opener.
        mutating func readBalanced(
            close: Unicode.Scalar, open: Unicode.Scalar, construct: String, openedAt opened: (Int, Int)
        ) throws(ShellWordsError) -> String {
            try enter(construct)
            defer { self.depth -= 1 }
            var depth = 1
            var text = ""
            while let scalar = peek() {
                switch scalar {
                case "\\":
                    _ = advance()
                    text += "\\"
                    if let next = advance() { text.unicodeScalars.append(next) }
                case "'":
                    let inner = try readSingleQuoted()
                    text += "'" + inner + "'"
                case "\"":
                    var ignored: [String] = []
                    let startIndex = index
                    _ = try readDoubleQuoted(substitutions: &ignored)
                    text += String(String.UnicodeScalarView(chars[startIndex..<index]))
                case "`":
                    text += try readBackquoted()
                case "$" where peek(1) == "{" || peek(1) == "(":
                    var ignored: [String] = []
                    text += try readDollar(substitutions: &ignored)
                default:
                    _ = advance()
                    if scalar == open {
                        depth += 1
                    } else if scalar == close {
                        depth -= 1
                        if depth == 0 { return text }
                    }
                    text.unicodeScalars.append(scalar)
                }
            }
            throw ShellWordsError.unterminated(construct: construct, source: source, line: opened.0, column: opened.1)
        }

        /// Reads a backquoted command substitution and returns it with its backquotes.
        mutating func readBackquoted() throws(ShellWordsError) -> String {
            let opened = (line, column)
            _ = advance()
            var text = "`"
            while let scalar = advance() {
                if scalar == "\\", let next = advance() {
                    text += "\\"
                    text.unicodeScalars.append(next)
                    continue
                }
                text.unicodeScalars.append(scalar)
                if scalar == "`" { return text }
            }
            throw ShellWordsError.unterminated(construct: "backquote", source: source, line: opened.0, column: opened.1)
        }

        /// Reads bash's `$'…'` and decodes its escapes.
        mutating func readANSIQuoted() throws(ShellWordsError) -> String {
            let opened = (line, column - 1)
            _ = advance()
            var text = ""
            while let scalar = advance() {
                if scalar == "'" { return text }
                guard scalar == "\\", let escaped = advance() else {
                    text.unicodeScalars.append(scalar)
                    continue
                }
                switch escaped {
                case "n": text += "\n"
                case "t": text += "\t"
                case "r": text += "\r"
                case "a": text += "\u{07}"
                case "b": text += "\u{08}"
                case "e", "E": text += "\u{1B}"
                case "f": text += "\u{0C}"
                case "v": text += "\u{0B}"
                case "\\", "'", "\"", "?": text.unicodeScalars.append(escaped)
                case "x":
                    var digits = ""
                    while digits.count < 2, let next = peek(), next.properties.isASCIIHexDigit {
                        digits.unicodeScalars.append(next)
                        _ = advance()
                    }
                    if let value = UInt32(digits, radix: 16), let decoded = Unicode.Scalar(value) {
                        text.unicodeScalars.append(decoded)
                    } else {
                        text += "\\x"
                    }
                case "0"..."7":
                    var digits = String(escaped)
                    while digits.count < 3, let next = peek(), ("0"..."7").contains(next) {
                        digits.unicodeScalars.append(next)
                        _ = advance()
                    }
                    if let value = UInt32(digits, radix: 8), let decoded = Unicode.Scalar(value) {
                        text.unicodeScalars.append(decoded)
                    }
                default:
                    text += "\\"
                    text.unicodeScalars.append(escaped)
                }
            }
            throw ShellWordsError.unterminated(construct: "$' quote", source: source, line: opened.0, column: opened.1)
        }
    }
}

// MARK: - Errors

/// Why a piece of shell text could not be split the way the shell would split it.
public enum ShellWordsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A quote or substitution was opened and never closed.
    case unterminated(construct: String, source: String, line: Int, column: Int)
    /// A token the shell rejects at this place (a syntax error).
    case unexpectedToken(token: String, reason: String, source: String, line: Int, column: Int)
    /// ``ShellWords/split(_:source:)`` was given more than one command.
    case notASimpleCommand(operator: String, source: String, line: Int)

    /// The 1-based line of the input at which the problem starts.
    public var line: Int {
        switch self {
        case .unterminated(_, _, let line, _), .unexpectedToken(_, _, _, let line, _), .notASimpleCommand(_, _, let line):
            return line
        }
    }

    /// The reason alone, without the source and position.
    public var reason: String {
        switch self {
        case .unterminated(let construct, _, _, _):
            return "unterminated \(construct) (the shell would stop with a syntax error)"
        case .unexpectedToken(_, let reason, _, _, _):
            return reason
        case .notASimpleCommand(let op, _, _):
            return "expected one command but found the operator '\(op)' joining several; split scripts with ShellWords.commands(in:)"
        }
    }

    /// A one-line message naming the input, the line and column, and the reason.
    public var description: String {
        switch self {
        case .unterminated(_, let source, let line, let column), .unexpectedToken(_, _, let source, let line, let column):
            return "\(source):\(line):\(column): \(reason)"
        case .notASimpleCommand(_, let source, let line):
            return "\(source):\(line): \(reason)"
        }
    }
}
