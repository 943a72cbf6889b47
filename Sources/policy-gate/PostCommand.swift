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

    @Option(name: .long, help: ArgumentHelp(
        "The folder the agent job handed off with policy-gate agent (manifest.json, agent.bundle, transcript.jsonl).",
        discussion: "The manifest is verified with POLICY_GATE_HANDOFF_KEY; its head, transcript and git metadata are what is judged."))
    var handoff: String?

    func validate() throws {
        if head != nil && worktree { throw ValidationError("--head and --worktree cannot be used together") }
        if handoff != nil && (worktree || transcript != nil || base != nil) {
            throw ValidationError("--handoff names the base, head and transcript itself: drop --base, --worktree and --transcript")
        }
        try statusCheck.validate(annotate: annotation.annotate)
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.path(environment: environment)
            var request = PostStageCollector.Request(repository: root, base: base, head: head, worktree: worktree,
                                                     transcriptPath: transcript, environment: environment)
            request.preState = try PreState.read(path: state)
            let outcome = try Gate.post(request, explicitPolicy: policy.explicitSource(repository: root), handoff: handoff)
            return try await Delivery.deliver(outcome.report, started: outcome.started, reporting: reporting,
                                              annotation: annotation, attestation: attestation, statusCheck: statusCheck,
                                              environment: environment)
        }
    }
}

/// Writes the reports, then annotates the merge request. The decision is final before the network is
/// touched: annotation problems become notes in the audit record and never change the exit code.
enum Delivery {
    static func deliver(_ report: GateReport, started: Date, reporting: ReportOptions, annotation: AnnotateOptions,
                        attestation: AttestOptions? = nil, statusCheck: StatusCheckOptions? = nil,
                        environment: [String: String], checkout: String? = nil) async throws -> ExitCode {
        var report = report
        let times = try reporting.deliver(report, started: started, environment: environment, checkout: checkout)
        var problems = await annotation.run(for: report, environment: environment)
        if annotation.annotate, let statusCheck {
            problems += await statusCheck.run(for: report, environment: environment)
        }
        if !problems.isEmpty {
            report.notes += problems
            try reporting.rewriteAuditRecords(report, times: times, checkout: checkout)
        }
        // Signed last, so the attested record is the one written, notes included.
        try attestation?.write(for: report, environment: environment)
        return ExitCode(report.decision.exitCode)
    }
}
