/// The reply to `POST /projects/:id/statuses/:sha`.
struct GitLabCommitStatus: Sendable, Decodable {
    /// The status id.
    var id: Int
    /// `success`, `failed`, …
    var status: String?
    /// The status name.
    var name: String?
}
