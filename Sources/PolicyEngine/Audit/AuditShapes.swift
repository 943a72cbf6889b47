/// The fields of GitLab's list replies the audit reads (REST v4, documented shapes); every
/// other field is ignored, and a missing optional field is `nil`, never a failure.
enum AuditShapes {
    /// An item of `GET /projects/:id/merge_requests` or `GET /groups/:id/merge_requests`.
    struct MergeRequest: Sendable, Decodable {
        struct Author: Sendable, Decodable {
            var username: String?
        }
        struct References: Sendable, Decodable {
            var full: String?
        }
        var id: Int
        var iid: Int
        var projectID: Int
        var title: String?
        var state: String?
        /// The source branch head; for a merged MR, the head that was merged.
        var sha: String?
        var mergedAt: String?
        var createdAt: String?
        var webURL: String?
        var labels: [String]?
        var author: Author?
        var references: References?

        enum CodingKeys: String, CodingKey {
            case id, iid, title, state, sha, labels, author, references
            case projectID = "project_id", mergedAt = "merged_at", createdAt = "created_at", webURL = "web_url"
        }
    }

    /// An item of `GET /projects/:id/merge_requests/:iid/pipelines`.
    struct Pipeline: Sendable, Decodable {
        var id: Int
        var sha: String?
        var ref: String?
        var status: String?
        var source: String?
        var webURL: String?

        enum CodingKeys: String, CodingKey {
            case id, sha, ref, status, source
            case webURL = "web_url"
        }
    }

    /// An item of `GET /projects/:id/pipelines/:pipeline_id/jobs`.
    struct Job: Sendable, Decodable {
        var id: Int
        var name: String
        var status: String?
        var webURL: String?
        var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, name, status
            case webURL = "web_url", finishedAt = "finished_at"
        }
    }

    /// An item of `GET /projects/:id/repository/commits/:sha/statuses`.
    struct CommitStatus: Sendable, Decodable {
        var id: Int
        var name: String?
        var status: String?
        var ref: String?
        /// Present since GitLab 16.3.
        var pipelineID: Int?
        var targetURL: String?

        enum CodingKeys: String, CodingKey {
            case id, name, status, ref
            case pipelineID = "pipeline_id", targetURL = "target_url"
        }
    }

    /// `GET /personal_access_tokens/self`: the token's scopes, when GitLab tells.
    struct TokenInfo: Sendable, Decodable {
        var scopes: [String]?
    }
}
