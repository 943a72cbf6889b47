import Foundation

/// Annotates a merge request with a stage's report (`--annotate`): one note per stage found again
/// by its hidden marker and edited in place, inline comments on the lines of secret findings (never
/// twice), the scoped label `policy-gate::blocked` / `policy-gate::passed`, and a commit status.
///
/// It never throws and never changes the decision: what fails is returned in
/// `AnnotationResult.problems`, for standard error and the audit record.
struct GitLabAnnotator: Sendable {
    /// The label of a blocked stage.
    static let blockedLabel = "policy-gate::blocked"
    /// The label of a stage that passed (warnings included).
    static let passedLabel = "policy-gate::passed"
    /// New inline comments posted by one run; further secret findings are in the note only.
    static let maxInlineComments = 20

    private let client: GitLabClient

    /// Creates an annotator that calls GitLab through `client`.
    /// - Parameter client: a client with an access token.
    init(client: GitLabClient) {
        self.client = client
    }

    /// Annotates the merge request of `report.ci` with the report, reading the token from `environment`.
    ///
    /// With no usable token (none, or only `CI_JOB_TOKEN`), or without `CI_API_V4_URL` and a project
    /// id, it sends nothing and says why in one line.
    /// - Parameters:
    ///   - report: the stage's report; its `ci` names the API, project, merge request, commit and job.
    ///   - environment: the job's environment, for `POLICY_GATE_GITLAB_TOKEN` / `GITLAB_TOKEN` only.
    ///   - transport: how requests are sent.
    ///   - limits: attempts, timeouts and bounds.
    /// - Returns: what was done and what failed.
    static func annotate(_ report: GateReport, environment: [String: String],
                                transport: any Transport = URLSessionTransport(),
                                limits: GitLabLimits = .standard) async -> AnnotationResult {
        let token: GitLabToken
        switch GitLabCredentials(environment: environment) {
        case .token(let found, _): token = found
        case .unavailable(let reason): return AnnotationResult(problems: ["--annotate: \(reason); the MR was not annotated"])
        }
        guard let api = report.ci.apiURL else {
            return AnnotationResult(problems: ["--annotate: CI_API_V4_URL is not set; the MR was not annotated"])
        }
        guard report.ci.projectID != nil else {
            return AnnotationResult(problems: ["--annotate: neither CI_MERGE_REQUEST_PROJECT_ID nor CI_PROJECT_ID is set; "
                                               + "the MR was not annotated"])
        }
        do throws(GitLabError) {
            let client = try GitLabClient(baseURL: api, token: token, transport: transport, limits: limits)
            return await GitLabAnnotator(client: client).annotate(report)
        } catch {
            return AnnotationResult(problems: ["--annotate: \(error)"])
        }
    }

    /// Annotates the merge request of `report.ci` with the report.
    /// - Parameter report: the stage's report.
    /// - Returns: what was done and what failed.
    func annotate(_ report: GateReport) async -> AnnotationResult {
        let report = withoutToken(report)
        var result = AnnotationResult()
        guard let project = report.ci.projectID else {
            result.problems.append("--annotate: no project id; the MR was not annotated")
            return result
        }
        let me: GitLabUser
        do throws(GitLabError) {
            me = try await client.currentUser()
        } catch {
            result.problems.append("--annotate: cannot identify the token's user: \(error)")
            return result
        }
        var mergeRequest: GitLabMergeRequest?
        if let iid = report.ci.mergeRequestIID {
            do throws(GitLabError) {
                let found = try await client.mergeRequest(project: project, iid: iid)
                mergeRequest = found
                try await annotateMergeRequest(found, iid: iid, project: project, report: report, me: me, result: &result)
            } catch {
                result.problems.append("--annotate: \(error)")
                if error.stopsAnnotation { return result }
            }
        } else {
            result.problems.append("--annotate: not a merge request pipeline (CI_MERGE_REQUEST_IID is not set); "
                                   + "no note or label, only the commit status")
        }
        do throws(GitLabError) {
            try await setStatus(report: report, project: project, fallbackSHA: mergeRequest?.sha, result: &result)
        } catch {
            result.problems.append("--annotate: cannot set the commit status: \(error)")
        }
        return result
    }

    // MARK: - Steps

    /// The note, the inline comments and the label; a failed step is recorded and the next one runs,
    /// unless the failure would repeat (token refused, time spent), which is thrown.
    private func annotateMergeRequest(_ mergeRequest: GitLabMergeRequest, iid: String, project: String, report: GateReport,
                                      me: GitLabUser, result: inout AnnotationResult) async throws(GitLabError) {
        do throws(GitLabError) {
            result.actions.append(try await upsertNote(report: report, project: project, iid: iid, me: me))
        } catch {
            result.problems.append("--annotate: cannot write the MR note: \(error)")
            if error.stopsAnnotation { throw error }
        }
        do throws(GitLabError) {
            try await postInlineComments(report: report, mergeRequest: mergeRequest, project: project, iid: iid, me: me,
                                         result: &result)
        } catch {
            result.problems.append("--annotate: cannot write inline comments: \(error)")
            if error.stopsAnnotation { throw error }
        }
        do throws(GitLabError) {
            result.actions.append(try await setLabel(report: report, mergeRequest: mergeRequest, project: project, iid: iid))
        } catch {
            result.problems.append("--annotate: cannot set the label: \(error)")
            if error.stopsAnnotation { throw error }
        }
    }

    /// Edits the stage's note (written by this token's user and starting with the stage marker), or creates it.
    private func upsertNote(report: GateReport, project: String, iid: String, me: GitLabUser) async throws(GitLabError) -> String {
        let marker = AnnotationMarkdown.stageMarker(report.stage)
        let body = AnnotationMarkdown.note(for: report)
        let notes = try await client.notes(project: project, iid: iid)
        if let existing = notes.first(where: { !$0.isSystem && $0.author?.id == me.id && $0.body.hasPrefix(marker) }) {
            _ = try await client.updateNote(project: project, iid: iid, noteID: existing.id, body: body)
            return "note updated"
        }
        _ = try await client.createNote(project: project, iid: iid, body: body)
        return "note created"
    }

    /// One inline comment per secret finding on a line of a repository file, unless one with the
    /// finding's marker is already there. GitLab refuses a position outside the diff (400): that
    /// finding stays in the note only.
    private func postInlineComments(report: GateReport, mergeRequest: GitLabMergeRequest, project: String, iid: String,
                                    me: GitLabUser, result: inout AnnotationResult) async throws(GitLabError) {
        let candidates = report.findings.filter { finding in
            guard finding.secretRule != nil, let location = finding.location, let line = location.line, line > 0 else { return false }
            return Self.isRepositoryPath(location.path)
        }
        guard !candidates.isEmpty else { return }
        guard let refs = mergeRequest.diffRefs else {
            result.problems.append("--annotate: no inline comments: GitLab has no diff for the MR yet (diff_refs is null)")
            return
        }
        let existing = try await client.discussions(project: project, iid: iid)
        let markers = Set(existing.flatMap(\.notes).filter { $0.author?.id == me.id }.compactMap { note in
            note.body.split(separator: "\n", maxSplits: 1).first.map(String.init)
        })
        var posted = 0, present = 0, notPlaced = 0, overLimit = 0
        var seen = Set<String>()
        for finding in candidates {
            let marker = AnnotationMarkdown.findingMarker(finding.fingerprint)
            guard seen.insert(marker).inserted else { continue }
            if markers.contains(marker) {
                present += 1
                continue
            }
            guard posted < Self.maxInlineComments, let location = finding.location, let line = location.line else {
                overLimit += 1
                continue
            }
            let body = GitLabClient.DiscussionBody(
                body: AnnotationMarkdown.discussion(for: finding, in: report),
                position: .init(baseSHA: refs.baseSHA, startSHA: refs.startSHA, headSHA: refs.headSHA,
                                oldPath: location.path, newPath: location.path, newLine: line))
            do throws(GitLabError) {
                _ = try await client.createDiscussion(project: project, iid: iid, body: body)
                posted += 1
            } catch where error.kind == .rejected {
                notPlaced += 1
            }
        }
        if posted > 0 { result.actions.append("\(posted) inline comment\(posted == 1 ? "" : "s")") }
        if present > 0 { result.actions.append("\(present) inline comment\(present == 1 ? "" : "s") already there") }
        if notPlaced > 0 {
            result.actions.append("\(notPlaced) secret finding\(notPlaced == 1 ? "" : "s") not on a line of the MR diff (in the note only)")
        }
        if overLimit > 0 { result.actions.append("\(overLimit) more secret findings in the note only") }
    }

    /// `policy-gate::blocked` or `policy-gate::passed`, removing the other.
    private func setLabel(report: GateReport, mergeRequest: GitLabMergeRequest, project: String,
                          iid: String) async throws(GitLabError) -> String {
        let isBlocked = report.decision == .block
        let add = isBlocked ? Self.blockedLabel : Self.passedLabel
        let remove = isBlocked ? Self.passedLabel : Self.blockedLabel
        if mergeRequest.labels.contains(add) && !mergeRequest.labels.contains(remove) {
            return "label \(add) kept"
        }
        _ = try await client.updateLabels(project: project, iid: iid, add: [add], remove: [remove])
        return "label \(add)"
    }

    /// A commit status `policy-gate/<stage>` on `CIContext.statusSHA`, attached to the job's pipeline.
    private func setStatus(report: GateReport, project: String, fallbackSHA: String?,
                           result: inout AnnotationResult) async throws(GitLabError) {
        guard let sha = report.ci.statusSHA ?? fallbackSHA else {
            result.problems.append("--annotate: no commit status: CI_COMMIT_SHA is not set")
            return
        }
        let blocking = report.findings.filter { $0.action == .block }.count
        let warnings = report.findings.filter { $0.action == .warn }.count
        let verdict = report.decision == .block ? "blocked" : report.decision == .warn ? "passed with warnings" : "passed"
        let pipelineID = report.ci.pipelineID.flatMap(Int.init)
        let body = GitLabClient.StatusBody(
            state: report.decision == .block ? "failed" : "success",
            name: "policy-gate/\(report.stage.rawValue)",
            description: "\(verdict): \(blocking) blocking, \(warnings) warning\(warnings == 1 ? "" : "s")",
            targetURL: report.ci.jobURL.flatMap { url in
                GitLabMarkdown.link("", to: url) != nil && url.count <= 255 ? url : nil
            },
            pipelineID: pipelineID,
            // With `pipeline_id`, GitLab looks the pipeline up by SHA, ref and id together; an MR pipeline's
            // ref is refs/merge-requests/…, so sending the branch name would start a new pipeline instead.
            ref: pipelineID == nil ? report.ci.refName.map { String($0.prefix(255)) } : nil)
        let status = try await client.createStatus(project: project, sha: sha, body: body)
        result.actions.append("status \(status.status ?? body.state) on \(sha.prefix(8))")
    }

    /// The report with the token removed from every text that goes into a note: Markdown escaping
    /// changes the token's spelling, so the client's last check on outgoing bodies could miss it.
    private func withoutToken(_ report: GateReport) -> GateReport {
        var copy = report
        copy.policySource = client.redact(report.policySource)
        copy.findings = report.findings.map { finding in
            var clean = finding
            clean.message = client.redact(finding.message)
            clean.evidence = finding.evidence.map(client.redact)
            clean.secretRule = finding.secretRule.map(client.redact)
            clean.location = finding.location.map { .init(path: client.redact($0.path), line: $0.line) }
            return clean
        }
        return copy
    }

    /// Whether `path` names a file in the repository (not `--claude-args` or an absolute path).
    private static func isRepositoryPath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("-") && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    }
}
