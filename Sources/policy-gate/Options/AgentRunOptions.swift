import ArgumentParser

/// How `run` and `agent` start the agent.
struct AgentRunOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The user the agent runs as when the gate is root: NAME, UID or UID:GID (default: the policy's agent.user, else 65532:65532).",
        valueName: "USER"))
    var agentUser: String?

    @Option(name: .long, help: "Seconds the agent may run before it is killed (default: no limit but the job's).")
    var timeout: Int?

    @Option(name: .long, help: "The gate's folder in the checkout, where the hand-off and reports go (default: .policy-gate).")
    var handoff: String = ".policy-gate"

    func validate() throws {
        if let timeout, timeout <= 0 { throw ValidationError("--timeout takes a positive number of seconds") }
        if handoff.isEmpty || handoff.hasPrefix("/") || handoff.split(separator: "/").contains("..") {
            throw ValidationError("--handoff takes a folder inside the checkout, e.g. .policy-gate")
        }
    }

    var duration: Duration? { timeout.map { .seconds($0) } }
}
