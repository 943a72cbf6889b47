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
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.path(environment: environment)
            let source: PreStageCollector.InvocationSource = claudeArgs.map { .commandLine($0) }
                ?? .ciJob(file: ciConfig ?? "", job: job ?? "")
            let outcome = try PreStage.run(repository: root, policySource: policy.source(repository: root), invocation: source,
                                           environment: environment, statePath: state)
            return try await Delivery.deliver(outcome.report, started: outcome.started, reporting: reporting,
                                              annotation: annotation, attestation: attestation, environment: environment)
        }
    }
}

/// The `pre` stage as one call, shared by `pre` and `run`.
enum PreStage {
    struct Outcome {
        var report: GateReport
        var started: Date
    }

    static func run(repository: String, policySource: PolicySource, invocation: PreStageCollector.InvocationSource,
                    environment: [String: String], statePath: String?) throws -> Outcome {
        let started = Date()
        let policy = try policySource.load()
        let secretRules = try PolicySource.secretRules(for: policy)
        let scanner = SecretScanner(ruleSet: secretRules, options: .init(honoursInlineAllowMarkers: false))
        let collector = PreStageCollector(repository: repository, environment: environment, scanner: scanner)
        let factsList = try collector.collect(invocation)
        var findings: [Finding] = []
        var evaluated: [(id: String, action: RuleAction)] = []
        for facts in factsList {
            let outcome = Evaluator.evaluate(facts, policy: policy)
            findings += outcome.findings
            evaluated = outcome.evaluatedRules
        }
        var seen = Set<String>()
        findings = findings.filter { seen.insert($0.fingerprint).inserted }
        let baseline = try GitRepository(path: repository).resolveCommit("HEAD")
        if let statePath {
            let digests = try GitMetadataDigests.read(repository: repository)
            let first = factsList.first?.invocation
            let state = PreState(baseline: baseline, gitConfigSHA256: digests.config, hooks: digests.hooks,
                                 policySource: policy.source, policySHA256: policy.sha256,
                                 grants: first?.allowedTools.map(\.text) ?? [], permissionMode: first?.permissionModeRaw,
                                 jobID: environment["CI_JOB_ID"])
            try ReportFile.write(String(decoding: try JSONEncoding.encode(state), as: UTF8.self) + "\n", to: statePath)
        }
        let report = GateReport(stage: .pre, findings: findings, evaluatedRules: evaluated, policySource: policy.source,
                                policySHA256: policy.sha256,
                                inputs: ["baseline": baseline, "invocation": factsList.first?.invocationSource ?? ""],
                                ci: CIContext(environment: environment))
        return Outcome(report: report, started: started)
    }
}
