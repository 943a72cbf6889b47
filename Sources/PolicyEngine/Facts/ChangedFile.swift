/// One file touched by a change: what happened to it, and the facts rules need about it.
public struct ChangedFile: Sendable, Equatable, Codable {
    /// What happened to the file.
    public enum Status: String, Sendable, Codable {
        case added, modified, deleted, renamed, copied, typeChanged
    }

    /// The kind of entry a side of the change is, from its git file mode.
    public enum Mode: Sendable, Equatable, Codable {
        case absent
        case regular
        case executable
        case symlink
        case gitlink
        case tree
        case other(Int)

        /// Maps a git file mode (`0o100644`, `0o120000`, …) to a kind.
        public init(gitMode: Int) {
            switch gitMode {
            case 0: self = .absent
            case 0o100644, 0o100664: self = .regular
            case 0o100755: self = .executable
            case 0o120000: self = .symlink
            case 0o160000: self = .gitlink
            case 0o040000: self = .tree
            default: self = .other(gitMode)
            }
        }
    }

    /// The path after the change (for a deletion: the deleted path).
    public var path: String
    /// The path before the change, when it differs (renames and copies).
    var oldPath: String?
    /// What happened.
    var status: Status
    /// The mode before the change.
    var oldMode: Mode
    /// The mode after the change.
    var newMode: Mode
    /// Whether git treats the content as binary (no lines are reported for it).
    var isBinary: Bool
    /// For a symlink after the change: where it points, exactly as stored.
    var symlinkTarget: String?
    /// Number of added lines.
    public var addedLines: Int
    /// Number of removed lines.
    var removedLines: Int

    /// Creates a value.
    public init(path: String, oldPath: String? = nil, status: Status, oldMode: Mode = .regular,
                newMode: Mode = .regular, isBinary: Bool = false, symlinkTarget: String? = nil,
                addedLines: Int = 0, removedLines: Int = 0) {
        self.path = path
        self.oldPath = oldPath
        self.status = status
        self.oldMode = oldMode
        self.newMode = newMode
        self.isBinary = isBinary
        self.symlinkTarget = symlinkTarget
        self.addedLines = addedLines
        self.removedLines = removedLines
    }
}
