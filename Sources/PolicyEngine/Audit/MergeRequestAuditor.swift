import Crypto
import Foundation

/// Decides, for one merged merge request, whether its merged head had a passing gate, from the
/// merge request's pipelines, the gate job in the newest merge-request pipeline on that head, the
/// gate's commit status there, and, when a public key is given, the job's signed decision.
struct MergeRequestAuditor: Sendable {
    let client: GitLabClient
    let query: AuditQuery
    let publicKey: Curve25519.Signing.PublicKey?
    let requireAttestation: Bool

    /// The largest attestation read from a job's artifacts.
    static let maxAttestationBytes = 4 << 20

    /// The row for `mergeRequest`; a failed call becomes `could not verify`, unless later calls would
    /// fail the same way (token refused, time spent), which is thrown to stop the audit.
    func audit(_ mergeRequest: AuditShapes.MergeRequest) async throws(GitLabError) -> AuditRow {
        var row = AuditRow(verdict: .couldNotVerify, projectID: mergeRequest.projectID,
                           reference: mergeRequest.references?.full ?? "\(mergeRequest.projectID)!\(mergeRequest.iid)",
                           iid: mergeRequest.iid, title: mergeRequest.title ?? "", author: mergeRequest.author?.username,
                           mergedAt: mergeRequest.mergedAt, headSHA: mergeRequest.sha, mergeRequestURL: mergeRequest.webURL,
                           attestation: publicKey == nil ? .notChecked : .absent, detail: "")
        do throws(GitLabError) {
            try await decide(mergeRequest, into: &row)
        } catch {
            if error.stopsAnnotation { throw error }
            row.verdict = .couldNotVerify
            row.detail = AuditFailure.explain(error)
        }
        return row
    }

    private func decide(_ mergeRequest: AuditShapes.MergeRequest, into row: inout AuditRow) async throws(GitLabError) {
        guard let head = mergeRequest.sha?.lowercased(), DecisionAttestation.isCommitID(head) else {
            row.detail = "GitLab gives no head commit for the merge request"
            return
        }
        let project = String(mergeRequest.projectID)
        let pipelines = try await client.getAll(AuditShapes.Pipeline.self,
                                                "/projects/\(project)/merge_requests/\(mergeRequest.iid)/pipelines")
        let onHead = pipelines.filter { $0.sha?.lowercased() == head }
        // Only a merge-request pipeline runs the gate; a branch pipeline on the same commit does not count.
        let refPrefix = "refs/merge-requests/\(mergeRequest.iid)/"
        var mergeRequestPipelines = onHead.filter { $0.ref?.hasPrefix(refPrefix) == true }
        if mergeRequestPipelines.isEmpty {
            // A merged-results pipeline runs on a temporary merge commit; the gate's status on the head names it.
            let named = Set(try await gateStatuses(project: project, head: head, pipeline: nil).compactMap(\.pipelineID))
            mergeRequestPipelines = pipelines.filter { named.contains($0.id) && $0.ref == refPrefix + "merge" }
        }
        guard let pipeline = mergeRequestPipelines.max(by: { $0.id < $1.id }) else {
            row.verdict = .noGateRan
            row.detail = onHead.isEmpty ? "no pipeline ran on the merged head \(head.prefix(8))"
                : "only branch pipelines ran on the merged head \(head.prefix(8)); the gate runs in merge-request pipelines"
            return
        }
        row.pipelineID = pipeline.id
        row.pipelineURL = pipeline.webURL
        let jobs = try await client.getAll(AuditShapes.Job.self, "/projects/\(project)/pipelines/\(pipeline.id)/jobs")
        let status = try await gateStatuses(project: project, head: head, pipeline: pipeline.id)
            .filter { ($0.pipelineID ?? pipeline.id) == pipeline.id }.max(by: { $0.id < $1.id })
        guard let job = jobs.filter({ $0.name == query.jobName }).max(by: { $0.id < $1.id }) else {
            row.verdict = .gateJobMissing
            row.detail = "pipeline \(pipeline.id) has no \(query.jobName) job"
                + (status.map { " (yet a \(query.statusName) status says \($0.status ?? "?"): not set by the gate job)" } ?? "")
            return
        }
        row.jobID = job.id
        row.jobURL = job.webURL
        let jobStatus = job.status ?? "unknown"
        switch jobStatus {
        case "success":
            break
        case "failed", "canceled", "canceling":
            row.verdict = .mergedWhileBlocked
            row.detail = "the \(query.jobName) job \(jobStatus == "failed" ? "failed (blocked, or could not decide)" : "was cancelled")"
            return
        case "skipped", "manual", "created", "scheduled":
            row.verdict = .noGateRan
            row.detail = "the \(query.jobName) job was \(jobStatus) and never decided"
            return
        default:
            row.verdict = .mergedWhileBlocked
            row.detail = "merged while the \(query.jobName) job was \(jobStatus)"
            return
        }
        if let status, status.status != "success" {
            row.verdict = .mergedWhileBlocked
            row.detail = "the job passed but the \(query.statusName) status is \(status.status ?? "unknown")"
            return
        }
        if let merged = mergeRequest.mergedAt.flatMap(AuditQuery.timestamp),
           let finished = job.finishedAt.flatMap(AuditQuery.timestamp), finished > merged {
            row.verdict = .mergedWhileBlocked
            row.detail = "merged at \(AuditQuery.format(merged)), before the gate finished at \(AuditQuery.format(finished))"
            return
        }
        try await checkAttestation(job: job, project: project, head: head, into: &row)
    }

    /// The gate's commit statuses on `head`, in one pipeline or in all.
    private func gateStatuses(project: String, head: String, pipeline: Int?) async throws(GitLabError) -> [AuditShapes.CommitStatus] {
        var items = [URLQueryItem(name: "name", value: query.statusName)]
        if let pipeline { items.append(URLQueryItem(name: "pipeline_id", value: String(pipeline))) }
        return try await client.getAll(AuditShapes.CommitStatus.self, "/projects/\(project)/repository/commits/\(head)/statuses",
                                       query: items).filter { $0.name == query.statusName }
    }

    /// Without a key the passing job is the evidence; with one, the job's signed decision must verify.
    private func checkAttestation(job: AuditShapes.Job, project: String, head: String,
                                  into row: inout AuditRow) async throws(GitLabError) {
        row.verdict = .gated
        row.detail = "\(query.jobName) passed on \(head.prefix(8))"
        guard let publicKey else { return }
        let artifact = query.attestationPath.split(separator: "/").map { GitLabClient.segment(String($0)) }.joined(separator: "/")
        let envelope: Data
        do throws(GitLabError) {
            envelope = try await client.getFile("/projects/\(project)/jobs/\(job.id)/artifacts/\(artifact)",
                                                maxBytes: Self.maxAttestationBytes)
        } catch where error.kind == .notFound {
            row.attestation = .absent
            if requireAttestation {
                row.verdict = .couldNotVerify
                row.detail = "\(query.jobName) passed, but its artifacts hold no \(query.attestationPath) (expired, or never signed)"
            } else {
                row.detail += "; no attestation in the job's artifacts"
            }
            return
        }
        do throws(AttestationError) {
            let verified = try DecisionAttestation.verify(envelope: envelope, key: publicKey, commit: head)
            guard verified.stage == "post" else {
                row.attestation = .invalid
                row.verdict = .couldNotVerify
                row.detail = "the attestation is a \(verified.stage) decision, not post"
                return
            }
            row.attestation = .verified
            if verified.decision == Decision.block.rawValue {
                row.verdict = .mergedWhileBlocked
                row.detail = "the signed decision is blocked, though the job passed"
            } else {
                row.detail += "; signed decision verified"
            }
        } catch {
            row.attestation = .invalid
            row.verdict = .couldNotVerify
            row.detail = "the attestation does not verify: \(error)"
        }
    }
}

/// Audit-specific wording of GitLab failures: what the token needs to read everything.
enum AuditFailure {
    static let needs = "the audit token needs the read_api scope and at least the Reporter role on every project audited"

    static func explain(_ error: GitLabError) -> String {
        switch error.kind {
        case .unauthorized:
            return "GitLab refused the token (401) for \(error.request): it is missing, expired or revoked; \(needs)"
        case .forbidden:
            return "GitLab answered 403 to \(error.request)\(error.detail.isEmpty ? "" : ": \(error.detail)"); \(needs)"
        case .notFound:
            return "GitLab answered 404 to \(error.request): it does not exist, or the token cannot see it; \(needs)"
        default:
            return error.description
        }
    }
}
