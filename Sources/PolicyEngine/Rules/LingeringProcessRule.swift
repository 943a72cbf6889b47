/// Post stage. Processes of the agent's user were still running after the agent exited (the runner
/// killed them before reading anything). Reads `Facts.lingeringProcesses`.
enum LingeringProcessRule: PolicyRule {
    static let description = RuleDescription(
        id: "agent.lingering-process",
        title: "The agent left processes running after it exited",
        rationale: """
        A process that outlives the agent can change the checkout after the transcript ends, or wait \
        for the gate and later jobs. The runner kills every process of the agent's user before it \
        reads the work; one that was still there is a sign of an agent trying to act unseen.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("nothing left running", violations: 0) {
                var facts = Facts.post([])
                facts.lingeringProcesses = 0
                return facts
            },
            RuleExample("a background process outlived the agent", violations: 1) {
                var facts = Facts.post([])
                facts.lingeringProcesses = 2
                return facts
            },
            RuleExample("the agent did not run under the gate", violations: 0) { .post([]) },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let count = facts.lingeringProcesses, count > 0 else { return [] }
        return [Violation("\(count) process(es) of the agent were still running after it exited; the gate killed them",
                          fingerprint: "lingering")]
    }
}
