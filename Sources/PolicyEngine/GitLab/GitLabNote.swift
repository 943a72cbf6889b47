/// A note (comment) on a merge request, top-level or inside a discussion.
struct GitLabNote: Sendable, Decodable {
    /// The note id.
    var id: Int
    /// The Markdown body.
    var body: String
    /// Who wrote it.
    var author: GitLabUser?
    /// Whether GitLab wrote it (a system note).
    var isSystem: Bool

    enum CodingKeys: String, CodingKey {
        case id, body, author
        case isSystem = "system"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        author = try container.decodeIfPresent(GitLabUser.self, forKey: .author)
        isSystem = try container.decodeIfPresent(Bool.self, forKey: .isSystem) ?? false
    }
}
