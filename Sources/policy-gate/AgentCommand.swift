import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate agent -- COMMAND ARGS…`: the agent job of the three-job wiring. Runs the agent as a user
/// of its own and hands its work to `post`: the gate's commit of the working tree as a bundle, the
/// transcript, and a manifest authenticated with `POLICY_GATE_HANDOFF_KEY`.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the agent as an unprivileged user and hand its work to post (the agent job).",
        discussion: """
        Checks the command line first (as pre does) and starts nothing when that blocks. The hand-off is \
        written to <handoff>/ (agent.bundle, transcript.jsonl, manifest.json) after every process of the \
        agent is gone; post verifies it. Exit codes: 0 handed off (post decides), 1 blocked by the \
        command-line check, 2 could not run the agent or write the hand-off.
        """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var policy: PolicyOptions
    @OptionGroup var agent: AgentRunOptions
    @OptionGroup var reporting: ReportOptions

    @Argument(parsing: .postTerminator, help: "The agent command, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the agent command after --, e.g. -- claude -p \"…\" --output-format stream-json --verbose") }
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.checkout(environment: environment)
            let start = try Gate.startAgent(repository: root, explicitPolicy: policy.explicitSource(repository: root), command: command,
                                            environment: environment, handingOff: true)
            let (trusted, pre) = (start.trusted, start.pre)
            guard pre.report.decision != .block else {
                StandardError.write("policy-gate agent: the command line is blocked; the agent was not started")
                try reporting.deliver(pre.report, started: pre.started, environment: environment, checkout: root)
                return GateExit.blocked
            }
            let session = try AgentSession(log: { StandardError.write($0) })
            defer { session.close() }
            let work = try await session.run(.init(repository: root, command: command, environment: environment,
                                                   user: agent.agentUser, timeout: agent.duration, gateFolder: agent.handoff),
                                             policy: trusted.policy)
            let manifest = try Handoff.write(work, bundle: try session.bundle(work), folder: root + "/" + agent.handoff,
                                             checkout: root, environment: environment, policy: trusted.policy)
            StandardError.write("policy-gate agent: handed off \(manifest.base.prefix(12))..\(manifest.head.prefix(12)) "
                + "(isolation: \(manifest.isolation.mode), agent exit status \(manifest.agentExitStatus)) to \(agent.handoff)/")
            return GateExit.pass
        }
    }
}
