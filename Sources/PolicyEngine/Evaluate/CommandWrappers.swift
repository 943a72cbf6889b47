import Foundation

/// Finds the command a wrapper runs: `timeout 60 npm test` runs `npm test`.
enum CommandWrappers {
    /// The file name part of a command word (`/usr/bin/curl` → `curl`).
    static func basename(_ text: String) -> String {
        guard let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) else { return text }
        return String(text[text.utf8.index(after: slash)...])
    }

    /// Whether `text` is `NAME=value`.
    static func isAssignment(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return false }
        let name = text[..<equals]
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && name.allSatisfy(\.isASCII)
    }

    /// Strips the wrappers Claude Code strips before matching permission rules, plus `env`,
    /// `sudo`/`doas` and `exec`: `timeout`, `time`, `nice`, `nohup`, `stdbuf`, `command`,
    /// `builtin`, `noglob`, and `xargs` without flags.
    /// - Returns: the index of the first word of the wrapped command (`words.count` when none).
    static func strip(_ words: [ShellSyntax.Word], from start: Int = 0) -> Int {
        var index = start
        while index < words.count {
            let next: Int?
            switch basename(words[index].text) {
            case "timeout": next = skipTimeout(words, index + 1)
            case "time": next = skipOptions(words, index + 1, withValue: ["-f", "-o", "--format", "--output"])
            case "nice": next = skipNice(words, index + 1)
            case "nohup", "builtin", "noglob": next = skipOptions(words, index + 1, withValue: [])
            case "exec": next = skipOptions(words, index + 1, withValue: ["-a"])
            case "stdbuf": next = skipOptions(words, index + 1, withValue: ["-i", "-o", "-e"])
            case "command": next = skipCommand(words, index + 1)
            case "env": next = skipEnv(words, index + 1)
            case "sudo", "doas": next = skipSudo(words, index + 1)
            case "xargs":
                next = index + 1 < words.count && !words[index + 1].text.hasPrefix("-") ? index + 1 : nil
            default: next = nil
            }
            guard let next, next < words.count else { break }
            index = next
        }
        return index
    }

    /// `strip`, then also the wrappers that permission rules cannot see through but that still
    /// run a command: `xargs` with flags, `setsid`, `ionice`.
    static func stripDeep(_ words: [ShellSyntax.Word], from start: Int) -> Int {
        var index = strip(words, from: start)
        while index < words.count {
            let next: Int?
            switch basename(words[index].text) {
            case "xargs":
                next = skipOptions(words, index + 1, withValue: [
                    "-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a",
                    "--arg-file", "--delimiter", "--max-args", "--max-lines", "--max-procs", "--max-chars", "--eof",
                ])
            case "setsid": next = skipOptions(words, index + 1, withValue: [])
            case "ionice": next = skipOptions(words, index + 1, withValue: ["-c", "-n", "--class", "--classdata"])
            default: next = nil
            }
            guard let next, next < words.count else { break }
            index = strip(words, from: next)
        }
        return index
    }

    // MARK: - Option skipping

    /// Skips options (`-x`, `--long`, `--long=value`, and `withValue` options with their
    /// separate value) up to the first operand; `--` ends the options.
    static func skipOptions(_ words: [ShellSyntax.Word], _ start: Int, withValue: Set<String>) -> Int {
        var index = start
        while index < words.count {
            let text = words[index].text
            if text == "--" { return index + 1 }
            guard text.hasPrefix("-"), text.count > 1 else { return index }
            if withValue.contains(text) {
                index += 2
            } else {
                index += 1
            }
        }
        return index
    }

    private static func skipTimeout(_ words: [ShellSyntax.Word], _ start: Int) -> Int? {
        let index = skipOptions(words, start, withValue: ["-s", "-k", "--signal", "--kill-after"])
        guard index < words.count else { return nil }
        return index + 1
    }

    private static func skipNice(_ words: [ShellSyntax.Word], _ start: Int) -> Int? {
        var index = start
        while index < words.count {
            let text = words[index].text
            if text == "--" { return index + 1 }
            if text == "-n" || text == "--adjustment" {
                index += 2
            } else if text.hasPrefix("-") {
                index += 1
            } else {
                return index
            }
        }
        return index
    }

    /// `command -v` and `-V` look a name up instead of running it.
    private static func skipCommand(_ words: [ShellSyntax.Word], _ start: Int) -> Int? {
        var index = start
        while index < words.count {
            let text = words[index].text
            if text == "-v" || text == "-V" { return nil }
            if text == "-p" {
                index += 1
            } else if text == "--" {
                return index + 1
            } else {
                return index
            }
        }
        return index
    }

    /// `env [-i] [-u NAME] [NAME=value]… command`; `env -S` is left alone so its string is
    /// analysed, and `env` with no command is left alone so it is seen as a dump.
    private static func skipEnv(_ words: [ShellSyntax.Word], _ start: Int) -> Int? {
        var index = start
        while index < words.count {
            let text = words[index].text
            if text == "-S" || text.hasPrefix("--split-string") || (text.hasPrefix("-S") && !text.hasPrefix("--")) {
                return nil
            }
            if text == "--" {
                index += 1
                break
            }
            if text == "-u" || text == "-C" || text == "--unset" || text == "--chdir" {
                index += 2
            } else if text.hasPrefix("-"), text.count > 1 {
                index += 1
            } else {
                break
            }
        }
        while index < words.count, isAssignment(words[index].text) { index += 1 }
        return index < words.count ? index : nil
    }

    /// `sudo [options] [NAME=value]… command`; listing and validation options run nothing.
    private static func skipSudo(_ words: [ShellSyntax.Word], _ start: Int) -> Int? {
        let withValue: Set<String> = ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "--user", "--group",
                                      "--close-from", "--chdir", "--host", "--prompt", "--role", "--type",
                                      "--command-timeout", "--other-user"]
        var index = start
        while index < words.count {
            let text = words[index].text
            if text == "--" {
                index += 1
                break
            }
            guard text.hasPrefix("-"), text.count > 1 else { break }
            if ["-l", "-v", "-k", "-K", "-e", "--list", "--validate", "--edit"].contains(text) { return nil }
            index += withValue.contains(text) ? 2 : 1
        }
        while index < words.count, isAssignment(words[index].text) { index += 1 }
        return index < words.count ? index : nil
    }
}
