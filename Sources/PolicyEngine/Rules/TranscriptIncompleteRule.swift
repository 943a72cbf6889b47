/// Post stage. The record of the run cannot be trusted as complete: the transcript is truncated or
/// malformed, has no final result, or the agent exited non-zero or was killed. Reads `Facts.transcript`
/// and `Facts.agentExitStatus`.
public enum TranscriptIncompleteRule: PolicyRule {
    public static let description = RuleDescription(
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
            RuleExample("a truncated last line", violations: 1) {
                var lines = Facts.streamJSON([("Bash", #"{"command":"ls"}"#, false)])
                lines[lines.count - 1] = String(lines[lines.count - 1].prefix(30))
                return try .post(transcript: lines)
            },
        ])

    public static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        var violations: [Violation] = []
        if let status = facts.agentExitStatus, status != 0 {
            violations.append(Violation(status > 128 ? "the agent was killed by signal \(status - 128)" : "the agent exited with status \(status)",
                                        fingerprint: "exit"))
        }
        guard let transcript = facts.transcript else { return violations }
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
