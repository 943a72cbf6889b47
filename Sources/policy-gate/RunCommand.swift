import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate run -- COMMAND ARGS…`: pre on the command's own argv, the agent (only if pre passes) as a
/// user of its own with its stdout as the transcript, then post on what it left. The exit code is the decision.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run pre, then the agent command as an unprivileged user, then post, in one step.",
        discussion: """
        Everything the verdict rests on stays in memory or in a private folder: the policy (from the \
        merge request's target branch in a GitLab pipeline), the transcript (the agent's standard \
        output through a pipe) and the gate's own commit of the working tree. After the agent exits, \
        every process of its user is killed before anything is read. The commit is left in \
        <handoff>/agent.bundle and the transcript in <handoff>/transcript.jsonl for later lines of the job. \
        Exit codes: 0 pass, 1 blocked (by pre or post), 2 could not decide.
        """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var policy: PolicyOptions
    @OptionGroup var agent: AgentRunOptions
    @OptionGroup var reporting: ReportOptions
    @OptionGroup var annotation: AnnotateOptions
    @OptionGroup var attestation: AttestOptions
    @OptionGroup var statusCheck: StatusCheckOptions

    @Argument(parsing: .postTerminator, help: "The agent command, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the agent command after --, e.g. -- claude -p \"…\" --output-format stream-json --verbose") }
        try statusCheck.validate(annotate: annotation.annotate)
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.checkout(environment: environment)
            let start = try Gate.startAgent(repository: root, explicitPolicy: policy.explicitSource(repository: root), command: command,
                                            environment: environment)
            guard start.pre.report.decision != .block else {
                StandardError.write("policy-gate run: pre blocked the agent; it was not started")
                return try await Delivery.deliver(start.pre.report, started: start.pre.started, reporting: reporting, annotation: annotation,
                                                  attestation: attestation, statusCheck: statusCheck, environment: environment,
                                                  checkout: root)
            }
            let session = try AgentSession(log: { StandardError.write($0) })
            defer { session.close() }
            let work = try await session.run(.init(repository: root, command: command, environment: environment,
                                                   user: agent.agentUser, timeout: agent.duration, gateFolder: agent.handoff),
                                             policy: start.trusted.policy)
            let combined = try Gate.judgeInProcess(work, session: session, start: start, checkout: root, environment: environment,
                                                   gateFolder: agent.handoff)
            return try await Delivery.deliver(combined, started: start.pre.started, reporting: reporting, annotation: annotation,
                                              attestation: attestation, statusCheck: statusCheck, environment: environment,
                                              checkout: root)
        }
    }
}
