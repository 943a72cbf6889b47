import Foundation

/// Classifies one simple command (wrappers already stripped) into dangerous-command findings,
/// and reports the traits the pipeline-level checks need: does it fetch from the network,
/// decode a payload, run stdin as code, run an embedded script string.
///
/// Network, git, installer and interpreter commands live in `CommandClassifier+Network.swift`.
struct CommandClassifier: Sendable {
    /// The interpreter a command runs code with.
    enum Interpreter: Sendable, Equatable {
        case shell, python, node, perl, ruby, php
    }

    /// What one command does, as far as the audit cares.
    struct Classification {
        /// The snippet findings carry.
        let snippet: String
        /// The findings.
        var findings: [DangerousCommandFinding] = []
        /// Whether it can fetch data from the network (so piping it into a shell runs remote code).
        var fetches = false
        /// Whether it decodes or unescapes a payload (base64, xxd, printf escapes).
        var decodes = false
        /// The interpreter it runs stdin with, when it reads its program from stdin.
        var stdinInterpreter: Interpreter?
        /// Whether it runs a file argument as a program (`bash FILE`, `source FILE`).
        var runsFileArgument = false
        /// A script string it runs (`bash -c STR`, `eval …`, `su -c`, `env -S`) and the word
        /// indices that string came from.
        var embeddedScript: (text: String, wordIndices: Set<Int>)?
        /// The text `echo` prints, when all of it is literal.
        var echoText: String?
        /// The directory `cd`/`pushd`/`popd` changes to (`.some(nil)`: unknown).
        var directoryChange: String??
        /// Commands it runs itself (`find -exec …`).
        var nestedCommands: [[ShellSyntax.Word]] = []
        /// The files it writes, resolved where possible (for following what the agent changed).
        var writes: [String] = []

        mutating func add(_ kind: DangerousCommandFinding.Kind, _ reason: String) {
            findings.append(DangerousCommandFinding(kind: kind, reason: reason, snippet: snippet))
        }
    }

    /// The workspace root, normalised.
    let workspaceRoot: String
    /// The hosts that may be contacted.
    let hosts: HostAllowList
    /// The home directory, when known.
    let home: String?

    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "yash"]
    private static let shellStartupFiles: Set<String> = [
        ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv",
        ".zprofile", ".zlogin", ".zlogout", ".kshrc", ".mkshrc", ".cshrc", ".tcshrc", ".config/fish/config.fish",
    ]
    private static let packageConfigFiles: Set<String> = [
        ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".netrc", ".pip/pip.conf", ".config/pip/pip.conf",
        ".docker/config.json", ".kube/config", ".aws/credentials", ".aws/config", ".cargo/config.toml",
    ]
    /// Commands whose arguments are text, not files, for the secret-file check.
    private static let textArgumentCommands: Set<String> = ["echo", "printf", "test", "[", "[[", "true", "false", ":"]

    // MARK: - Entry point

    /// Classifies the command `words` (the first word is the command name).
    func classify(
        _ words: [ShellSyntax.Word],
        redirects: [ShellSyntax.Redirect],
        cwd: String?,
        snippet: String
    ) -> Classification {
        var result = Classification(snippet: snippet)
        checkDeviceSockets(words: words, redirects: redirects, into: &result)
        checkRedirects(redirects, cwd: cwd, into: &result)
        guard let first = words.first else { return result }
        let name = ShellWrappers.basename(first.text)
        let args = Array(words.dropFirst())
        checkPathArguments(name: name, args: args, cwd: cwd, into: &result)
        switch name {
        case "curl": classifyCurl(args, into: &result)
        case "wget": classifyWget(args, into: &result)
        case "http", "https", "xh", "xhs": classifyHTTPie(name, args, into: &result)
        case "nc", "ncat", "netcat": classifyNetcat(name, args, into: &result)
        case "socat": classifySocat(args, into: &result)
        case "ssh": classifySSH(args, into: &result)
        case "scp", "rsync": classifyRemoteCopy(name, args, into: &result)
        case "sftp", "ftp", "telnet", "tftp", "lftp": classifyDestinationTool(name, args, into: &result)
        case "git": classifyGit(args, into: &result)
        case "rm": classifyRm(args, cwd: cwd, into: &result)
        case "find": classifyFind(args, cwd: cwd, into: &result)
        case "env": classifyEnv(args, into: &result)
        case "printenv":
            result.add(.environmentDump, "printenv prints environment variables, which hold the job's secrets")
        case "set":
            if args.isEmpty { result.add(.environmentDump, "'set' without arguments prints every shell variable") }
        case "export":
            if args.allSatisfy({ $0.text == "-p" }) {
                result.add(.environmentDump, "'export' without names prints every exported variable")
            }
        case "declare", "typeset":
            if args.allSatisfy({ $0.text.hasPrefix("-") }), !args.contains(where: { $0.text.containsBytes("f") || $0.text.containsBytes("F") }) {
                result.add(.environmentDump, "'\(name)' without names prints every variable")
            }
        case "chmod": classifyChmod(args, into: &result)
        case "install": classifyInstallCommand(args, cwd: cwd, into: &result)
        case "crontab":
            if !args.contains(where: { $0.text == "-l" }) {
                result.add(.persistence, "crontab changes scheduled jobs that outlive the run")
            }
        case "at", "batch":
            result.add(.persistence, "'\(name)' schedules a job that outlives the run")
        case "base64", "base32", "basenc":
            result.decodes = args.contains { arg in
                arg.text == "--decode" || (arg.text.hasPrefix("-") && !arg.text.hasPrefix("--")
                    && (arg.text.containsBytes("d") || arg.text.containsBytes("D")))
            }
        case "openssl":
            let texts = args.map(\.text)
            if texts.first == "base64" || texts.first == "enc", texts.contains("-d") { result.decodes = true }
        case "xxd":
            result.decodes = args.contains { $0.text == "-r" || $0.text == "-revert" || ($0.text.hasPrefix("-r") && $0.text.count <= 3) }
        case "uudecode":
            result.decodes = true
        case "printf":
            result.decodes = args.contains { $0.text.containsBytes("\\x") || $0.text.containsBytes("\\0") || $0.text.containsBytes("\\u") }
        case "echo":
            classifyEcho(args, into: &result)
        case "tee":
            for arg in args where !arg.text.hasPrefix("-") {
                checkWriteTarget(arg, cwd: cwd, tool: "tee", into: &result)
            }
        case "cp", "mv", "ln":
            if let target = destinationOperand(args, withValue: ["-t", "-S", "--suffix", "--target-directory"]) {
                checkWriteTarget(target, cwd: cwd, tool: name, into: &result)
            }
        case "dd":
            for arg in args where arg.text.hasPrefix("of=") {
                var target = arg
                target.text = String(arg.text.dropFirst(3))
                checkWriteTarget(target, cwd: cwd, tool: "dd", into: &result)
            }
        case "sed":
            classifySedInPlace(args, cwd: cwd, into: &result)
        case "truncate":
            for target in operands(args, withValue: ["-s", "-r", "--size", "--reference"]) {
                checkWriteTarget(target, cwd: cwd, tool: "truncate", into: &result)
            }
        case "cd", "pushd":
            result.directoryChange = directoryChange(args, cwd: cwd)
        case "popd":
            result.directoryChange = .some(nil)
        case "eval":
            if !args.isEmpty {
                result.embeddedScript = (args.map(\.text).joined(separator: " "), Set(1...args.count))
            }
        case "trap":
            // `trap 'commands' SIGNAL…` runs the string later, as the shell would run `eval`.
            if let handler = args.first, !handler.text.hasPrefix("-"), args.count >= 2 {
                result.embeddedScript = (handler.text, [1])
            }
        case "su", "runuser":
            classifySu(args, into: &result)
        case "source", ".":
            if let script = args.first?.text, script == "/dev/stdin" || script == "-" {
                result.stdinInterpreter = .shell
            } else {
                result.runsFileArgument = true
            }
        default:
            if Self.shells.contains(name) {
                classifyShell(args, into: &result)
            } else {
                classifyInterpreterOrInstaller(name, args, into: &result)
            }
        }
        return result
    }

    // MARK: - Paths

    /// Programs whose arguments are not paths (text, names, conditions).
    private static let nonPathCommands: Set<String> = [
        "echo", "printf", "test", "[", "[[", "true", "false", ":", "cd", "pushd", "export", "declare", "typeset", "local",
        "readonly", "read", "unset", "alias", "let", "type", "which", "command", "hash", "exit", "return", "shift", "sleep",
    ]
    /// Programs whose first operand is a pattern or program text, not a path.
    private static let patternFirstCommands: Set<String> = [
        "grep", "egrep", "fgrep", "rg", "ag", "ack", "sed", "awk", "gawk", "mawk", "nawk", "jq", "yq", "perl", "expr",
    ]
    /// Files every program may touch.
    private static let harmlessPaths: Set<String> = ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "-"]

    /// Why reading (or writing) `word` leaves the repository: a path outside it, in a home
    /// directory, or held in a variable that cannot be resolved; for writes also the repository's
    /// `.git/` and the gate's own files. `nil` when it stays inside.
    func pathScopeReason(_ word: ShellSyntax.Word, cwd: String?, writes: Bool) -> String? {
        let text = word.text
        guard !text.isEmpty, !Self.harmlessPaths.contains(text), !text.hasPrefix("/dev/fd/"),
              Self.firstByteRange(of: "://", in: text) == nil else { return nil }
        if !word.isLiteral, PathScope.homeRelativeRest(of: text) == nil {
            // Commands substituted into the word are audited on their own; positional parameters
            // hold the arguments of a call that is audited where it is made.
            guard word.substitutions.isEmpty, word.processSubstitutions.isEmpty, !Self.isPositional(text) else { return nil }
            return "\(text) depends on a variable that cannot be resolved within the command, so it is judged outside the repository"
        }
        let pattern = Self.worstCaseGlob(text)
        guard pattern.hasPrefix("/") || pattern.hasPrefix("~") || pattern.hasPrefix("$") || cwd != nil else { return nil }
        let resolved = PathScope.resolve(pattern, cwd: cwd ?? workspaceRoot, home: home)
        guard PathScope.isInside(resolved, root: workspaceRoot) else {
            return resolved.hasPrefix("/") ? "\(resolved) is outside the repository" : "\(text) is in a home directory"
        }
        return writes ? PathScope.forbiddenWriteReason(resolved, root: workspaceRoot) : nil
    }

    /// `$@`, `$*`, `$1`…`$9`, `${1}`…: the arguments of the enclosing function or script.
    static func isPositional(_ text: String) -> Bool {
        var body = Substring(text)
        guard body.hasPrefix("$") else { return false }
        body = body.dropFirst()
        if body.hasPrefix("{"), body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        return body == "@" || body == "*" || (!body.isEmpty && body.allSatisfy(\.isNumber))
    }

    /// `text` with each glob segment that could match `..` (`.*`, `.?`) replaced by `..`: the
    /// furthest up the pattern can reach.
    static func worstCaseGlob(_ text: String) -> String {
        guard text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) else { return text }
        return text.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let hasGlob = segment.contains { $0 == "*" || $0 == "?" || $0 == "[" }
            let onlyDots = segment.allSatisfy { $0 == "." || $0 == "*" || $0 == "?" || $0 == "[" || $0 == "]" }
            return hasGlob && onlyDots && segment.hasPrefix(".") ? ".." : String(segment)
        }.joined(separator: "/")
    }

    /// A write target: sensitive places and places outside the repository.
    func checkWrite(_ word: ShellSyntax.Word, cwd: String?, tool: String, snippet: String) -> Classification {
        var result = Classification(snippet: snippet)
        checkWriteTarget(word, cwd: cwd, tool: tool, into: &result)
        return result
    }

    /// Arguments naming `/proc/*/environ` or credential files, and paths outside the repository.
    private func checkPathArguments(name: String, args: [ShellSyntax.Word], cwd: String?, into result: inout Classification) {
        var sawPattern = !Self.patternFirstCommands.contains(name)
        var previous = ""
        // An argument repeated in one command is judged once: the same word gives the same answer, and
        // a 2 MB command of one path repeated must not cost a resolution per copy.
        var scopeJudged: Set<String> = [], fileJudged: Set<String> = []
        for arg in args {
            defer { previous = arg.text }
            let text = arg.text
            let key = (arg.isLiteral ? "L" : "V") + text
            // find's expression holds name patterns, not files; only its start paths are paths.
            if name == "find", text.hasPrefix("-") || text == "(" || text == "!" { break }
            if !Self.nonPathCommands.contains(name), !text.hasPrefix("-"), previous != "-m", previous != "--message" {
                if !sawPattern {
                    sawPattern = true
                } else if scopeJudged.insert(key).inserted, let reason = pathScopeReason(arg, cwd: cwd, writes: false) {
                    result.add(.pathOutsideWorkspace, "\(name) names a path outside the repository: \(reason)")
                }
            } else if text.hasPrefix("--"), let equals = text.firstIndex(of: "="), !Self.nonPathCommands.contains(name) {
                var value = arg
                value.text = String(text[text.index(after: equals)...])
                if value.text.hasPrefix("/") || value.text.hasPrefix("~") || value.text.hasPrefix("..") || value.text.hasPrefix("$"),
                   let reason = pathScopeReason(value, cwd: cwd, writes: false) {
                    result.add(.pathOutsideWorkspace, "\(name) names a path outside the repository: \(reason)")
                }
            }
            guard !text.isEmpty, !text.hasPrefix("-"), Self.firstByteRange(of: "://", in: text) == nil else { continue }
            guard arg.isLiteral || PathScope.homeRelativeRest(of: text) != nil, fileJudged.insert(key).inserted else { continue }
            // Only a text naming `environ` can resolve to a process environment; resolving costs.
            if text.containsBytes("environ"),
               case let resolved = PathScope.resolve(text, cwd: cwd ?? workspaceRoot, home: home),
               resolved.hasPrefix("/proc/"), resolved.hasSuffix("/environ") {
                result.add(.environmentDump, "\(name) reads a process environment (\(resolved))")
            } else if !Self.textArgumentCommands.contains(name), let reason = SecretFilePath.isSecretFile(text, home: home) {
                result.add(.secretFileAccess, "\(name) names a credential file (\(reason)): \(text)")
            }
        }
    }

    /// Output redirections into sensitive places, input redirections from secret files.
    private func checkRedirects(_ redirects: [ShellSyntax.Redirect], cwd: String?, into result: inout Classification) {
        for redirect in redirects {
            if redirect.readsFile, !redirect.writesFile, let reason = pathScopeReason(redirect.target, cwd: cwd, writes: false) {
                result.add(.pathOutsideWorkspace, "a redirection reads a path outside the repository: \(reason)")
            }
            if redirect.writesFile {
                checkWriteTarget(redirect.target, cwd: cwd, tool: "a redirection", into: &result)
            }
            if redirect.readsFile, redirect.target.isLiteral {
                let text = redirect.target.text
                let resolved = PathScope.resolve(text, cwd: cwd ?? workspaceRoot, home: home)
                if resolved.hasPrefix("/proc/"), resolved.hasSuffix("/environ") {
                    result.add(.environmentDump, "a redirection reads a process environment (\(resolved))")
                } else if let reason = SecretFilePath.isSecretFile(text, home: home) {
                    result.add(.secretFileAccess, "a redirection reads a credential file (\(reason)): \(text)")
                }
            }
        }
    }

    /// `/dev/tcp/host/port` and `/dev/udp/host/port` in words or redirection targets.
    private func checkDeviceSockets(words: [ShellSyntax.Word], redirects: [ShellSyntax.Redirect], into result: inout Classification) {
        let texts = words.map(\.text) + redirects.map(\.target.text)
        for text in texts {
            for device in ["/dev/tcp/", "/dev/udp/"] {
                guard let range = Self.firstByteRange(of: device, in: text) else { continue }
                result.fetches = true
                let host = text[range.upperBound...].prefix { $0 != "/" }
                let target: HostAllowList.Target = host.contains("$") || host.isEmpty ? .dynamic : .host(HostAllowList.normalize(String(host)))
                if !hosts.isAllowed(target) {
                    result.add(.networkAccess, "opens a socket through \(device) to \(describe(target))")
                }
            }
        }
    }

    /// Why writing to `word` is sensitive, if it is.
    private func checkWriteTarget(_ word: ShellSyntax.Word, cwd: String?, tool: String, into result: inout Classification) {
        if !word.text.isEmpty, !Self.harmlessPaths.contains(word.text) {
            result.writes.append(word.isLiteral ? PathScope.resolve(word.text, cwd: cwd ?? workspaceRoot, home: home) : word.text)
        }
        if let reason = sensitiveWriteReason(word, cwd: cwd) {
            result.add(.sensitiveWrite, "\(tool) writes to \(reason)")
        }
        if let reason = pathScopeReason(word, cwd: cwd, writes: true) {
            result.add(.pathOutsideWorkspace, "\(tool) writes where it must not: \(reason)")
        }
    }

    /// A path made absolute: normalized, or taken from `cwd`; `nil` when relative and `cwd` is unknown.
    func absolute(_ text: String, cwd: String?) -> String? {
        if text.hasPrefix("/") { return PathScope.normalize(text) }
        return cwd.map { PathScope.resolve(text, cwd: $0, home: home) }
    }

    func sensitiveWriteReason(_ word: ShellSyntax.Word, cwd: String?) -> String? {
        let text = word.text
        guard !text.isEmpty, text != "/dev/null", text != "/dev/stdout", text != "/dev/stderr" else { return nil }
        if let rest = PathScope.homeRelativeRest(of: text) {
            return homeWriteReason(PathScope.normalize(rest))
        }
        guard word.isLiteral, !text.hasPrefix("~"), let resolved = absolute(text, cwd: cwd) else { return nil }
        let parts = resolved.split(separator: "/").map(String.init)
        if resolved == "/etc" || resolved.hasPrefix("/etc/") {
            return "system configuration (\(resolved))"
        }
        for directory in ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/var/spool/cron"]
        where resolved == directory || resolved.hasPrefix(directory + "/") {
            return "a system directory (\(resolved))"
        }
        if let index = parts.firstIndex(of: ".git"), index + 1 < parts.count, parts[index + 1] == "hooks" {
            return "git hooks, which run on later git commands (\(resolved))"
        }
        if let rest = homeRelativePart(of: resolved) {
            if let reason = homeWriteReason(rest) { return reason }
        }
        if parts.dropLast().contains(".ssh") {
            return "an SSH directory (\(resolved))"
        }
        return nil
    }

    /// The part of an absolute path below a home directory (the given one, `/root`, `/home/<user>`).
    private func homeRelativePart(of resolved: String) -> String? {
        if let home {
            let base = PathScope.normalize(home)
            if base != "/", resolved.hasPrefix(base + "/") { return String(resolved.dropFirst(base.count + 1)) }
        }
        if resolved.hasPrefix("/root/") { return String(resolved.dropFirst(6)) }
        let parts = resolved.split(separator: "/")
        if parts.count > 2, parts[0] == "home" { return parts.dropFirst(2).joined(separator: "/") }
        return nil
    }

    private func homeWriteReason(_ rest: String) -> String? {
        if rest == ".ssh" || rest.hasPrefix(".ssh/") { return "the SSH directory (~/\(rest))" }
        if Self.shellStartupFiles.contains(rest) { return "a shell start-up file (~/\(rest))" }
        if rest == ".claude.json" || rest.hasPrefix(".claude/") { return "Claude Code user settings (~/\(rest))" }
        if rest == ".gitconfig" || rest.hasPrefix(".config/git/") { return "the global git configuration (~/\(rest))" }
        if rest.hasPrefix(".config/autostart/") || rest.hasPrefix(".config/systemd/") {
            return "user services that start automatically (~/\(rest))"
        }
        if Self.packageConfigFiles.contains(rest) { return "tool credentials or configuration (~/\(rest))" }
        return nil
    }

    /// The reason a path to delete is outside the workspace or unknown, or `nil` when inside.
    func deletionReason(_ word: ShellSyntax.Word, cwd: String?) -> String? {
        let text = word.text
        guard !text.isEmpty else { return nil }
        if PathScope.homeRelativeRest(of: text) != nil || text.hasPrefix("~") {
            return "\(text) is in a home directory"
        }
        guard word.isLiteral else {
            return "\(text) depends on a variable or command output, so its location is unknown"
        }
        guard let resolved = absolute(text, cwd: cwd) else {
            return "\(text) is relative to a working directory that cannot be determined"
        }
        if !PathScope.isInside(resolved, root: workspaceRoot) {
            return "\(resolved) is outside the workspace"
        }
        return nil
    }

    // MARK: - Files and environment

    private func classifyRm(_ args: [ShellSyntax.Word], cwd: String?, into result: inout Classification) {
        var recursive = false
        var operands: [ShellSyntax.Word] = []
        var optionsEnded = false
        for arg in args {
            let text = arg.text
            if !optionsEnded, text == "--" {
                optionsEnded = true
            } else if !optionsEnded, text.hasPrefix("--") {
                if text == "--recursive" { recursive = true }
                if text == "--no-preserve-root" {
                    result.add(.destructiveDelete, "rm --no-preserve-root disables the guard against deleting /")
                }
            } else if !optionsEnded, text.hasPrefix("-"), text.count > 1 {
                if text.containsBytes("r") || text.containsBytes("R") { recursive = true }
            } else {
                operands.append(arg)
            }
        }
        guard recursive else { return }
        for operand in operands {
            if let reason = deletionReason(operand, cwd: cwd) {
                result.add(.destructiveDelete, "rm -r deletes a tree: \(reason)")
            }
        }
    }

    private func classifyFind(_ args: [ShellSyntax.Word], cwd: String?, into result: inout Classification) {
        var index = 0
        while index < args.count, ["-H", "-L", "-P"].contains(args[index].text) || args[index].text.hasPrefix("-O") {
            index += 1
        }
        if index < args.count, args[index].text == "-D" { index += 2 }
        var starts: [ShellSyntax.Word] = []
        while index < args.count {
            let text = args[index].text
            if text.hasPrefix("-") || text == "(" || text == "!" || text == "," { break }
            starts.append(args[index])
            index += 1
        }
        if starts.isEmpty { starts = [.literal(".")] }
        let expression = Array(args[min(index, args.count)...])
        if expression.contains(where: { $0.text == "-delete" }) {
            for start in starts {
                if let reason = deletionReason(start, cwd: cwd) {
                    result.add(.destructiveDelete, "find -delete deletes files: \(reason)")
                }
            }
        }
        var position = 0
        while position < expression.count {
            guard ["-exec", "-execdir", "-ok", "-okdir"].contains(expression[position].text) else {
                position += 1
                continue
            }
            position += 1
            var command: [ShellSyntax.Word] = []
            while position < expression.count, expression[position].text != ";", expression[position].text != "+" {
                var word = expression[position]
                word.text = word.text.replacingOccurrences(of: "{}", with: starts[0].text)
                word.isLiteral = word.isLiteral && starts[0].isLiteral
                command.append(word)
                position += 1
            }
            if !command.isEmpty { result.nestedCommands.append(command) }
            position += 1
        }
    }

    private func classifyEnv(_ args: [ShellSyntax.Word], into result: inout Classification) {
        var index = 0
        while index < args.count {
            let text = args[index].text
            if text == "-S" || text == "--split-string" {
                let rest = Array(args[min(index + 1, args.count)...])
                if !rest.isEmpty {
                    result.embeddedScript = (rest.map(\.text).joined(separator: " "), Set((index + 2)...(args.count)))
                }
                return
            }
            if text.hasPrefix("--split-string=") || (text.hasPrefix("-S") && !text.hasPrefix("--")) {
                let first = text.hasPrefix("--") ? String(text.dropFirst("--split-string=".count)) : String(text.dropFirst(2))
                let rest = [first] + args[(index + 1)...].map(\.text)
                result.embeddedScript = (rest.joined(separator: " "), Set((index + 1)...(args.count)))
                return
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
        while index < args.count, ShellWrappers.isAssignment(args[index].text) { index += 1 }
        if index >= args.count {
            result.add(.environmentDump, "env without a command prints the environment, which holds the job's secrets")
        }
    }

    private func classifyChmod(_ args: [ShellSyntax.Word], into result: inout Classification) {
        for arg in args where !arg.text.hasPrefix("-") && Self.isSetuidMode(arg.text) {
            result.add(.setuid, "chmod sets the setuid/setgid bit (\(arg.text))")
            return
        }
    }

    private func classifyInstallCommand(_ args: [ShellSyntax.Word], cwd: String?, into result: inout Classification) {
        for (index, arg) in args.enumerated() {
            var mode: String?
            if arg.text == "-m" || arg.text == "--mode", index + 1 < args.count {
                mode = args[index + 1].text
            } else if arg.text.hasPrefix("--mode=") {
                mode = String(arg.text.dropFirst(7))
            } else if arg.text.hasPrefix("-m"), arg.text.count > 2 {
                mode = String(arg.text.dropFirst(2))
            }
            if let mode, Self.isSetuidMode(mode) {
                result.add(.setuid, "install sets the setuid/setgid bit (\(mode))")
            }
        }
        let withValue: Set<String> = ["-m", "-o", "-g", "-t", "-S", "--mode", "--owner", "--group", "--target-directory", "--suffix"]
        if let target = destinationOperand(args, withValue: withValue) {
            checkWriteTarget(target, cwd: cwd, tool: "install", into: &result)
        }
    }

    /// Whether a chmod mode sets setuid or setgid: `4755`, `u+s`, `g=rxs`, `+s`.
    static func isSetuidMode(_ mode: String) -> Bool {
        if !mode.isEmpty, mode.allSatisfy({ ("0"..."7").contains($0) }) {
            guard mode.count >= 4, let value = Int(mode, radix: 8) else { return false }
            return value & 0o6000 != 0
        }
        for clause in mode.split(separator: ",") {
            var operation: Character?
            for character in clause {
                if character == "+" || character == "-" || character == "=" {
                    operation = character
                } else if character == "s", operation == "+" || operation == "=" {
                    return true
                }
            }
        }
        return false
    }

    private func classifySedInPlace(_ args: [ShellSyntax.Word], cwd: String?, into result: inout Classification) {
        let inPlace = args.contains { arg in
            arg.text.hasPrefix("--in-place") || (arg.text.hasPrefix("-i") && !arg.text.hasPrefix("--"))
        }
        guard inPlace else { return }
        var hasScriptOption = false
        var files: [ShellSyntax.Word] = []
        var index = 0
        while index < args.count {
            let text = args[index].text
            if text == "-e" || text == "-f" || text == "--expression" || text == "--file" {
                hasScriptOption = true
                index += 2
                continue
            }
            if text.hasPrefix("-") {
                if text.hasPrefix("--expression=") || text.hasPrefix("--file=") { hasScriptOption = true }
                index += 1
                continue
            }
            files.append(args[index])
            index += 1
        }
        if !hasScriptOption, !files.isEmpty { files.removeFirst() }
        for file in files {
            checkWriteTarget(file, cwd: cwd, tool: "sed -i", into: &result)
        }
    }

    private func classifyEcho(_ args: [ShellSyntax.Word], into result: inout Classification) {
        var index = 0
        var escapes = false
        while index < args.count {
            let text = args[index].text
            guard text.count > 1, text.hasPrefix("-"), text.dropFirst().allSatisfy({ "neE".contains($0) }) else { break }
            if text.containsBytes("e") { escapes = true }
            index += 1
        }
        let printed = args[index...]
        if escapes, printed.contains(where: { $0.text.containsBytes("\\x") || $0.text.containsBytes("\\0") }) {
            result.decodes = true
        }
        if printed.allSatisfy(\.isLiteral) {
            result.echoText = printed.map(\.text).joined(separator: " ")
        }
    }

    private func directoryChange(_ args: [ShellSyntax.Word], cwd: String?) -> String?? {
        let operands = args.filter { !($0.text.hasPrefix("-") && $0.text.count > 1) || $0.text == "-" }
        guard let target = operands.first else {
            return .some(home.map { PathScope.normalize($0) })
        }
        if target.text == "-" { return .some(nil) }
        if let rest = PathScope.homeRelativeRest(of: target.text) {
            return .some(home.map { PathScope.resolve(rest, cwd: $0) })
        }
        guard target.isLiteral, !target.text.hasPrefix("~") else { return .some(nil) }
        if target.text.hasPrefix("/") { return .some(PathScope.normalize(target.text)) }
        guard let cwd else { return .some(nil) }
        return .some(PathScope.resolve(target.text, cwd: cwd, home: home))
    }

    private func classifySu(_ args: [ShellSyntax.Word], into result: inout Classification) {
        for (index, arg) in args.enumerated() {
            if arg.text == "-c" || arg.text == "--command", index + 1 < args.count {
                result.embeddedScript = (args[index + 1].text, [index + 2])
                return
            }
            if arg.text.hasPrefix("--command=") {
                var script = arg.text
                script.removeFirst("--command=".count)
                result.embeddedScript = (script, [index + 1])
                return
            }
        }
    }

    private func classifyShell(_ args: [ShellSyntax.Word], into result: inout Classification) {
        var index = 0
        var runsString = false
        var readsStdin = false
        while index < args.count {
            let text = args[index].text
            if text == "--" || text == "-" {
                index += 1
                if text == "-" { readsStdin = true }
                break
            }
            if ["-o", "+o", "-O", "+O", "--rcfile", "--init-file"].contains(text) {
                index += 2
                continue
            }
            if text.hasPrefix("--") {
                index += 1
                continue
            }
            if text.count > 1, text.hasPrefix("-") || text.hasPrefix("+") {
                if text.hasPrefix("-"), text.containsBytes("c") { runsString = true }
                if text.hasPrefix("-"), text.containsBytes("s") { readsStdin = true }
                index += 1
                continue
            }
            break
        }
        if runsString {
            if index < args.count {
                result.embeddedScript = (args[index].text, [index + 1])
            }
        } else if readsStdin || index >= args.count || args[index].text == "/dev/stdin" {
            result.stdinInterpreter = .shell
        } else {
            result.runsFileArgument = true
        }
    }

    // MARK: - Operands

    /// The non-option arguments, skipping the values of `withValue` options.
    func operands(_ args: [ShellSyntax.Word], withValue: Set<String>) -> [ShellSyntax.Word] {
        var result: [ShellSyntax.Word] = []
        var index = 0
        var optionsEnded = false
        while index < args.count {
            let text = args[index].text
            if !optionsEnded, text == "--" {
                optionsEnded = true
            } else if !optionsEnded, withValue.contains(text) {
                index += 1
            } else if optionsEnded || !text.hasPrefix("-") || text == "-" {
                result.append(args[index])
            }
            index += 1
        }
        return result
    }

    /// The destination of `cp`/`mv`/`ln`/`install`: the `-t` directory, else the last of two or more operands.
    private func destinationOperand(_ args: [ShellSyntax.Word], withValue: Set<String>) -> ShellSyntax.Word? {
        for (index, arg) in args.enumerated() {
            if arg.text == "-t" || arg.text == "--target-directory", index + 1 < args.count { return args[index + 1] }
            if arg.text.hasPrefix("--target-directory=") {
                var word = arg
                word.text = String(arg.text.dropFirst("--target-directory=".count))
                return word
            }
        }
        let found = operands(args, withValue: withValue)
        return found.count >= 2 ? found.last : nil
    }

    /// The first occurrence of `needle` in `text`, compared byte by byte (fast on long words).
    static func firstByteRange(of needle: String, in text: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return nil }
        let utf8 = text.utf8
        var from = utf8.startIndex
        while let hit = utf8[from...].firstIndex(of: first) {
            var probe = hit
            var matched = true
            for byte in pattern {
                guard probe < utf8.endIndex, utf8[probe] == byte else {
                    matched = false
                    break
                }
                probe = utf8.index(after: probe)
            }
            if matched { return hit..<probe }
            from = utf8.index(after: hit)
        }
        return nil
    }

    /// `evil.example` for a host, a phrase for a dynamic target.
    func describe(_ target: HostAllowList.Target) -> String {
        switch target {
        case .host(let host): return "host '\(host)', which is not an allowed host"
        case .dynamic: return "a host computed at run time (variable or command output)"
        case .local: return "a local file"
        }
    }
}
