import ArgumentParser
import PolicyEngine

/// `--annotate`: write the stage's outcome to the merge request (note, inline comments, label, commit status).
struct AnnotateOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Annotate the merge request: a note per stage, inline comments on secrets, a policy-gate:: label and a commit status.",
        discussion: "Needs POLICY_GATE_GITLAB_TOKEN (or GITLAB_TOKEN): a masked access token with api scope. "
            + "A failure is printed as a warning and never changes the decision or the exit code."))
    var annotate = false

    /// Annotates the merge request when `--annotate` was given, prints what happened to standard
    /// error, and returns the problems for the audit record (empty when the flag is off).
    /// - Parameters:
    ///   - report: the stage's report (its stage names the note and the status).
    ///   - environment: the job's environment (the token is read from it).
    /// - Returns: the problems, one line each, for `GateReport.notes`.
    func run(for report: GateReport, environment: [String: String]) async -> [String] {
        guard annotate else { return [] }
        let result = await GitLabCI().annotate(report, environment: environment)
        if let summary = result.summary(mergeRequestIID: report.ci.mergeRequestIID) {
            StandardError.write("policy-gate \(report.stage.rawValue): \(summary)")
        }
        for problem in result.problems {
            StandardError.write("warning: \(problem)")
        }
        return result.problems
    }
}
