/// Pre stage. The agent will run without the gate's live PreToolUse hook: it is not started by
/// `policy-gate run` or `policy-gate agent` as root, so nothing refuses a call before it runs and the
/// policy is judged only after the fact. Warns by default; `agent.live_enforcement: required` makes it
/// block. Reads `Facts.liveHook`.
enum LiveEnforcementRule: PolicyRule {
    static let description = RuleDescription(
        id: "agent.live-enforcement",
        title: "The agent runs without the policy enforced live",
        rationale: """
        After the fact, the gate can block the merge request, but a secret already sent, a key already \
        read or a pipeline file already written stay done. Started by policy-gate run or agent as root, \
        the agent gets the gate's hook as managed settings, which refuses such calls before they run.
        """,
        stages: [.pre], defaultAction: .warn,
        examples: [
            RuleExample("started by the gate's runner", violations: 0) {
                var facts = try Facts.pre("-p task --permission-mode acceptEdits")
                facts.liveHook = true
                return facts
            },
            RuleExample("started by the job script itself", violations: 1) {
                var facts = try Facts.pre("-p task --permission-mode acceptEdits")
                facts.liveHook = false
                return facts
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard facts.liveHook == false else { return [] }
        return [Violation("the agent is not started by policy-gate run or policy-gate agent as root, so no call is refused before it runs; the policy is judged only after the run",
                          fingerprint: "no-live-hook")]
    }
}
