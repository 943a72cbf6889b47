import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate pre`: decides, before the agent runs, whether it may start as configured.
struct PreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre",
        abstract: "Check the agent's grants, permission mode, repository settings and CI context before it runs.",
        discussion: "Exit codes: 0 pass, 1 blocked, 2 could not decide.")

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var policy: PolicyOptions
    @OptionGroup var reporting: ReportOptions
    @OptionGroup var annotation: AnnotateOptions
    @OptionGroup var attestation: AttestOptions

    // Unconditional: the value usually starts with a dash (`--claude-args "-p 'task' --allowedTools Read"`).
    @Option(name: .long, parsing: .unconditional,
            help: "The claude command line, as written in the job script, with or without the leading claude.")
    var claudeArgs: String?

    @Option(name: .long, help: "A GitLab CI file holding the agent's job (with --job).")
    var ciConfig: String?

    @Option(name: .long, help: "The agent's job in --ci-config.")
    var job: String?

    @Option(name: .long, help: ArgumentHelp(
        "The address (without @version) of the policy-gate component that --ci-config includes, whose jobs the built-in template stands for.",
        discussion: "Default: $CI_SERVER_FQDN/security/policy-gate/policy-gate. Any other component stays unread."))
    var component: String?

    @Option(name: .long, help: "Where to write the state file for post (default: policy-gate-state.json in the current folder).")
    var state: String = "policy-gate-state.json"

    func validate() throws {
        switch (claudeArgs != nil, ciConfig != nil || job != nil) {
        case (true, false): break
        case (false, true):
            if ciConfig == nil || job == nil { throw ValidationError("--ci-config and --job go together") }
        default:
            throw ValidationError("give the agent invocation: --claude-args STRING, or --ci-config PATH --job NAME")
        }
        if let component {
            if ciConfig == nil { throw ValidationError("--component goes with --ci-config") }
            if component.isEmpty || component.contains("@") || component.contains(" ") {
                throw ValidationError("--component: give the component's address without @version, e.g. gitlab.example.com/security/policy-gate/policy-gate")
            }
        }
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.path(environment: environment)
            let source: PreStageCollector.InvocationSource = claudeArgs.map { .commandLine($0) }
                ?? .ciJob(file: ciConfig ?? "", job: job ?? "")
            let outcome = try Gate.pre(repository: root, policySource: policy.source(repository: root), invocation: source,
                                       environment: environment, component: component)
            try ReportFile.write(String(decoding: try JSONEncoding.encode(outcome.state), as: UTF8.self) + "\n", to: state)
            return try await Delivery.deliver(outcome.report, started: outcome.started, reporting: reporting,
                                              annotation: annotation, attestation: attestation, environment: environment)
        }
    }
}
