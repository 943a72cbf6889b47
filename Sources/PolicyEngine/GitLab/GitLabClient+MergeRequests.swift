import Foundation

/// The endpoints the annotator calls, with their documented request shapes.
extension GitLabClient {
    /// A note's body, for create and update.
    struct NoteBody: Encodable {
        var body: String
    }

    /// `POST …/discussions`: a body and, for an inline comment, a text position on the new side.
    struct DiscussionBody: Encodable {
        struct Position: Encodable {
            var positionType = "text"
            var baseSHA: String
            var startSHA: String
            var headSHA: String
            var oldPath: String
            var newPath: String
            var newLine: Int

            enum CodingKeys: String, CodingKey {
                case positionType = "position_type", baseSHA = "base_sha", startSHA = "start_sha", headSHA = "head_sha"
                case oldPath = "old_path", newPath = "new_path", newLine = "new_line"
            }
        }

        var body: String
        var position: Position
    }

    /// `PUT …/merge_requests/:iid` with comma-separated `add_labels` / `remove_labels`.
    struct LabelsBody: Encodable {
        var addLabels: String
        var removeLabels: String

        enum CodingKeys: String, CodingKey {
            case addLabels = "add_labels", removeLabels = "remove_labels"
        }
    }

    /// `POST /projects/:id/statuses/:sha`.
    struct StatusBody: Encodable {
        var state: String
        var name: String
        var description: String
        var targetURL: String?
        var pipelineID: Int?
        var ref: String?

        enum CodingKeys: String, CodingKey {
            case state, name, description, ref
            case targetURL = "target_url", pipelineID = "pipeline_id"
        }
    }

    static func mergeRequestPath(_ project: String, _ iid: String) -> String {
        "/projects/\(segment(project))/merge_requests/\(segment(iid))"
    }

    /// `GET /user`: the token's own user (a project access token's bot user).
    func currentUser() async throws(GitLabError) -> GitLabUser {
        try await get(GitLabUser.self, "/user")
    }

    /// `GET /projects/:id/merge_requests/:iid`.
    func mergeRequest(project: String, iid: String) async throws(GitLabError) -> GitLabMergeRequest {
        try await get(GitLabMergeRequest.self, Self.mergeRequestPath(project, iid))
    }

    /// `GET …/notes`, every page, oldest first.
    func notes(project: String, iid: String) async throws(GitLabError) -> [GitLabNote] {
        try await getAll(GitLabNote.self, Self.mergeRequestPath(project, iid) + "/notes",
                         query: [URLQueryItem(name: "sort", value: "asc"), URLQueryItem(name: "order_by", value: "created_at")])
    }

    /// `POST …/notes`.
    func createNote(project: String, iid: String, body: String) async throws(GitLabError) -> GitLabNote {
        try await post(GitLabNote.self, Self.mergeRequestPath(project, iid) + "/notes", body: NoteBody(body: body))
    }

    /// `PUT …/notes/:note_id`.
    func updateNote(project: String, iid: String, noteID: Int, body: String) async throws(GitLabError) -> GitLabNote {
        try await put(GitLabNote.self, Self.mergeRequestPath(project, iid) + "/notes/\(noteID)", body: NoteBody(body: body))
    }

    /// `GET …/discussions`, every page.
    func discussions(project: String, iid: String) async throws(GitLabError) -> [GitLabDiscussion] {
        try await getAll(GitLabDiscussion.self, Self.mergeRequestPath(project, iid) + "/discussions")
    }

    /// `POST …/discussions` with a position.
    func createDiscussion(project: String, iid: String, body: DiscussionBody) async throws(GitLabError) -> GitLabDiscussion {
        try await post(GitLabDiscussion.self, Self.mergeRequestPath(project, iid) + "/discussions", body: body)
    }

    /// `PUT …/merge_requests/:iid` adding and removing labels.
    func updateLabels(project: String, iid: String, add: [String], remove: [String]) async throws(GitLabError) -> GitLabMergeRequest {
        try await put(GitLabMergeRequest.self, Self.mergeRequestPath(project, iid),
                      body: LabelsBody(addLabels: add.joined(separator: ","), removeLabels: remove.joined(separator: ",")))
    }

    /// `POST /projects/:id/statuses/:sha`.
    func createStatus(project: String, sha: String, body: StatusBody) async throws(GitLabError) -> GitLabCommitStatus {
        try await post(GitLabCommitStatus.self, "/projects/\(Self.segment(project))/statuses/\(Self.segment(sha))", body: body)
    }
}
