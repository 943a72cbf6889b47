import Foundation

/// The one table of wrapper commands: programs that run the command given after their own
/// options (`timeout 60 npm test` runs `npm test`). Permission coverage, CI script reading and
/// the transcript audit all skip wrappers through it, so they cannot disagree on what runs.
enum ShellWrappers {
    /// Who is looking through the wrappers; each sees through a different set.
    enum Reader: Int, Comparable, Sendable {
        /// Claude Code matching a `Bash(…)` permission rule: only the wrappers it strips, and
        /// `xargs` only when it has no options.
        case permissionRules
        /// The list of commands a Bash call runs, checked against the allow list: adds `env`,
        /// `sudo`, `doas` and `exec`.
        case simpleCommands
        /// What finally runs: every wrapper in the table.
        case everything

        static func < (lhs: Reader, rhs: Reader) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// How one wrapper reads its own arguments.
    struct Wrapper {
        /// The first reader that sees through it.
        var seenThroughBy: Reader
        /// Options whose value is the next word (the `--long=value` form needs no entry).
        var valueOptions: Set<String> = []
        /// Options with which it runs no command (`command -v`, `sudo -l`, `ionice -p`).
        var noCommandOptions: Set<String> = []
        /// Operands between the options and the command (`timeout`'s duration).
        var operands = 0
        /// Whether `NAME=value` words may come before the command (`env`, `sudo`).
        var takesAssignments = false
    }

    /// The table. Value options follow the GNU and sudo manuals: an option whose value is
    /// optional (`xargs --eof[=E]`, `--max-lines[=N]`, `-i[R]`) never takes the next word.
    static let table: [String: Wrapper] = [
        "timeout": Wrapper(seenThroughBy: .permissionRules, valueOptions: ["-s", "--signal", "-k", "--kill-after"], operands: 1),
        "time": Wrapper(seenThroughBy: .permissionRules, valueOptions: ["-f", "--format", "-o", "--output"]),
        "nice": Wrapper(seenThroughBy: .permissionRules, valueOptions: ["-n", "--adjustment"]),
        "nohup": Wrapper(seenThroughBy: .permissionRules),
        "stdbuf": Wrapper(seenThroughBy: .permissionRules, valueOptions: ["-i", "-o", "-e", "--input", "--output", "--error"]),
        "command": Wrapper(seenThroughBy: .permissionRules, noCommandOptions: ["-v", "-V"]),
        "builtin": Wrapper(seenThroughBy: .permissionRules),
        "noglob": Wrapper(seenThroughBy: .permissionRules),
        "xargs": Wrapper(seenThroughBy: .permissionRules, valueOptions: [
            "-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args", "-P", "--max-procs",
            "-s", "--max-chars", "--process-slot-var",
        ]),
        "env": Wrapper(seenThroughBy: .simpleCommands, valueOptions: ["-u", "--unset", "-C", "--chdir"], takesAssignments: true),
        "sudo": Wrapper(seenThroughBy: .simpleCommands, valueOptions: [
            "-u", "--user", "-g", "--group", "-C", "--close-from", "-h", "--host", "-p", "--prompt", "-r", "--role",
            "-t", "--type", "-U", "--other-user", "-D", "--chdir", "-R", "--chroot", "-T", "--command-timeout",
        ], noCommandOptions: ["-l", "--list", "-v", "--validate", "-k", "-K", "--remove-timestamp", "-e", "--edit"],
            takesAssignments: true),
        "doas": Wrapper(seenThroughBy: .simpleCommands, valueOptions: ["-u", "-C"]),
        "exec": Wrapper(seenThroughBy: .simpleCommands, valueOptions: ["-a"]),
        "setsid": Wrapper(seenThroughBy: .everything),
        "ionice": Wrapper(seenThroughBy: .everything, valueOptions: ["-c", "--class", "-n", "--classdata"],
                          noCommandOptions: ["-p", "--pid", "-P", "--pgid", "-u", "--uid"]),
    ]

    /// What was skipped before the command.
    struct Prefix: Sendable {
        /// The words, with `env -S` strings split into their own words.
        var words: [String]
        /// The index of the command's first word (`words.count` when there is none).
        var index: Int
        /// `NAME=value` words seen before the command, leading and `env`'s.
        var environment: [String: String] = [:]
        /// The wrappers skipped, in order.
        var wrappers: [String] = []
        /// Whether `xargs` was among them (so some arguments come from stdin).
        var viaXargs: Bool { wrappers.contains("xargs") }
        /// Whether an `env -S` string was split into words (only `everything` splits one; the
        /// others stop at that `env`).
        var splitString = false
        /// False when a wrapper runs no command (`command -v x`), or its command cannot be read.
        var runsCommand = true
    }

    /// The file name part of a command word (`/usr/bin/curl` → `curl`).
    static func basename(_ text: String) -> String {
        guard let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) else { return text }
        return String(text[text.utf8.index(after: slash)...])
    }

    /// `NAME=value` split into its parts, when `NAME` is a valid shell variable name.
    static func assignment(_ word: String) -> (name: String, value: String)? {
        guard let equals = word.firstIndex(of: "=") else { return nil }
        let name = word[..<equals]
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first),
              name.unicodeScalars.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) })
        else { return nil }
        return (String(name), String(word[word.index(after: equals)...]))
    }

    /// Whether `word` is `NAME=value`.
    static func isAssignment(_ word: String) -> Bool { assignment(word) != nil }

    /// Skips wrappers (and, when asked, leading assignments) from `start`.
    /// - Parameters:
    ///   - words: a simple command's words.
    ///   - start: where to begin.
    ///   - reader: which wrappers to see through.
    ///   - assignments: whether leading `NAME=value` words are skipped too.
    /// - Returns: the prefix; when a wrapper runs no command (`command -v x`, `sudo -l`) its
    ///   `index` is that wrapper's and `runsCommand` is false.
    static func skip(_ words: [String], from start: Int = 0, reader: Reader, assignments: Bool = true) -> Prefix {
        var prefix = Prefix(words: words, index: start)
        wrappers: while prefix.index < prefix.words.count {
            let word = prefix.words[prefix.index]
            if assignments, let (name, value) = assignment(word) {
                prefix.environment[name] = value
                prefix.index += 1
                continue
            }
            let name = basename(word)
            guard let wrapper = table[name], wrapper.seenThroughBy <= reader else { break }
            var words = prefix.words
            var index = prefix.index + 1
            if name == "xargs", reader < .everything, index < words.count, words[index].hasPrefix("-") {
                break  // Claude Code only strips a bare xargs; with options the command is not known to it
            }
            var splitString = false
            while index < words.count {
                let option = words[index]
                guard option.hasPrefix("-"), option != "-" else { break }
                index += 1
                if option == "--" { break }
                if wrapper.noCommandOptions.contains(option) {
                    prefix.runsCommand = false
                    break wrappers
                }
                if name == "env", isSplitString(option) {
                    // Only the final reader splits the string; the others leave `env -S` to the caller.
                    guard reader == .everything else { break wrappers }
                    let text: String
                    if let equals = option.firstIndex(of: "="), option.hasPrefix("--") {
                        text = String(option[option.index(after: equals)...])
                    } else if option.count > 2, !option.hasPrefix("--") {
                        text = String(option.dropFirst(2))
                    } else {
                        guard index < words.count else { break wrappers }
                        text = words[index]
                        index += 1
                    }
                    guard let split = try? ShellWords.split(text) else {
                        prefix.runsCommand = false
                        break wrappers
                    }
                    words.insert(contentsOf: split, at: index)
                    splitString = true
                    continue
                }
                if wrapper.valueOptions.contains(option) { index += 1 }
            }
            index += wrapper.operands
            if wrapper.takesAssignments {
                while index < words.count, let (key, value) = assignment(words[index]) {
                    prefix.environment[key] = value
                    index += 1
                }
            }
            guard index < words.count else { break }  // a wrapper with no command is the command
            prefix.words = words
            prefix.splitString = prefix.splitString || splitString
            prefix.wrappers.append(name)
            prefix.index = index
        }
        return prefix
    }

    /// Whether an `env` option is `-S`/`--split-string` (which takes a command line as a string).
    static func isSplitString(_ option: String) -> Bool {
        option == "-S" || option.hasPrefix("--split-string") || (option.hasPrefix("-S") && !option.hasPrefix("--"))
    }

    // MARK: - Parsed words

    /// The index of the command's first word in parsed words, seen through by `reader`; a
    /// wrapper that runs no command, or whose `env -S` string was split, stays the command.
    static func commandIndex(_ words: [ShellSyntax.Word], from start: Int = 0, reader: Reader) -> Int {
        // Most commands start with their program: nothing to skip.
        guard start < words.count else { return start }
        let first = words[start].text
        if table[basename(first)] == nil, !first.utf8.contains(UInt8(ascii: "=")) { return start }
        let prefix = skip(words.map(\.text), from: start, reader: reader, assignments: true)
        return prefix.splitString ? start : prefix.index
    }
}
