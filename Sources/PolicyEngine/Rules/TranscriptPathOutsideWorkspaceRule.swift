/// Post stage. File tools (Read, Edit, Write, MultiEdit, NotebookEdit, Glob, Grep, LS) used on paths
/// outside the repository, or on secret files (`.env`, `~/.ssh`, `/proc/*/environ`, cloud credential
/// files) even inside it. Paths are resolved lexically against the transcript's working directory.
/// Reads `Facts.transcript`.
public enum TranscriptPathOutsideWorkspaceRule: PolicyRule {
    public static let description = RuleDescription(
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
            RuleExample(".env inside the repository", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Read", #"{"file_path":"/builds/acme/app/.env"}"#, false)]))
            },
        ])

    static let fileTools: Set<String> = ["Read", "Edit", "Write", "MultiEdit", "NotebookEdit", "Glob", "Grep", "LS"]

    public static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let transcript = facts.transcript, let root = facts.workspaceRoot else { return [] }
        let denied = TranscriptAudit.deniedCallIDs(transcript)
        let cwd = transcript.initEvent?.cwd ?? root
        var violations: [Violation] = []
        for call in transcript.toolCalls where fileTools.contains(call.name) && !denied.contains(call.id) {
            guard let raw = call.filePath ?? call.path else { continue }
            let resolved = PathScope.resolve(raw, cwd: cwd, home: facts.home)
            let location = Finding.Location(path: transcript.name, line: call.line)
            if !PathScope.isInside(resolved, root: root) {
                violations.append(Violation("\(call.name) of '\(resolved)', outside the repository", location: location,
                                            evidence: resolved, fingerprint: "\(call.id):outside"))
            } else if let reason = SecretFilePath.isSecretFile(resolved, home: facts.home) {
                violations.append(Violation("\(call.name) of secret file '\(resolved)' (\(reason))", location: location,
                                            evidence: resolved, fingerprint: "\(call.id):secret"))
            }
        }
        return violations
    }
}
