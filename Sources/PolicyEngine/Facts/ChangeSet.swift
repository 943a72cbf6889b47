/// The change under review: which files changed and how, with totals. Added lines stream to the
/// scanner as they are read and are not kept, so memory does not grow with the diff.
public struct ChangeSet: Sendable, Equatable {
    /// The base commit, when the change came from git.
    public var base: String?
    /// The head commit, or `nil` for the working tree or a diff file.
    public var head: String?
    /// Changed files in diff order.
    var files: [ChangedFile]

    /// Creates a change set.
    public init(base: String? = nil, head: String? = nil, files: [ChangedFile] = []) {
        self.base = base
        self.head = head
        self.files = files
    }

    /// Total added lines.
    public var addedLines: Int { files.reduce(0) { $0 + $1.addedLines } }
    /// Total removed lines.
    var removedLines: Int { files.reduce(0) { $0 + $1.removedLines } }
}
