import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate post`: decides, after the agent ran, whether its change may merge.
struct PostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post",
        abstract: "Check the agent's change and its transcript after it ran.",
        discussion: """
        The base is --base, else the pre state file, else $CI_MERGE_REQUEST_DIFF_BASE_SHA, else the merge base \
        with the target branch. Without --policy/--policy-ref the policy is read from the base commit, so the \
        change cannot loosen its own checks. Exit codes: 0 pass, 1 blocked, 2 could not decide.
        """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var policy: PolicyOptions
    @OptionGroup var reporting: ReportOptions
    @OptionGroup var annotation: AnnotateOptions
    @OptionGroup var attestation: AttestOptions
    @OptionGroup var statusCheck: StatusCheckOptions

    @Option(name: .long, help: "The state file pre wrote (default: policy-gate-state.json, used when it exists).")
    var state: String = "policy-gate-state.json"

    @Option(name: .long, help: "Base revision of the change.")
    var base: String?

    @Option(name: .long, help: "Head revision of the change (default HEAD).")
    var head: String?

    @Flag(name: .long, help: "Check the working tree, with untracked files, instead of a commit.")
    var worktree = false

    @Option(name: .long, help: "The agent's --output-format stream-json (or json) output.")
    var transcript: String?

    func validate() throws {
        if head != nil && worktree { throw ValidationError("--head and --worktree cannot be used together") }
        try statusCheck.validate(annotate: annotation.annotate)
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.path(environment: environment)
            let outcome = try PostStage.run(
                request: .init(repository: root, base: base, head: head, worktree: worktree, transcriptPath: transcript,
                               environment: environment),
                policy: policy, statePath: state)
            return try await Delivery.deliver(outcome.report, started: outcome.started, reporting: reporting,
                                              annotation: annotation, attestation: attestation, statusCheck: statusCheck,
                                              environment: environment)
        }
    }
}

/// The `post` stage as one call, shared by `post` and `run`.
enum PostStage {
    struct Outcome {
        var report: GateReport
        var started: Date
    }

    /// The state file, when it exists; a file that exists but cannot be read is an error.
    static func readState(_ path: String) throws -> PreState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateError(description: "\(path): cannot read the pre state file")
        }
        do {
            return try JSONDecoder().decode(PreState.self, from: data)
        } catch {
            throw StateError(description: "\(path): the pre state file is not valid (\(error.localizedDescription))")
        }
    }

    static func run(request: PostStageCollector.Request, policy options: PolicyOptions, statePath: String) throws -> Outcome {
        let started = Date()
        var request = request
        if request.preState == nil {
            request.preState = try readState(statePath)
        }
        // The policy comes from a trusted place: an explicit file or ref, else the base commit (never the change).
        let source: PolicySource
        if options.policy != nil || options.policyRef != nil {
            source = options.source(repository: request.repository)
        } else {
            source = .reference(repository: request.repository, revision: try PostStageCollector.base(for: request))
        }
        let policy = try source.load()
        let rules = try PolicySource.secretRules(for: policy, repository: request.repository)
        let ignored = try PolicySource.ignoredFingerprints(for: policy, repository: request.repository)
        let scanner = SecretScanner(ruleSet: rules, options: .init(honoursInlineAllowMarkers: policy.secrets.honourInlineAllow,
                                                                   ignoredFingerprints: ignored))
        let collected = try PostStageCollector(scanner: scanner).collect(request)
        let outcome = Evaluator.evaluate(collected.facts, policy: policy)
        let report = GateReport(stage: .post, findings: outcome.findings, evaluatedRules: outcome.evaluatedRules,
                                policySource: policy.source, policySHA256: policy.sha256, inputs: collected.inputs,
                                ci: CIContext(environment: request.environment))
        return Outcome(report: report, started: started)
    }
}

struct StateError: Error, CustomStringConvertible {
    var description: String
}

/// Writes the reports, then annotates the merge request. The decision is final before the network is
/// touched: annotation problems become notes in the audit record and never change the exit code.
enum Delivery {
    static func deliver(_ report: GateReport, started: Date, reporting: ReportOptions, annotation: AnnotateOptions,
                        attestation: AttestOptions? = nil, statusCheck: StatusCheckOptions? = nil,
                        environment: [String: String]) async throws -> ExitCode {
        var report = report
        let times = try reporting.deliver(report, started: started, environment: environment)
        var problems = await annotation.run(for: report, environment: environment)
        if annotation.annotate, let statusCheck {
            problems += await statusCheck.run(for: report, environment: environment)
        }
        if !problems.isEmpty {
            report.notes += problems
            try reporting.rewriteAuditRecords(report, times: times)
        }
        // Signed last, so the attested record is the one written, notes included.
        try attestation?.write(for: report, environment: environment)
        return ExitCode(report.decision.exitCode)
    }
}
