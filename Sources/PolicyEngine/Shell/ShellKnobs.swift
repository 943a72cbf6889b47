import Foundation

/// The table of knobs that make an otherwise harmless program run other code or write files:
/// environment variables, `git -c` configuration keys and program options. Each entry says what
/// the knob makes the program do, and the audit judges the command by that.
enum ShellKnobs {
    /// What a knob makes the program do with the knob's value.
    enum Effect: Equatable, Sendable {
        /// Runs the value as a shell command (`GIT_SSH_COMMAND`, `tar --to-command`).
        case runsCommand
        /// Loads code named by the value into the program (`LD_PRELOAD`, `NODE_OPTIONS=--require`).
        case loadsCode
        /// Loads code from the directories listed in the value (`PYTHONPATH`); judged by where they are.
        case loadsCodeFrom
        /// Writes to the file the value names (`git diff --output`, `sort -o`).
        case writesFile
        /// Sets git configuration: the keys and values are judged by ``gitConfig(_:)``.
        case gitConfiguration
        /// Takes git configuration from a file or the environment, which can hold any key.
        case gitConfigurationSource
    }

    // MARK: - Environment

    /// Environment variables and what they make programs do.
    static let environment: [String: Effect] = [
        "GIT_EXTERNAL_DIFF": .runsCommand, "GIT_SSH_COMMAND": .runsCommand, "GIT_SSH": .runsCommand,
        "GIT_PAGER": .runsCommand, "PAGER": .runsCommand, "MANPAGER": .runsCommand, "EDITOR": .runsCommand,
        "VISUAL": .runsCommand, "GIT_EDITOR": .runsCommand, "GIT_SEQUENCE_EDITOR": .runsCommand,
        "GIT_ASKPASS": .runsCommand, "SSH_ASKPASS": .runsCommand, "GIT_PROXY_COMMAND": .runsCommand,
        "LESSOPEN": .runsCommand, "LESSCLOSE": .runsCommand, "PROMPT_COMMAND": .runsCommand, "BROWSER": .runsCommand,
        "LD_PRELOAD": .loadsCode, "LD_AUDIT": .loadsCode, "DYLD_INSERT_LIBRARIES": .loadsCode, "BASH_ENV": .loadsCode,
        "ENV": .loadsCode, "ZDOTDIR": .loadsCode, "PYTHONSTARTUP": .loadsCode, "PERL5OPT": .loadsCode, "RUBYOPT": .loadsCode,
        "NODE_OPTIONS": .loadsCode, "JAVA_TOOL_OPTIONS": .loadsCode, "_JAVA_OPTIONS": .loadsCode, "GCONV_PATH": .loadsCode,
        "GIT_EXEC_PATH": .loadsCode, "GIT_TEMPLATE_DIR": .loadsCode, "PYTHONHOME": .loadsCode,
        "LD_LIBRARY_PATH": .loadsCodeFrom, "PYTHONPATH": .loadsCodeFrom, "NODE_PATH": .loadsCodeFrom,
        "PERL5LIB": .loadsCodeFrom, "PERLLIB": .loadsCodeFrom, "RUBYLIB": .loadsCodeFrom,
        "GIT_CONFIG_PARAMETERS": .gitConfigurationSource, "GIT_CONFIG_GLOBAL": .gitConfigurationSource,
        "GIT_CONFIG_SYSTEM": .gitConfigurationSource, "GIT_CONFIG": .gitConfigurationSource,
    ]

    /// What setting `name` does, including the numbered `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>`.
    static func environmentEffect(_ name: String) -> Effect? {
        if let effect = environment[name] { return effect }
        if name == "GIT_CONFIG_COUNT" || name.hasPrefix("GIT_CONFIG_KEY_") || name.hasPrefix("GIT_CONFIG_VALUE_") {
            return .gitConfiguration
        }
        return nil
    }

    /// Values of command knobs that only show text (a pager that is `cat`).
    static let harmlessCommands: Set<String> = ["", "cat", "less", "more", "true", "false", ":", "head", "tail", "tee"]

    /// `NODE_OPTIONS`, `PERL5OPT`, `RUBYOPT`, `JAVA_TOOL_OPTIONS` values that only tune the runtime.
    static func optionsLoadCode(_ name: String, value: String) -> Bool {
        switch name {
        case "NODE_OPTIONS":
            let loaders = ["-r", "--require", "--import", "--loader", "--experimental-loader", "--experimental-specifier-resolution", "-e",
                           "--eval", "-p", "--print", "--env-file"]
            return value.split(whereSeparator: \.isWhitespace).contains { option in
                loaders.contains { option == $0 || option.hasPrefix($0 + "=") || ($0 == "-r" && option.hasPrefix("-r")) }
            }
        default:
            return !value.isEmpty
        }
    }

    // MARK: - git configuration

    /// Whether a git configuration key runs a command from its value, or loads code or
    /// configuration from where its value points.
    static func gitConfig(_ key: String) -> Effect? {
        let key = key.lowercased()
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard let section = parts.first, let name = parts.last else { return nil }
        switch key {
        case "core.fsmonitor", "core.pager", "core.sshcommand", "core.editor", "core.askpass", "core.gitproxy",
             "diff.external", "sequence.editor", "gpg.program", "credential.helper", "web.browser",
             "uploadpack.packobjectshook", "remote.origin.uploadpack", "remote.origin.receivepack":
            return .runsCommand
        case "core.hookspath", "include.path", "core.worktree", "core.attributesfile", "init.templatedir":
            return .loadsCode
        default:
            break
        }
        switch (section, name) {
        case ("alias", _), ("pager", _), ("filter", "clean"), ("filter", "smudge"), ("filter", "process"),
             ("diff", "textconv"), ("diff", "command"), ("merge", "driver"), ("gpg", "program"), ("browser", "cmd"),
             ("difftool", "cmd"), ("mergetool", "cmd"), ("credential", "helper"), ("remote", "uploadpack"),
             ("remote", "receivepack"), ("remote", "proxy"), ("http", "proxy"):
            return .runsCommand
        case ("includeif", "path"):
            return .loadsCode
        default:
            return nil
        }
    }

    // MARK: - Program options

    /// Options, per program (and git subcommand), whose value is a command to run or a file to write.
    /// Keys are `program` or `git <subcommand>`; short options take their value attached or as the
    /// next word, long ones after `=` or as the next word.
    static let options: [String: [String: Effect]] = [
        "git": ["-c": .gitConfiguration, "--config-env": .gitConfigurationSource, "--exec-path": .loadsCode],
        "git diff": ["--output": .writesFile], "git log": ["--output": .writesFile], "git show": ["--output": .writesFile],
        "git range-diff": ["--output": .writesFile],
        "git format-patch": ["-o": .writesFile, "--output-directory": .writesFile, "--output": .writesFile],
        "git archive": ["-o": .writesFile, "--output": .writesFile, "--exec": .runsCommand],
        "git clone": ["-u": .runsCommand, "--upload-pack": .runsCommand, "--template": .loadsCode],
        "git init": ["--template": .loadsCode],
        "git fetch": ["--upload-pack": .runsCommand], "git pull": ["--upload-pack": .runsCommand],
        "git ls-remote": ["--upload-pack": .runsCommand],
        "git push": ["--receive-pack": .runsCommand, "--exec": .runsCommand],
        "git rebase": ["-x": .runsCommand, "--exec": .runsCommand],
        "git difftool": ["-x": .runsCommand, "--extcmd": .runsCommand, "-t": .runsCommand, "--tool": .runsCommand],
        "git mergetool": ["-t": .runsCommand, "--tool": .runsCommand],
        "git grep": ["--open-files-in-pager": .runsCommand],
        "tar": ["--to-command": .runsCommand, "-I": .runsCommand, "--use-compress-program": .runsCommand,
                "--checkpoint-action": .runsCommand, "-F": .runsCommand, "--info-script": .runsCommand,
                "--new-volume-script": .runsCommand, "--rsh-command": .runsCommand],
        "rsync": ["-e": .runsCommand, "--rsh": .runsCommand, "--rsync-path": .runsCommand],
        "sort": ["--compress-program": .runsCommand, "-o": .writesFile, "--output": .writesFile],
        "zip": ["-TT": .runsCommand, "--unzip-command": .runsCommand],
        "npm": ["--script-shell": .runsCommand], "yarn": ["--script-shell": .runsCommand],
        "pnpm": ["--script-shell": .runsCommand],
        "curl": ["-o": .writesFile, "--output": .writesFile, "-c": .writesFile, "--cookie-jar": .writesFile,
                 "-D": .writesFile, "--dump-header": .writesFile, "--trace": .writesFile, "--trace-ascii": .writesFile],
        "wget": ["-O": .writesFile, "--output-document": .writesFile, "-o": .writesFile, "--output-file": .writesFile,
                 "-a": .writesFile, "--append-output": .writesFile, "--use-askpass": .runsCommand],
        "gcc": ["-o": .writesFile], "cc": ["-o": .writesFile], "clang": ["-o": .writesFile], "g++": ["-o": .writesFile],
        "c++": ["-o": .writesFile], "go": ["-o": .writesFile], "rustc": ["-o": .writesFile],
        "find": ["-fprint": .writesFile, "-fprint0": .writesFile, "-fprintf": .writesFile, "-fls": .writesFile],
    ]

    /// Long options that name a file to write whatever the program.
    static let anyProgramWriteOptions: Set<String> = ["--output", "--output-file", "--output-document", "--log-file"]

    /// One knob found in a command's arguments.
    struct Use {
        /// The option as written (`--output`, `-c`).
        var option: String
        /// Its value.
        var value: ShellSyntax.Word
        /// What it does.
        var effect: Effect
    }

    /// The knobs among `args` of `program` (a basename).
    static func uses(program: String, args: [ShellSyntax.Word]) -> [Use] {
        var table = options[program] ?? [:]
        if program == "git", let subcommand = gitSubcommand(args) {
            table.merge(options["git " + subcommand] ?? [:]) { first, _ in first }
        }
        var found: [Use] = []
        var index = 0
        while index < args.count {
            let word = args[index]
            let text = word.text
            index += 1
            if text == "--" { break }
            guard text.hasPrefix("-"), text.count > 1 else { continue }
            if text.hasPrefix("--") {
                let name = String(text.prefix { $0 != "=" })
                guard let effect = table[name] ?? (anyProgramWriteOptions.contains(name) ? .writesFile : nil) else { continue }
                if name.count < text.count {
                    var value = word
                    value.text = String(text.dropFirst(name.count + 1))
                    found.append(Use(option: name, value: value, effect: effect))
                } else if index < args.count, program != "git" || name != "--open-files-in-pager" {
                    found.append(Use(option: name, value: args[index], effect: effect))
                    index += 1
                }
            } else if let effect = table[text] {
                guard index < args.count else { continue }
                found.append(Use(option: text, value: args[index], effect: effect))
                index += 1
            } else if text.count > 2, let effect = table[String(text.prefix(2))] {
                var value = word
                value.text = String(text.dropFirst(2))
                found.append(Use(option: String(text.prefix(2)), value: value, effect: effect))
            }
        }
        return found
    }

    /// git's subcommand: the first operand after git's own options.
    static func gitSubcommand(_ args: [ShellSyntax.Word]) -> String? {
        var index = 0
        while index < args.count {
            let text = args[index].text
            if ["-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env"].contains(text) {
                index += 2
            } else if text.hasPrefix("-") {
                index += 1
            } else {
                return text
            }
        }
        return nil
    }
}
