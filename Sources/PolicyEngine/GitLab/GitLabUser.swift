/// A GitLab user as the API returns it (`GET /user`, a note's `author`).
struct GitLabUser: Sendable, Decodable, Equatable {
    /// The user id.
    var id: Int
    /// The username.
    var username: String?
}
