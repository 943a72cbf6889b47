/// Post stage. File tools (Read, Edit, Write, MultiEdit, NotebookEdit, Glob, Grep, LS) used on paths
/// outside the repository, or on secret files (`.env`, `~/.ssh`, `/proc/*/environ`, cloud credential
/// files) even inside it; path arguments and redirections of Bash commands, whatever the program,
/// outside the repository or held in a variable that cannot be resolved; writes into `.git/` or the
/// gate's own files under every tool. Paths are resolved against the transcript's working
/// directory (`~`, `$HOME`, `..`, globs that could climb). Reads `Facts.transcript`.
enum TranscriptPathOutsideWorkspaceRule: PolicyRule {
    static let description = RuleDescription(
        id: "transcript.path-outside-workspace",
        title: "The agent read or wrote outside the repository, or read a secret file",
        rationale: """
        The job's home folder, /proc and /etc hold runner credentials and other jobs' data; .env files \
        hold secrets the agent has no need to see. Reading them is the first step of an exfiltration.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("files in the repository", violations: 0) {
                try .post(transcript: Facts.streamJSON([("Read", #"{"file_path":"/builds/acme/app/README.md"}"#, false),
                                                         ("Grep", #"{"pattern":"TODO","path":"src"}"#, false)]))
            },
            RuleExample("an SSH key", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Read", #"{"file_path":"~/.ssh/id_rsa"}"#, false)]))
            },
            RuleExample("a write to /etc", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Write", #"{"file_path":"/etc/hosts","content":"x"}"#, false)]))
            },
            RuleExample("a Bash read of /etc/shadow through ..", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"cat ../../../etc/shadow"}"#, false)]))
            },
            RuleExample("a path held in a variable", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"F=~/.aws/credentials; cat $F"}"#, false)]))
            },
            RuleExample("a Bash read inside the repository", violations: 0) {
                try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"cat src/app.py && mkdir -p build"}"#, false)]))
            },
            RuleExample("a git hook written with Write", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Write", #"{"file_path":"/builds/acme/app/.git/hooks/pre-commit","content":"x"}"#, false)]))
            },
            RuleExample(".env inside the repository", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Read", #"{"file_path":"/builds/acme/app/.env"}"#, false)]))
            },
        ])

    /// The kinds of tool that name files.
    static let fileKinds: Set<ToolKind> = [.fileRead, .fileWrite, .fileSearch]

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let transcript = facts.transcript, let root = facts.workspaceRoot else { return [] }
        let denied = TranscriptAudit.deniedCallIDs(transcript)
        let cwd = transcript.initEvent?.cwd ?? root
        let analyzer = BashCommandAnalyzer(workspaceRoot: root, allowedHosts: policy.transcript.allowedHosts, home: facts.home)
        var violations: [Violation] = []
        for call in transcript.toolCalls where !denied.contains(call.id) {
            let location = Finding.Location(path: transcript.name, line: call.line)
            if let command = call.command {
                // Path arguments and redirections of any program, from the one shell analysis.
                let reasons = analyzer.analyze(command).findings.filter { $0.kind == .pathOutsideWorkspace }.map(\.reason)
                for reason in Array(Set(reasons)).sorted() {
                    violations.append(Violation("\(call.name): \(reason)", location: location, fingerprint: "\(call.id):\(reason.prefix(80))"))
                }
                continue
            }
            guard fileKinds.contains(call.kind) else { continue }
            var paths = [call.filePath ?? call.path].compactMap { $0 }
            // An absolute path glob (Claude Code's Glob) names where it searches, whatever `path` says.
            if call.meaning.patternIsPathGlob, let pattern = call.pattern, pattern.hasPrefix("/") || pattern.hasPrefix("~") || pattern.hasPrefix("$") {
                paths.append(CommandClassifier.worstCaseGlob(pattern))
            }
            for raw in paths {
                let lexical = PathScope.resolve(raw, cwd: cwd, home: facts.home)
                // Where symbolic links in the checkout lead at post time (the collector follows them).
                let resolved = facts.onDiskPaths[lexical].map { $0.isEmpty ? "/(a symbolic link loop)" : $0 } ?? lexical
                if !PathScope.isInside(resolved, root: root) {
                    violations.append(Violation("\(call.name) of '\(resolved)', outside the repository", location: location,
                                                evidence: resolved, fingerprint: "\(call.id):outside"))
                } else if call.kind == .fileWrite, let reason = PathScope.forbiddenWriteReason(resolved, root: root) {
                    violations.append(Violation("\(call.name) writes where no tool may: \(reason)", location: location,
                                                evidence: resolved, fingerprint: "\(call.id):forbidden"))
                } else if let reason = SecretFilePath.isSecretFile(resolved, home: facts.home) {
                    violations.append(Violation("\(call.name) of secret file '\(resolved)' (\(reason))", location: location,
                                                evidence: resolved, fingerprint: "\(call.id):secret"))
                }
            }
        }
        return violations
    }
}
