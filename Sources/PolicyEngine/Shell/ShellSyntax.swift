import Foundation

/// The parse tree of a shell command string, kept to what the command audit needs: simple
/// commands with their words and redirections, grouped into pipelines and lists, with the
/// commands nested in substitutions attached to the word they appear in.
///
/// Compound commands (`if`, `while`, `for`, `case`, functions) are flattened into the list
/// they appear in: their keywords are dropped and their bodies audited like any other command.
enum ShellSyntax {
    /// One word after quote removal.
    struct Word: Sendable {
        /// The text with quotes removed; parameter, command and arithmetic expansions are kept
        /// as written (`$HOME`, `$(curl …)`), since their values are unknown.
        var text: String
        /// Whether the word holds no expansion at all, so `text` is exactly what the command sees.
        var isLiteral: Bool
        /// Whether any part was quoted or escaped (quoted words are never reserved words).
        var wasQuoted: Bool
        /// Commands run by `$(…)` and backquotes in the word, including those inside `${…}`
        /// and `$((…))`.
        var substitutions: [List]
        /// Commands run by `<(…)` and `>(…)` in the word.
        var processSubstitutions: [List]
        /// The byte offset of the word in the text its parser read (0 for words not parsed).
        var offset: Int = 0

        /// A literal word, for building argument lists that did not come from the parser.
        static func literal(_ text: String) -> Word {
            Word(text: text, isLiteral: true, wasQuoted: false, substitutions: [], processSubstitutions: [])
        }
    }

    /// One redirection (`> file`, `2>&1`, `<<EOF`, …).
    struct Redirect: Sendable {
        /// The operator: `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`, `&>>`, `<<`, `<<-`, `<<<`.
        var op: String
        /// The explicit file descriptor before the operator (`2` in `2>&1`), if any.
        var fileDescriptor: Int? = nil
        /// The target word (for a here-document, its delimiter).
        var target: Word
        /// A here-document's body, when this is `<<` or `<<-`.
        var heredocBody: String?
        /// Commands substituted in an unquoted here-document's body.
        var heredocSubstitutions: [List]

        /// Whether the redirection writes to its target file.
        var writesFile: Bool {
            switch op {
            case ">", ">>", ">|", "&>", "&>>", "<>":
                return true
            case ">&":
                let text = target.text
                return !(text == "-" || (!text.isEmpty && text.allSatisfy(\.isNumber)))
            default:
                return false
            }
        }

        /// Whether the redirection reads its target file.
        var readsFile: Bool { op == "<" || op == "<>" }
    }

    /// A simple command: assignments, words, redirections.
    struct SimpleCommand: Sendable {
        /// Leading `NAME=value` assignments.
        var assignments: [Word]
        /// The command name and its arguments.
        var words: [Word]
        /// The redirections, in order.
        var redirects: [Redirect]
        /// The command's source text, for snippets.
        var source: String
        /// Whether this only carries words of a compound command (`for … in` lists, `case`
        /// words and patterns, `((…))`): their substitutions run, but it is not a command. Its
        /// first word is then the keyword (`for`, `case`, `((`).
        var isPseudo: Bool
        /// The byte offset at which the command starts in the text its parser read.
        var offset: Int = 0
    }

    /// A command in a pipeline.
    indirect enum Command: Sendable {
        /// A simple command.
        case simple(SimpleCommand)
        /// `( list )` (a subshell) or `{ list; }` and flattened compound commands.
        case group(List, isSubshell: Bool, redirects: [Redirect], source: String)
    }

    /// Commands joined by `|` or `|&`.
    struct Pipeline: Sendable {
        /// The stages, in order.
        var commands: [Command]
        /// The pipeline's source text, for snippets.
        var source: String
        /// The operator between each stage and the next (`|` or `|&`); one fewer than `commands`.
        var pipes: [String] = []
        /// The operator that ended the pipeline (`;`, `&`, `&&`, `||`, `;;`, a newline), if any.
        var terminator: String? = nil
    }

    /// Pipelines joined by `;`, `&`, `&&`, `||` or newlines.
    struct List: Sendable {
        /// The pipelines, in order.
        var pipelines: [Pipeline]
        /// The list's source text (the body of `$(…)`, a backquote or a subshell).
        var source: String = ""
    }
}
