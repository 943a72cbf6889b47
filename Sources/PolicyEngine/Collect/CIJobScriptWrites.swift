/// A file a job's script writes: the target as written (variables the pipeline alone knows left as
/// `$NAME`) and, when the gate can tell, the whole new content.
public struct ScriptFileWrite: Sendable, Hashable {
    /// The path as the script names it.
    var target: String
    /// The text written, when it is known and replaces the file; `nil` otherwise (`>>`, `cp`, `curl -o`,
    /// a body with a value only the pipeline knows …).
    var content: String?
    /// The file holding the script line.
    public var file: String
    /// The 1-based line.
    var line: Int
}

extension ScriptWalker {
    /// Programs whose last argument is the file or folder they write.
    static let copyingPrograms: Set<String> = ["cp", "mv", "install", "ln", "rsync", "scp"]

    /// Records what `words` (with its redirections) writes.
    mutating func recordWrites(_ words: [String], redirections: [ShellWords.Redirection], line: CIJobExtractor.ScriptLine, number: Int) {
        func add(_ target: String, _ content: String?) {
            let write = ScriptFileWrite(target: substitution.restore(target), content: content, file: line.file, line: number)
            if !analysis.writes.contains(write) { analysis.writes.append(write) }
        }
        let start = ClaudeArgumentParser.skipWrappers(words)
        let body = start.map { Array($0.words[$0.index...]) } ?? words
        let program = body.first.map(ClaudeArgumentParser.basename) ?? ""
        let arguments = Array(body.dropFirst())
        let operands = arguments.filter { !$0.hasPrefix("-") }
        for redirection in redirections where redirection.writesFile {
            let replaces = [">", ">|", "&>"].contains(redirection.operation) && [nil, 1].contains(redirection.fileDescriptor)
            add(redirection.target, replaces ? content(of: program, arguments, redirections: redirections) : nil)
        }
        switch program {
        case "tee":
            let appends = arguments.contains { $0 == "-a" || $0 == "--append" }
            let text = appends ? nil : content(of: "cat", [], redirections: redirections)
            for target in operands { add(target, text) }
        case _ where Self.copyingPrograms.contains(program):
            if operands.count >= 2, let last = operands.last { add(last, nil) }
            if let index = arguments.firstIndex(where: { $0 == "-t" || $0 == "--target-directory" }), index + 1 < arguments.count {
                add(arguments[index + 1], nil)
            }
        case "curl", "wget":
            for (index, word) in arguments.enumerated() where ["-o", "--output", "-O", "--output-document"].contains(word) {
                if index + 1 < arguments.count { add(arguments[index + 1], nil) }
            }
        case "sed", "perl":
            if arguments.contains(where: { $0.hasPrefix("-i") || $0 == "--in-place" }) {
                for target in operands.dropFirst() { add(target, nil) }
            }
        case "dd":
            for word in arguments where word.hasPrefix("of=") { add(String(word.dropFirst(3)), nil) }
        default:
            break
        }
    }

    /// The text a command prints, when the gate can tell: `cat` of a here-document or here-string,
    /// `echo` of plain words, `printf` of a format without `%` or `\`.
    private func content(of program: String, _ arguments: [String], redirections: [ShellWords.Redirection]) -> String? {
        let text: String
        switch program {
        case "cat" where arguments.isEmpty:
            guard let input = redirections.last(where: { ["<<", "<<-", "<<<"].contains($0.operation) }),
                  let body = input.hereDocument else { return nil }
            // `<<'EOF'`: the shell expands nothing, so `${TOKEN}` is text (Claude Code may expand it later).
            if input.hereDocumentIsLiteral { return substitution.restore(body) + "\n" }
            text = body + "\n"
        case "echo" where !(arguments.first?.hasPrefix("-") ?? false):
            text = arguments.joined(separator: " ") + "\n"
        case "printf" where arguments.count == 1 && !arguments[0].contains("%") && !arguments[0].contains("\\"):
            text = arguments[0]
        default:
            return nil
        }
        // A value only the pipeline knows makes the content unknown.
        return substitution.unknowns(in: text).isEmpty ? text : nil
    }
}
