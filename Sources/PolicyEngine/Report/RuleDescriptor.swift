/// What reports say about a rule: id, a one-line summary, and a longer text.
public struct RuleDescriptor: Sendable, Equatable {
    /// The rule id.
    public var id: String
    /// One-line summary.
    public var summary: String
    /// Longer explanation (why it matters).
    var detail: String

    /// Creates a descriptor.
    public init(id: String, summary: String, detail: String = "") {
        self.id = id
        self.summary = summary
        self.detail = detail
    }
}
