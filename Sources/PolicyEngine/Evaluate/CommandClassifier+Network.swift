import Foundation

/// Network clients, git, package installers and interpreters.
extension CommandClassifier {
    // MARK: - curl, wget, HTTPie

    private static let curlShortWithValue: Set<Character> = [
        "A", "b", "c", "C", "d", "D", "e", "E", "F", "H", "K", "m", "o", "P", "Q", "r", "t", "T", "u", "U",
        "w", "x", "X", "y", "Y", "z",
    ]
    private static let curlLongWithValue: Set<String> = [
        "--data", "--data-ascii", "--data-binary", "--data-raw", "--data-urlencode", "--json", "--form",
        "--form-string", "--upload-file", "--header", "--proxy-header", "--user", "--user-agent", "--referer",
        "--cookie", "--cookie-jar", "--output", "--config", "--request", "--proxy", "--preproxy", "--max-time",
        "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time", "--url", "--url-query", "--cacert",
        "--capath", "--cert", "--key", "--pass", "--resolve", "--connect-to", "--interface", "--dns-servers",
        "--limit-rate", "--max-filesize", "--range", "--write-out", "--dump-header", "--continue-at",
        "--time-cond", "--trace", "--trace-ascii", "--stderr", "--output-dir", "--proxy-user", "--oauth2-bearer",
        "--unix-socket", "--abstract-unix-socket", "--cert-type", "--key-type", "--ciphers", "--netrc-file",
        "--variable", "--aws-sigv4", "--local-port", "--max-redirs", "--speed-limit", "--speed-time",
        "--telnet-option", "--quote", "--ftp-port", "--socks4", "--socks4a", "--socks5", "--socks5-hostname",
        "--mail-from", "--mail-rcpt", "--hostpubmd5", "--pinnedpubkey", "--expect100-timeout",
    ]

    func classifyCurl(_ args: [ShellSyntax.Word], into result: inout Classification) {
        result.fetches = true
        var targets: [HostAllowList.Target] = []
        var uploads: [String] = []
        var configFile = false
        var unixSocket = false
        var infoOnly = false
        func option(_ name: String, _ value: ShellSyntax.Word?) {
            let text = value?.text ?? ""
            switch name {
            case "-d", "--data", "--data-ascii", "--data-binary", "--json":
                if text.hasPrefix("@") { uploads.append(String(text.dropFirst())) }
            case "--data-urlencode":
                if text.hasPrefix("@") {
                    uploads.append(String(text.dropFirst()))
                } else if let at = text.firstIndex(of: "@"), !text[..<at].contains("=") {
                    uploads.append(String(text[text.index(after: at)...]))
                }
            case "-F", "--form":
                for marker in ["=@", "=<"] {
                    if let range = text.range(of: marker) {
                        uploads.append(String(text[range.upperBound...].prefix { $0 != ";" }))
                    }
                }
            case "-T", "--upload-file":
                uploads.append(text)
            case "--url":
                if let value { targets.append(target(ofURL: value)) }
            case "-x", "--proxy", "--preproxy", "--socks4", "--socks4a", "--socks5", "--socks5-hostname":
                if let value { targets.append(target(ofURL: value)) }
            case "-K", "--config":
                configFile = true
            case "--unix-socket", "--abstract-unix-socket":
                unixSocket = true
            default:
                break
            }
        }
        let walk = OptionWalk(shortWithValue: Self.curlShortWithValue, longWithValue: Self.curlLongWithValue, honoursDoubleDash: true)
        walk.walk(args, operand: { targets.append(target(ofURL: $0)) }, option: { name, value in
            if ["--version", "--help", "--manual", "-V", "-h", "-M"].contains(name) { infoOnly = true }
            option(name, value)
        })
        if unixSocket { targets.removeAll() }
        if targets.isEmpty {
            if configFile { targets.append(.dynamic) }
            if infoOnly || unixSocket { return }
            if !configFile { targets.append(.dynamic) }
        }
        let outside = targets.filter { !hosts.isAllowed($0) }
        if !uploads.isEmpty {
            let secrets = uploads.filter { $0 == "-" || SecretFilePath.isSecretFile($0, home: home) != nil }
            if !outside.isEmpty || !secrets.isEmpty {
                let files = uploads.map { $0 == "-" ? "stdin" : "'\($0)'" }.joined(separator: ", ")
                let destination = outside.first.map(describe) ?? "an allowed host"
                result.add(.fileUpload, "curl uploads \(files) to \(destination)")
                return
            }
        }
        if let first = outside.first {
            result.add(.networkAccess, "curl contacts \(describe(first))")
        }
    }

    private static let wgetShortWithValue: Set<Character> = ["O", "o", "a", "P", "e", "i", "B", "t", "T", "w", "Q", "U", "D", "l", "A", "R", "I", "X"]
    private static let wgetLongWithValue: Set<String> = [
        "--output-document", "--output-file", "--append-output", "--directory-prefix", "--execute", "--input-file",
        "--base", "--tries", "--timeout", "--wait", "--quota", "--user-agent", "--domains", "--level", "--accept",
        "--reject", "--include-directories", "--exclude-directories", "--header", "--post-data", "--post-file",
        "--body-data", "--body-file", "--method", "--user", "--password", "--http-user", "--http-password",
        "--referer", "--load-cookies", "--save-cookies", "--ca-certificate", "--certificate", "--private-key",
        "--limit-rate", "--bind-address", "--proxy-user", "--proxy-password",
    ]

    func classifyWget(_ args: [ShellSyntax.Word], into result: inout Classification) {
        result.fetches = true
        var targets: [HostAllowList.Target] = []
        var uploads: [String] = []
        var infoOnly = false
        func option(_ name: String, _ value: ShellSyntax.Word?) {
            switch name {
            case "--post-file", "--body-file":
                if let value { uploads.append(value.text) }
            case "-i", "--input-file":
                targets.append(.dynamic)
            default:
                break
            }
        }
        let walk = OptionWalk(shortWithValue: Self.wgetShortWithValue, longWithValue: Self.wgetLongWithValue, honoursDoubleDash: false)
        walk.walk(args, operand: { targets.append(target(ofURL: $0)) }, option: { name, value in
            if ["--version", "--help", "-V", "-h"].contains(name) { infoOnly = true }
            option(name, value)
        })
        if targets.isEmpty {
            if infoOnly { return }
            targets.append(.dynamic)
        }
        let outside = targets.filter { !hosts.isAllowed($0) }
        if !uploads.isEmpty, !outside.isEmpty || uploads.contains(where: { SecretFilePath.isSecretFile($0, home: home) != nil }) {
            let files = uploads.map { "'\($0)'" }.joined(separator: ", ")
            result.add(.fileUpload, "wget posts \(files) to \(outside.first.map(describe) ?? "an allowed host")")
        } else if let first = outside.first {
            result.add(.networkAccess, "wget contacts \(describe(first))")
        }
    }

    /// The options and operands of a getopt-style command line (curl, wget): `--name[=value]`, bundled
    /// short options, and options that take a value (the next word, or the rest of their own word).
    private struct OptionWalk {
        let shortWithValue: Set<Character>
        let longWithValue: Set<String>
        /// Whether `--` ends the options.
        let honoursDoubleDash: Bool

        /// Calls `operand` for each operand and `option` for each option, with its value when it takes one.
        func walk(_ args: [ShellSyntax.Word], operand: (ShellSyntax.Word) -> Void, option: (String, ShellSyntax.Word?) -> Void) {
            var index = 0
            var optionsEnded = false
            while index < args.count {
                let word = args[index]
                let text = word.text
                index += 1
                if optionsEnded || !text.hasPrefix("-") || text == "-" {
                    operand(word)
                } else if honoursDoubleDash && text == "--" {
                    optionsEnded = true
                } else if text.hasPrefix("--") {
                    let parts = text.split(separator: "=", maxSplits: 1)
                    let name = String(parts[0])
                    if parts.count == 2 {
                        var value = word
                        value.text = String(parts[1])
                        option(name, value)
                    } else if longWithValue.contains(name) {
                        option(name, index < args.count ? args[index] : nil)
                        index += 1
                    } else {
                        option(name, nil)
                    }
                } else {
                    let characters = Array(text.dropFirst())
                    for (position, character) in characters.enumerated() {
                        guard shortWithValue.contains(character) else {
                            option("-" + String(character), nil)
                            continue
                        }
                        if position + 1 < characters.count {
                            var value = word
                            value.text = String(characters[(position + 1)...])
                            option("-" + String(character), value)
                        } else {
                            option("-" + String(character), index < args.count ? args[index] : nil)
                            index += 1
                        }
                        break
                    }
                }
            }
        }
    }

    func classifyHTTPie(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        result.fetches = true
        let positionals = args.filter { !$0.text.hasPrefix("-") }
        var remaining = positionals[...]
        if let first = remaining.first, first.text.count <= 7, first.text.allSatisfy(\.isUppercase) {
            remaining = remaining.dropFirst()
        }
        guard let url = remaining.first else { return }
        let target = target(ofURL: url)
        let uploads = remaining.dropFirst().filter { item in
            item.text.hasPrefix("@") || item.text.contains("=@") || item.text.contains(":=@")
        }
        guard !hosts.isAllowed(target) else { return }
        if uploads.isEmpty {
            result.add(.networkAccess, "\(name) contacts \(describe(target))")
        } else {
            result.add(.fileUpload, "\(name) uploads files to \(describe(target))")
        }
    }

    // MARK: - Sockets and remote shells

    func classifyNetcat(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        result.fetches = true
        let withValue: Set<String> = ["-p", "-s", "-w", "-i", "-q", "-x", "-X", "-e", "-c", "-O", "-T", "-V", "-I",
                                      "-m", "-o", "-g", "-G", "--proxy", "--proxy-type", "--exec", "--sh-exec",
                                      "--lua-exec", "--source-port", "--wait", "--output", "--source"]
        let texts = args.map(\.text)
        if texts.contains(where: { ["-e", "-c", "--exec", "--sh-exec", "--lua-exec"].contains($0) || $0.hasPrefix("--exec=") }) {
            result.add(.networkAccess, "\(name) connects a program to the network (reverse or bind shell)")
            return
        }
        if texts.contains(where: { $0 == "-l" || $0 == "--listen" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("l")) }) {
            result.add(.networkAccess, "\(name) listens for network connections")
            return
        }
        let positionals = operands(args, withValue: withValue)
        guard let host = positionals.first else {
            result.add(.networkAccess, "\(name) contacts \(describe(.dynamic))")
            return
        }
        let target = HostAllowList.destination(host.isLiteral ? host.text : "$") ?? .dynamic
        if !hosts.isAllowed(target) {
            result.add(.networkAccess, "\(name) contacts \(describe(target))")
        }
    }

    func classifySocat(_ args: [ShellSyntax.Word], into result: inout Classification) {
        let connecting: Set<String> = ["TCP", "TCP4", "TCP6", "UDP", "UDP4", "UDP6", "SCTP", "OPENSSL", "SSL", "PROXY",
                                       "SOCKS", "SOCKS4", "SOCKS4A", "SOCKS5", "TCP-CONNECT", "TCP4-CONNECT",
                                       "TCP6-CONNECT", "UDP-CONNECT", "UDP-SENDTO", "OPENSSL-CONNECT", "DTLS"]
        for arg in args where !arg.text.hasPrefix("-") {
            let fields = arg.text.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            let type = fields[0].uppercased()
            if type.contains("LISTEN") || type.contains("RECV") {
                result.fetches = true
                result.add(.networkAccess, "socat listens for network connections")
                return
            }
            guard connecting.contains(type) else { continue }
            result.fetches = true
            let host = String(fields[1])
            let target: HostAllowList.Target = arg.isLiteral ? .host(HostAllowList.normalize(host)) : .dynamic
            if !hosts.isAllowed(target) {
                result.add(.networkAccess, "socat contacts \(describe(target))")
                return
            }
        }
    }

    func classifySSH(_ args: [ShellSyntax.Word], into result: inout Classification) {
        result.fetches = true
        let withValue: Set<String> = ["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
                                      "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B"]
        let texts = args.map(\.text)
        if texts.contains(where: { ["-R", "-L", "-D"].contains($0) }) {
            result.add(.networkAccess, "ssh opens a tunnel or port forward")
        }
        for (index, text) in texts.enumerated() where text == "-J" && index + 1 < texts.count {
            if let jump = HostAllowList.destination(texts[index + 1]), !hosts.isAllowed(jump) {
                result.add(.networkAccess, "ssh jumps through \(describe(jump))")
            }
        }
        guard let destination = operands(args, withValue: withValue).first else { return }
        let target = destination.isLiteral ? HostAllowList.destination(destination.text) ?? .dynamic : .dynamic
        if !hosts.isAllowed(target) {
            result.add(.networkAccess, "ssh connects to \(describe(target))")
        }
    }

    /// `scp` and `rsync`: operands of the form `[user@]host:path`, `host::module`, `scheme://`.
    func classifyRemoteCopy(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        let withValue: Set<String> = name == "scp"
            ? ["-c", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-D", "-X"]
            : ["-e", "--rsh", "-f", "--filter", "-T", "--temp-dir", "--exclude", "--include", "--port"]
        let found = operands(args, withValue: withValue)
        var remoteIndices: [Int] = []
        var outside: HostAllowList.Target?
        for (index, operand) in found.enumerated() {
            guard let target = remoteTarget(operand) else { continue }
            remoteIndices.append(index)
            if !hosts.isAllowed(target), outside == nil { outside = target }
        }
        guard !remoteIndices.isEmpty else { return }
        result.fetches = true
        guard let outside else { return }
        if remoteIndices == [found.count - 1], found.count >= 2 {
            result.add(.fileUpload, "\(name) copies local files to \(describe(outside))")
        } else {
            result.add(.networkAccess, "\(name) transfers files with \(describe(outside))")
        }
    }

    private func remoteTarget(_ word: ShellSyntax.Word) -> HostAllowList.Target? {
        let text = word.text
        if text.contains("://") { return HostAllowList.target(of: text, defaultScheme: false) }
        if text.hasPrefix("/") || text.hasPrefix(".") || text.hasPrefix("~") { return nil }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        if let slash = text.firstIndex(of: "/"), slash < colon { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty else { return nil }
        if !word.isLiteral, host.contains("$") { return .dynamic }
        return HostAllowList.destination(host)
    }

    func classifyDestinationTool(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        result.fetches = true
        let withValue: Set<String> = ["-P", "-i", "-o", "-F", "-b", "-B", "-D", "-l", "-R", "-S", "-s", "-c", "-J",
                                      "-p", "-u", "-e", "-f", "-r", "-m"]
        guard let destination = operands(args, withValue: withValue).first else { return }
        let target = destination.isLiteral ? HostAllowList.destination(destination.text) ?? .dynamic : .dynamic
        if !hosts.isAllowed(target) {
            result.add(.networkAccess, "\(name) connects to \(describe(target))")
        }
    }

    // MARK: - git

    func classifyGit(_ args: [ShellSyntax.Word], into result: inout Classification) {
        var index = 0
        while index < args.count {
            let text = args[index].text
            if text == "-c", index + 1 < args.count {
                if Self.isRemoteRedirectingConfig(args[index + 1].text) {
                    result.add(.gitRemoteChange, "git -c overrides where a remote points")
                }
                index += 2
            } else if ["-C", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"].contains(text) {
                index += 2
            } else if text.hasPrefix("-") {
                index += 1
            } else {
                break
            }
        }
        guard index < args.count else { return }
        let subcommand = args[index].text
        let rest = Array(args[(index + 1)...])
        switch subcommand {
        case "push":
            classifyGitPush(rest, into: &result)
        case "remote":
            let action = rest.first { !$0.text.hasPrefix("-") }?.text
            if let action, ["add", "set-url", "rename"].contains(action) {
                result.add(.gitRemoteChange, "git remote \(action) changes where fetches and pushes go")
            }
        case "config":
            let texts = rest.map(\.text)
            let reading = texts.contains { ["--get", "--get-all", "--get-regexp", "--list", "-l", "--unset", "--unset-all"].contains($0) }
            if !reading, let key = texts.first(where: { !$0.hasPrefix("-") }), Self.isRemoteRedirectingConfig(key),
               texts.filter({ !$0.hasPrefix("-") }).count >= 2 {
                result.add(.gitRemoteChange, "git config redirects a remote (\(key.lowercased()))")
            }
        case "clone", "fetch", "pull", "ls-remote", "submodule", "archive":
            for operand in rest where !operand.text.hasPrefix("-") {
                guard let target = gitURLTarget(operand), !hosts.isAllowed(target) else { continue }
                result.add(.networkAccess, "git \(subcommand) contacts \(describe(target))")
                break
            }
        default:
            break
        }
    }

    private func classifyGitPush(_ args: [ShellSyntax.Word], into result: inout Classification) {
        var force: String?
        var deletes = false
        var dryRun = false
        var repository: ShellSyntax.Word?
        var positionals: [ShellSyntax.Word] = []
        var index = 0
        var optionsEnded = false
        while index < args.count {
            let word = args[index]
            let text = word.text
            index += 1
            if optionsEnded || !text.hasPrefix("-") || text == "-" {
                positionals.append(word)
            } else if text == "--" {
                optionsEnded = true
            } else if text.hasPrefix("--") {
                let name = String(text.split(separator: "=", maxSplits: 1)[0])
                switch name {
                case "--force", "--force-with-lease", "--force-if-includes": force = name
                case "--mirror": force = "--mirror"
                case "--delete", "--prune": deletes = true
                case "--dry-run": dryRun = true
                case "--repo":
                    if text.contains("=") {
                        var value = word
                        value.text = String(text.split(separator: "=", maxSplits: 1)[1])
                        repository = value
                    } else if index < args.count {
                        repository = args[index]
                        index += 1
                    }
                case "--push-option", "--receive-pack", "--exec":
                    if !text.contains("=") { index += 1 }
                default:
                    break
                }
            } else {
                for character in text.dropFirst() {
                    switch character {
                    case "f": force = "-f"
                    case "d": deletes = true
                    case "n": dryRun = true
                    case "o": index += 1
                    default: break
                    }
                }
            }
        }
        guard !dryRun else { return }
        if repository == nil, !positionals.isEmpty { repository = positionals.removeFirst() }
        if let force {
            result.add(.gitForcePush, "git push \(force) can overwrite remote history")
        }
        if let forced = positionals.first(where: { $0.text.hasPrefix("+") }) {
            result.add(.gitForcePush, "git push with forced refspec '\(forced.text)' can overwrite remote history")
        }
        if deletes || positionals.contains(where: { $0.text.hasPrefix(":") }) {
            result.add(.gitForcePush, "git push deletes remote refs")
        }
        if let repository {
            let text = repository.text
            if !repository.isLiteral {
                result.add(.gitPushToOtherRemote, "git push to a remote computed at run time")
            } else if text == "origin" {
                return
            } else if text.contains("://") || text.contains("@") || text.contains(":") || text.hasPrefix("/")
                        || text.hasPrefix(".") || text.hasPrefix("~") {
                let host = gitURLTarget(repository).map(describeHostOnly) ?? "a local path"
                result.add(.gitPushToOtherRemote, "git push to a URL or path (\(host)) instead of 'origin'")
            } else {
                result.add(.gitPushToOtherRemote, "git push to remote '\(text)', not 'origin'")
            }
        }
    }

    private func describeHostOnly(_ target: HostAllowList.Target) -> String {
        switch target {
        case .host(let host): return host
        case .dynamic: return "computed at run time"
        case .local: return "a local path"
        }
    }

    /// The host of a git URL: `scheme://host/…` or scp-like `[user@]host:path`.
    private func gitURLTarget(_ word: ShellSyntax.Word) -> HostAllowList.Target? {
        let text = word.text
        if text.contains("://") {
            return word.isLiteral ? HostAllowList.target(of: text, defaultScheme: false) : .dynamic
        }
        return remoteTarget(word)
    }

    /// `remote.<name>.url|pushurl` and `url.<base>.insteadOf|pushInsteadOf`.
    private static func isRemoteRedirectingConfig(_ setting: String) -> Bool {
        let key = setting.split(separator: "=", maxSplits: 1)[0].lowercased()
        if key.hasPrefix("remote."), key.hasSuffix(".url") || key.hasSuffix(".pushurl") { return true }
        if key.hasPrefix("url."), key.hasSuffix(".insteadof") || key.hasSuffix(".pushinsteadof") { return true }
        return false
    }

    // MARK: - Interpreters and package managers

    func classifyInterpreterOrInstaller(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        switch name {
        case "node", "nodejs", "bun":
            if name == "bun", let sub = args.first?.text, ["add", "install", "i", "x"].contains(sub) {
                classifyNodeInstaller(name, args, into: &result)
            } else {
                classifyCode(name, args, codeOptions: ["-e", "--eval", "-p", "--print"],
                             valueOptions: ["-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions"],
                             interpreter: .node, into: &result)
            }
        case "deno":
            classifyDeno(args, into: &result)
        case "perl":
            classifyPerl(args, into: &result)
        case "ruby":
            classifyCode(name, args, codeOptions: ["-e"], valueOptions: ["-r", "-I", "-C", "-E"], interpreter: .ruby, into: &result)
        case "php":
            classifyCode(name, args, codeOptions: ["-r"], valueOptions: ["-c", "-d", "-z"], interpreter: .php, into: &result)
        case "npm", "pnpm", "yarn", "cnpm", "npx", "bunx":
            classifyNodeInstaller(name, args, into: &result)
        case "pipx":
            classifyPip(name, args, into: &result)
        case "uv":
            if args.first?.text == "pip" {
                classifyPip("uv pip", Array(args.dropFirst()), into: &result)
            } else if let sub = args.first?.text, sub == "add" || sub == "tool" {
                classifyPip("uv", [.literal("install")] + args.dropFirst(sub == "tool" ? 2 : 1), into: &result)
            }
        case "gem":
            classifyIndexOptions(name, args, subcommands: ["install"], indexOptions: ["--source", "-s"], into: &result)
        case "cargo":
            classifyIndexOptions(name, args, subcommands: ["install"], indexOptions: ["--git", "--index"], into: &result)
        case "apt", "apt-get", "yum", "dnf", "zypper", "apk", "brew", "rpm", "snap", "port":
            classifySystemInstaller(name, args, into: &result)
        default:
            if Self.isPython(name) {
                classifyPython(name, args, into: &result)
            } else if Self.isPip(name) {
                classifyPip(name, args, into: &result)
            }
        }
    }

    static func isPython(_ name: String) -> Bool {
        if ["python", "pypy", "pypy3"].contains(name) { return true }
        guard name.hasPrefix("python") else { return false }
        let version = name.dropFirst(6)
        return !version.isEmpty && version.allSatisfy { $0.isNumber || $0 == "." }
    }

    static func isPip(_ name: String) -> Bool {
        guard name.hasPrefix("pip") else { return false }
        return name.dropFirst(3).allSatisfy { $0.isNumber || $0 == "." }
    }

    private func classifyPython(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        var index = 0
        while index < args.count {
            let text = args[index].text
            if text == "-c" {
                if index + 1 < args.count { checkCode(name, args[index + 1].text, into: &result) }
                return
            }
            if text.hasPrefix("-c"), !text.hasPrefix("--") {
                checkCode(name, String(text.dropFirst(2)), into: &result)
                return
            }
            if text == "-m" || (text.hasPrefix("-m") && !text.hasPrefix("--")) {
                let module = text == "-m" ? (index + 1 < args.count ? args[index + 1].text : "") : String(text.dropFirst(2))
                let rest = Array(args[min(index + (text == "-m" ? 2 : 1), args.count)...])
                if module == "pip" { classifyPip("\(name) -m pip", rest, into: &result) }
                return
            }
            if text == "-" {
                result.stdinInterpreter = .python
                return
            }
            if ["-W", "-X", "-Q"].contains(text) {
                index += 2
                continue
            }
            if text.hasPrefix("-") {
                index += 1
                continue
            }
            result.runsFileArgument = true
            return
        }
        result.stdinInterpreter = .python
    }

    /// Interpreters whose inline program comes after one of `codeOptions`.
    private func classifyCode(
        _ name: String,
        _ args: [ShellSyntax.Word],
        codeOptions: Set<String>,
        valueOptions: Set<String>,
        interpreter: Interpreter,
        into result: inout Classification
    ) {
        var index = 0
        var extra = ""
        while index < args.count {
            let text = args[index].text
            let optionName = String(text.split(separator: "=", maxSplits: 1).first ?? "")
            if codeOptions.contains(optionName) {
                let code = text.contains("=") ? String(text.split(separator: "=", maxSplits: 1)[1])
                    : (index + 1 < args.count ? args[index + 1].text : "")
                checkCode(name, extra + " " + code, into: &result)
                return
            }
            if valueOptions.contains(text) {
                if index + 1 < args.count { extra += " " + args[index + 1].text }
                index += 2
                continue
            }
            if text == "-" {
                result.stdinInterpreter = interpreter
                return
            }
            if text.hasPrefix("-") {
                extra += " " + text
                index += 1
                continue
            }
            result.runsFileArgument = true
            return
        }
        result.stdinInterpreter = interpreter
    }

    private func classifyPerl(_ args: [ShellSyntax.Word], into result: inout Classification) {
        var modules = ""
        var index = 0
        while index < args.count {
            let text = args[index].text
            if text.hasPrefix("-M") || text.hasPrefix("-m") {
                modules += " " + text.dropFirst(2)
                index += 1
                continue
            }
            if text.hasPrefix("-"), !text.hasPrefix("--"), text.count > 1, text.last == "e" || text.last == "E" {
                let code = index + 1 < args.count ? args[index + 1].text : ""
                checkCode("perl", modules + " " + code, into: &result)
                return
            }
            if text == "-" {
                result.stdinInterpreter = .perl
                return
            }
            if text.hasPrefix("-") {
                index += 1
                continue
            }
            result.runsFileArgument = true
            return
        }
        result.stdinInterpreter = .perl
    }

    private func classifyDeno(_ args: [ShellSyntax.Word], into result: inout Classification) {
        guard let sub = args.first?.text else { return }
        let rest = Array(args.dropFirst())
        switch sub {
        case "eval":
            checkCode("deno", rest.map(\.text).joined(separator: " "), into: &result)
        case "run", "install":
            if let script = rest.first(where: { !$0.text.hasPrefix("-") }), script.text.contains("://") {
                result.fetches = true
                result.add(.fetchAndExecute, "deno \(sub) runs a script from a URL (\(describeHostOnly(target(ofURL: script))))")
            }
        default:
            break
        }
    }

    /// An inline program that mentions sockets or HTTP contacts a host outside the list, or an
    /// undetermined one.
    func checkCode(_ interpreter: String, _ code: String, into result: inout Classification) {
        let lower = code.lowercased()
        let keywords = ["socket", "http", "urllib", "requests", "fetch", "net::", "lwp", "curl", "wget", "net.connect",
                        "xmlhttprequest", "websocket"]
        guard keywords.contains(where: { lower.contains($0) }) else { return }
        result.fetches = true
        let targets = HostAllowList.urlHosts(in: code)
        if targets.isEmpty {
            result.add(.networkAccess, "\(interpreter) code uses sockets or HTTP with a destination that cannot be determined")
        } else if let outside = targets.first(where: { !hosts.isAllowed($0) }) {
            result.add(.networkAccess, "\(interpreter) code contacts \(describe(outside))")
        }
    }

    private func classifyPip(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        let withValue: Set<String> = ["-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
                                      "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
                                      "--prefix", "--root", "--src", "--platform", "--python-version", "--implementation",
                                      "--abi", "--cache-dir", "--log", "--proxy", "--python", "--spec", "--pip-args"]
        guard let sub = args.first(where: { !$0.text.hasPrefix("-") }), ["install", "download", "wheel", "inject", "run"].contains(sub.text) else {
            return
        }
        var index = 0
        while index < args.count {
            let word = args[index]
            let parts = word.text.split(separator: "=", maxSplits: 1).map(String.init)
            let name0 = parts.first ?? ""
            var value: ShellSyntax.Word?
            if word.text.hasPrefix("--"), parts.count == 2 {
                var attached = word
                attached.text = parts[1]
                value = attached
            } else if withValue.contains(word.text), index + 1 < args.count {
                value = args[index + 1]
                index += 1
            }
            index += 1
            if let value {
                switch name0 {
                case "-i", "--index-url", "--extra-index-url", "-f", "--find-links":
                    let target = target(ofURL: value)
                    if value.text.contains("://"), !hosts.isAllowed(target) {
                        result.add(.remoteInstall, "\(name) installs from the package index at \(describe(target))")
                    }
                case "--trusted-host":
                    let target = target(ofURL: value)
                    if !hosts.isAllowed(target) {
                        result.add(.remoteInstall, "\(name) trusts \(describe(target)) without TLS verification")
                    }
                case "-e", "--editable":
                    checkRemoteSpec(name, value, into: &result)
                default:
                    break
                }
            } else if !word.text.hasPrefix("-") {
                checkRemoteSpec(name, word, into: &result)
            }
        }
    }

    private func checkRemoteSpec(_ tool: String, _ spec: ShellSyntax.Word, into result: inout Classification) {
        var text = spec.text
        for prefix in ["git+", "hg+", "svn+", "bzr+"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        let target: HostAllowList.Target?
        if text.contains("://") {
            target = spec.isLiteral ? HostAllowList.target(of: text, defaultScheme: false) : .dynamic
        } else if text.hasPrefix("git@"), let colon = text.firstIndex(of: ":") {
            target = HostAllowList.destination(String(text[..<colon]))
        } else {
            target = nil
        }
        if let target, target != .local, !hosts.isAllowed(target) {
            result.add(.remoteInstall, "\(tool) installs a package from \(describe(target))")
        }
    }

    private func classifyNodeInstaller(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        let installs: Set<String> = ["install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta",
                                     "isntal", "isntall", "update", "up", "upgrade", "exec", "x", "dlx", "global"]
        var specs: [ShellSyntax.Word] = []
        var index = 0
        var sawSubcommand = name == "npx" || name == "bunx"
        var installing = sawSubcommand
        while index < args.count {
            let word = args[index]
            let text = word.text
            index += 1
            if text == "--registry" || text.hasPrefix("--registry=") {
                var value = word
                if text.contains("=") {
                    value.text = String(text.dropFirst("--registry=".count))
                } else if index < args.count {
                    value = args[index]
                    index += 1
                }
                let target = target(ofURL: value)
                if !hosts.isAllowed(target) {
                    result.add(.remoteInstall, "\(name) uses the registry at \(describe(target))")
                }
                continue
            }
            if text.hasPrefix("-") { continue }
            if !sawSubcommand {
                sawSubcommand = true
                installing = installs.contains(text)
                continue
            }
            if installing, text != "add" { specs.append(word) }
        }
        if name == "npx" || name == "bunx" || ["exec", "x", "dlx"].contains(args.first { !$0.text.hasPrefix("-") }?.text ?? "") {
            // Only the package spec is fetched; later words are the tool's own arguments.
            specs = Array(specs.prefix(1))
        }
        for spec in specs {
            let text = spec.text
            let host: HostAllowList.Target?
            if text.hasPrefix("github:") {
                host = .host("github.com")
            } else if text.hasPrefix("gitlab:") {
                host = .host("gitlab.com")
            } else if text.hasPrefix("bitbucket:") {
                host = .host("bitbucket.org")
            } else if text.hasPrefix("gist:") {
                host = .host("gist.github.com")
            } else if text.contains("://") || text.hasPrefix("git+") || text.hasPrefix("git@") {
                checkRemoteSpec(name, spec, into: &result)
                continue
            } else if !text.hasPrefix("@"), !text.hasPrefix("."), !text.hasPrefix("/"), !text.hasPrefix("~"),
                      text.contains("/"), !text.contains(":") {
                host = .host("github.com")
            } else {
                host = nil
            }
            if let host, !hosts.isAllowed(host) {
                result.add(.remoteInstall, "\(name) installs '\(text)' from \(describe(host))")
            }
        }
    }

    private func classifyIndexOptions(
        _ name: String,
        _ args: [ShellSyntax.Word],
        subcommands: Set<String>,
        indexOptions: Set<String>,
        into result: inout Classification
    ) {
        guard let sub = args.first(where: { !$0.text.hasPrefix("-") }), subcommands.contains(sub.text) else { return }
        for (index, word) in args.enumerated() {
            var value: ShellSyntax.Word?
            if indexOptions.contains(word.text), index + 1 < args.count {
                value = args[index + 1]
            } else if let option = indexOptions.first(where: { word.text.hasPrefix($0 + "=") }) {
                var attached = word
                attached.text = String(word.text.dropFirst(option.count + 1))
                value = attached
            }
            guard let value else { continue }
            let target = target(ofURL: value)
            if !hosts.isAllowed(target) {
                result.add(.remoteInstall, "\(name) installs from \(describe(target))")
            }
        }
    }

    private func classifySystemInstaller(_ name: String, _ args: [ShellSyntax.Word], into result: inout Classification) {
        for (index, word) in args.enumerated() {
            if ["--repository", "-X"].contains(word.text), index + 1 < args.count {
                let target = target(ofURL: args[index + 1])
                if !hosts.isAllowed(target) {
                    result.add(.remoteInstall, "\(name) installs from the repository at \(describe(target))")
                }
            } else if word.text.contains("://") {
                let target = target(ofURL: word)
                if !hosts.isAllowed(target) {
                    result.add(.remoteInstall, "\(name) installs a package from \(describe(target))")
                }
            }
        }
    }

    // MARK: - Helpers

    /// The host a URL word (or a bare curl-style destination) reaches.
    func target(ofURL word: ShellSyntax.Word) -> HostAllowList.Target {
        guard word.isLiteral else {
            if let host = HostAllowList.target(of: word.text, defaultScheme: true), case .host = host { return host }
            return .dynamic
        }
        return HostAllowList.target(of: word.text, defaultScheme: true) ?? .dynamic
    }
}
