import Foundation

/// The strict view of ``ShellParser``'s tree, for reading CI scripts and `--claude-args`: the words
/// and simple commands a POSIX shell (and bash, for the few bash forms CI scripts use) would run,
/// without expanding anything, and a refusal of any text the parser found a syntax error in.
///
/// - Quotes are removed (`$'…'` decoded); `$VAR`, `${…}`, `$(…)`, `$((…))` and backquotes are
///   left as text inside their word, so `"${AI_FLOW_INPUT:-'x y'}"` is one word;
/// - compound commands, groups and subshells are flattened into their simple commands, whose
///   redirections (here-documents included) are reported apart from the words;
/// - unterminated quotes and substitutions, a redirection without a target and a `(` in the
///   middle of a command (unquoted `Bash(git diff *)`) are errors naming line and column.
public enum ShellWords {
    // MARK: - Public values

    /// One simple command found in a script.
    public struct Command: Sendable, Hashable {
        /// The command's words after quote removal, without redirections; expansions are left as text.
        var words: [String]
        /// The 1-based line of the script on which the command starts.
        var line: Int
        /// The control operator that ended the command (`;`, `&&`, `||`, `|`, `|&`, `&`, `;;`, `(`,
        /// `)` or `"\n"`), or `nil` at the end of the script.
        var terminator: String?
        /// The redirections attached to the command, in order.
        var redirections: [Redirection]
        /// The raw bodies of the `$(…)` and backquote substitutions that appear in the command's words,
        /// so a caller can look for commands nested inside them.
        var substitutions: [String]

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
        var fileDescriptor: Int?
        /// The operator: `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`, `&>>`, `<<`, `<<-` or `<<<`.
        var operation: String
        /// The target word after quote removal (the delimiter for a here-document).
        var target: String
        /// A here-document's body (`<<`, `<<-`), or the word of a here-string (`<<<`).
        var hereDocument: String?
        /// Whether the here-document's delimiter was quoted, so the shell expands nothing in its body.
        var hereDocumentIsLiteral = false

        /// Creates a redirection value.
        /// - Parameters:
        ///   - fileDescriptor: The explicit file descriptor, if any.
        ///   - operation: The redirection operator.
        ///   - target: The target word.
        ///   - hereDocument: A here-document's body or a here-string's word.
        ///   - hereDocumentIsLiteral: Whether the delimiter was quoted.
        public init(fileDescriptor: Int?, operation: String, target: String, hereDocument: String? = nil,
                    hereDocumentIsLiteral: Bool = false) {
            self.fileDescriptor = fileDescriptor
            self.operation = operation
            self.target = target
            self.hereDocument = hereDocument
            self.hereDocumentIsLiteral = hereDocumentIsLiteral
        }

        /// Whether the redirection writes to the file it names.
        var writesFile: Bool {
            switch operation {
            case ">", ">>", ">|", "&>", "&>>", "<>": return true
            case ">&": return !(target == "-" || (!target.isEmpty && target.allSatisfy(\.isNumber)))
            default: return false
            }
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
        let (list, lines) = try parse(strict: line, source: source)
        var found: [String]?
        var joiner = "\n"
        for pipeline in list.pipelines {
            let offset: Int
            switch pipeline.commands.first {
            case .simple(let simple)?: offset = simple.offset
            default: offset = 0
            }
            let line = lines.position(of: offset).line
            if let pipe = pipeline.pipes.first {
                throw ShellWordsError.notASimpleCommand(operator: pipe, source: source, line: line)
            }
            guard case .simple(let simple)? = pipeline.commands.first else {
                throw ShellWordsError.notASimpleCommand(operator: "(", source: source, line: line)
            }
            if let terminator = pipeline.terminator, terminator != "\n", terminator != ";" {
                throw ShellWordsError.notASimpleCommand(operator: terminator, source: source, line: line)
            }
            let words = (simple.assignments + simple.words).map(\.text)
            guard !words.isEmpty else { continue }
            if found != nil {
                throw ShellWordsError.notASimpleCommand(operator: joiner, source: source, line: line)
            }
            found = words
            joiner = pipeline.terminator ?? "\n"
        }
        return found ?? []
    }

    /// Splits a script into simple commands and returns the words of each non-empty one.
    /// - Parameters:
    ///   - script: The script text (one or more lines).
    ///   - source: A name for the input, used in error messages.
    /// - Returns: One array of words per simple command, in order.
    /// - Throws: ``ShellWordsError`` for unterminated quotes or syntax errors.
    static func commands(in script: String, source: String = "script") throws(ShellWordsError) -> [[String]] {
        try parse(script, source: source).map(\.words).filter { !$0.isEmpty }
    }

    /// The lenient view for rules that look at words of text that may not parse (a CI line cut
    /// out of its script): the words of each simple command the parser could read, syntax errors
    /// ignored. Never throws.
    /// - Parameter script: the text.
    /// - Returns: One array of words per simple command, in order.
    static func commandsLeniently(in script: String) -> [[String]] {
        var result: [Command] = []
        flatten(ShellParser.parse(script).list, lines: LineTable(""), into: &result)
        return result.map(\.words).filter { !$0.isEmpty }
    }

    // MARK: - The strict view of the parse tree

    /// Parses with ``ShellParser`` and refuses the text at its first syntax error.
    private static func parse(strict script: String, source: String) throws(ShellWordsError) -> (ShellSyntax.List, LineTable) {
        let parsed = ShellParser.parseWithProblems(script)
        let lines = LineTable(script)
        // Past the nesting limit the parser skips the rest, leaving every open quote unterminated:
        // the limit is then the cause to report; otherwise the earliest problem is.
        let limit = parsed.problems.first { $0.message.hasPrefix("nesting deeper") }
        if let problem = limit ?? parsed.problems.min(by: { $0.offset < $1.offset }) {
            let (line, column) = lines.position(of: problem.offset)
            if problem.message.hasPrefix("unterminated ") {
                throw ShellWordsError.unterminated(
                    construct: String(problem.message.dropFirst("unterminated ".count)), source: source, line: line, column: column)
            }
            let reason = problem.message.hasPrefix("nesting deeper")
                ? "quotes and substitutions nested more than \(ShellParser.maxNesting) levels deep" : problem.message
            throw ShellWordsError.unexpectedToken(token: "", reason: reason, source: source, line: line, column: column)
        }
        return (parsed.list, lines)
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
        let (list, lines) = try parse(strict: script, source: source)
        var result: [Command] = []
        flatten(list, lines: lines, into: &result)
        return result
    }

    /// The simple commands of a list in order, groups and compound commands flattened; the last
    /// command of each pipeline carries the pipeline's terminator, the others the pipe.
    private static func flatten(_ list: ShellSyntax.List, lines: LineTable, into result: inout [Command]) {
        for pipeline in list.pipelines {
            for (index, command) in pipeline.commands.enumerated() {
                let terminator = index < pipeline.pipes.count ? pipeline.pipes[index] : pipeline.terminator
                switch command {
                case .simple(let simple):
                    let words = (simple.assignments + simple.words).map(\.text)
                    let redirections = simple.redirects.map {
                        Redirection(fileDescriptor: $0.fileDescriptor, operation: $0.op, target: $0.target.text,
                                    hereDocument: $0.op == "<<<" ? $0.target.text : $0.heredocBody,
                                    hereDocumentIsLiteral: $0.target.wasQuoted)
                    }
                    guard !words.isEmpty || !redirections.isEmpty else { continue }
                    let allWords = simple.assignments + simple.words + simple.redirects.map(\.target)
                    let substitutions = allWords.flatMap { word in
                        (word.substitutions + word.processSubstitutions).map(\.source)
                    } + simple.redirects.flatMap { $0.heredocSubstitutions.map(\.source) }
                    result.append(Command(
                        words: words, line: lines.position(of: simple.offset).line, terminator: terminator,
                        redirections: redirections, substitutions: substitutions))
                case .group(let inner, _, _, _):
                    let before = result.count
                    flatten(inner, lines: lines, into: &result)
                    if result.count > before, let terminator { result[result.count - 1].terminator = terminator }
                }
            }
        }
    }

    /// Maps byte offsets to 1-based lines and columns.
    private struct LineTable {
        private var lineStarts: [Int] = [0]

        init(_ text: String) {
            for (offset, byte) in text.utf8.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
        }

        func position(of offset: Int) -> (line: Int, column: Int) {
            var low = 0
            var high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            return (low + 1, offset - lineStarts[low] + 1)
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
    var line: Int {
        switch self {
        case .unterminated(_, _, let line, _), .unexpectedToken(_, _, _, let line, _), .notASimpleCommand(_, _, let line):
            return line
        }
    }

    /// The reason alone, without the source and position.
    var reason: String {
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
