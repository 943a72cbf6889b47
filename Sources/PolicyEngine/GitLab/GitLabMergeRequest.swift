/// The fields of `GET /projects/:id/merge_requests/:iid` the annotator reads.
struct GitLabMergeRequest: Sendable, Decodable {
    /// The SHAs an inline comment's position needs, for the MR's latest diff version.
    struct DiffRefs: Sendable, Decodable, Equatable {
        var baseSHA: String
        var headSHA: String
        var startSHA: String

        enum CodingKeys: String, CodingKey {
            case baseSHA = "base_sha", headSHA = "head_sha", startSHA = "start_sha"
        }
    }

    /// The project-level MR number.
    var iid: Int
    /// The source branch head.
    var sha: String?
    /// The MR's labels.
    var labels: [String]
    /// The diff SHAs; `null` while GitLab has not computed the diff yet.
    var diffRefs: DiffRefs?

    enum CodingKeys: String, CodingKey {
        case iid, sha, labels
        case diffRefs = "diff_refs"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iid = try container.decode(Int.self, forKey: .iid)
        sha = try container.decodeIfPresent(String.self, forKey: .sha)
        labels = try container.decodeIfPresent([String].self, forKey: .labels) ?? []
        diffRefs = try container.decodeIfPresent(DiffRefs.self, forKey: .diffRefs)
    }
}
