/// Post stage. The record of the run cannot be trusted as complete: the transcript is truncated or
/// malformed, has no final result, ends with background work never notified or with the agent at work
/// after its last result; or the run failed: the agent exited non-zero or was killed, or the CLI wrote an
/// error result (`is_error`, an `error_*` subtype, a `terminal_reason` other than `completed`) or an
/// API-error message. Reads `Facts.transcript` and `Facts.agentExitStatus`.
enum TranscriptIncompleteRule: PolicyRule {
    static let description = RuleDescription(
        id: "transcript.incomplete",
        title: "The agent's run is not fully recorded, or it failed",
        rationale: """
        An audit of a partial transcript reads as "nothing happened" for exactly the calls that are \
        missing. A cut-off or malformed record, or an agent that died, is never a pass.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("a complete run", violations: 0) { try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])) },
            RuleExample("cut off before the result", violations: 1) {
                try .post(transcript: Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)], complete: false))
            },
            RuleExample("max turns reached", violations: 1) {
                var lines = Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])
                lines[lines.count - 1] = #"{"type":"result","subtype":"error_max_turns","is_error":true,"terminal_reason":"max_turns","num_turns":2}"#
                return try .post(transcript: lines)
            },
            RuleExample("an API error reported as success", violations: 1) {
                var lines = Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])
                lines[lines.count - 1] = #"{"type":"result","subtype":"success","is_error":true,"terminal_reason":"api_error","api_error_status":400}"#
                return try .post(transcript: lines)
            },
            RuleExample("background work started and never notified", violations: 1) {
                var lines = Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])
                lines.insert(#"{"type":"system","subtype":"task_started","task_id":"b1","tool_use_id":"toolu_1","task_type":"local_bash"}"#, at: 1)
                return try .post(transcript: lines)
            },
            RuleExample("a truncated last line", violations: 1) {
                var lines = Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])
                lines[lines.count - 1] = String(lines[lines.count - 1].prefix(30))
                return try .post(transcript: lines)
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        var violations: [Violation] = []
        if let status = facts.agentExitStatus, status != 0 {
            violations.append(Violation(status > 128 ? "the agent was killed by signal \(status - 128)" : "the agent exited with status \(status)",
                                        fingerprint: "exit"))
        }
        guard let transcript = facts.transcript else { return violations }
        if let first = transcript.failures.first {
            let described = transcript.failures.prefix(3).map(\.reason).joined(separator: "; ")
            violations.append(Violation("the agent's run failed: \(described)\(transcript.failures.count > 3 ? "; …" : "")",
                                        location: .init(path: transcript.name, line: first.line), fingerprint: "failed"))
        }
        if !transcript.problems.isEmpty {
            let described = transcript.problems.prefix(3).map { problem in
                "\(problem.kind.rawValue)\(problem.line.map { " at line \($0)" } ?? "")"
            }.joined(separator: ", ")
            violations.append(Violation("the transcript cannot be trusted as complete: \(described)\(transcript.problems.count > 3 ? ", …" : "")",
                                        location: .init(path: transcript.name), fingerprint: "problems"))
        } else if transcript.result == nil {
            violations.append(Violation("the transcript has no final result event", location: .init(path: transcript.name),
                                        fingerprint: "no-result"))
        }
        return violations
    }
}
