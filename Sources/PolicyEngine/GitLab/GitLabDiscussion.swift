/// A merge-request discussion: a thread of notes, inline when its first note has a position.
struct GitLabDiscussion: Sendable, Decodable {
    /// The discussion id (a hex string).
    var id: String
    /// The notes, first one first.
    var notes: [GitLabNote]

    enum CodingKeys: String, CodingKey {
        case id, notes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        notes = try container.decodeIfPresent([GitLabNote].self, forKey: .notes) ?? []
    }
}
