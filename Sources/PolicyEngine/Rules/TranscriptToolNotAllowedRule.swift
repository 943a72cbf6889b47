/// Post stage. A tool call that ran (not refused) which the policy does not permit: each simple
/// command of a Bash call must be allowed (Claude's read-only built-ins always are), other tools must
/// match an allow entry and no deny entry. Refused calls are reported as information with their count.
/// Reads `Facts.transcript`.
enum TranscriptToolNotAllowedRule: PolicyRule {
    static let description = RuleDescription(
        id: "transcript.tool-not-allowed",
        title: "The agent used a tool the policy does not allow",
        rationale: """
        The grants decide what may run; the transcript shows what did. A call outside the policy means the \
        run was configured wider than reviewed, or a setting widened it on the way.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("reads, edits and swift test", violations: 0) {
                try .post(transcript: Facts.streamJSON([
                    ("Read", #"{"file_path":"/builds/acme/app/Sources/a.swift"}"#, false),
                    ("Edit", #"{"file_path":"/builds/acme/app/Sources/a.swift","old_string":"a","new_string":"b"}"#, false),
                    ("Bash", #"{"command":"swift test 2>&1 | tail -5"}"#, false),
                ]))
            },
            RuleExample("a web fetch outside the grants", violations: 1) {
                try .post(transcript: Facts.streamJSON([("WebFetch", #"{"url":"https://example.com/x","prompt":"p"}"#, false)]))
            },
            RuleExample("a command outside the allow list", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"python3 deploy.py"}"#, false)]))
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let transcript = facts.transcript else { return [] }
        let denied = TranscriptAudit.deniedCallIDs(transcript)
        let analyzer = BashCommandAnalyzer(workspaceRoot: facts.workspaceRoot ?? "/", allowedHosts: policy.transcript.allowedHosts,
                                           home: facts.home)
        var violations: [Violation] = []
        for call in transcript.toolCalls where !denied.contains(call.id) {
            let location = Finding.Location(path: transcript.name, line: call.line)
            // A shell tool without a command (Claude Code's Monitor watching a URL) is checked as a tool below.
            if call.kind == .shell, let command = call.command {
                // The same command repeated in one call (a 2 MB pipeline of one program) is judged and reported once.
                var judged: Set<[String]> = []
                for words in analyzer.analyze(command).simpleCommands where judged.insert(words).inserted
                    && !TranscriptAudit.permits(command: words, policy: policy) {
                    violations.append(Violation("Bash command '\(words.first ?? "")' is not allowed by agent.tools",
                                                location: location, evidence: words.prefix(3).joined(separator: " "),
                                                fingerprint: "\(call.id):\(words.joined(separator: " ").prefix(80))"))
                }
            } else if !TranscriptAudit.permits(call.meaning, path: call.filePath ?? call.path,
                                               host: TranscriptAudit.host(of: call.url), policy: policy) {
                violations.append(Violation("tool '\(call.name)' is not allowed by agent.tools", location: location,
                                            fingerprint: call.id))
            }
        }
        // Calls the live hook refused are reported by transcript.prevented.
        let refused = transcript.toolCalls.filter { $0.wasRefused && !$0.wasRefusedByHook }.count
        if refused > 0 {
            var info = Violation("\(refused) tool call\(refused == 1 ? " was" : "s were") refused by Claude Code's permissions (attempts, not actions)",
                                 location: .init(path: transcript.name), fingerprint: "denied")
            info.isInformational = true
            violations.append(info)
        }
        return violations
    }
}
