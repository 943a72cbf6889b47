/// The audit's finding for one merged merge request.
public struct AuditRow: Sendable, Encodable, Equatable {
    /// Whether the merged head had a passing gate.
    public enum Verdict: String, Sendable, Encodable, CaseIterable {
        /// A merge-request pipeline on the merged head ran the gate job, which passed (and its
        /// attestation, where checked, verified).
        case gated
        /// The gate ran on the merged head and did not pass (failed, cancelled, still running at the
        /// merge, or a signed decision says blocked).
        case mergedWhileBlocked = "merged while blocked"
        /// No merge-request pipeline ran on the merged head, or its gate job was skipped.
        case noGateRan = "no gate ran"
        /// A merge-request pipeline ran on the merged head without the gate job.
        case gateJobMissing = "gate job missing from the pipeline"
        /// The evidence could not be read or did not verify.
        case couldNotVerify = "could not verify"
    }

    /// What the audit found about the signed decision.
    public enum AttestationState: String, Sendable, Encodable {
        /// No public key was given.
        case notChecked = "not checked"
        /// The job has no attestation artifact.
        case absent
        /// Authentic, for the merged head.
        case verified
        /// Present but not authentic, or about another commit.
        case invalid
    }

    var verdict: Verdict
    var projectID: Int
    /// `group/app!12`, else the project id and iid.
    public var reference: String
    var iid: Int
    var title: String
    public var author: String?
    var mergedAt: String?
    var headSHA: String?
    var mergeRequestURL: String?
    var pipelineID: Int?
    var pipelineURL: String?
    var jobID: Int?
    var jobURL: String?
    var attestation: AttestationState
    /// Why, in one line.
    var detail: String

    enum CodingKeys: String, CodingKey {
        case verdict, reference, iid, title, author, attestation, detail
        case projectID = "project_id", mergedAt = "merged_at", headSHA = "head_sha", mergeRequestURL = "merge_request_url"
        case pipelineID = "pipeline_id", pipelineURL = "pipeline_url", jobID = "job_id", jobURL = "job_url"
    }

    /// Whether the row counts against the audit.
    var isGated: Bool { verdict == .gated }
}
