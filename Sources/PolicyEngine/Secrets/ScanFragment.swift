/// A run of consecutive lines to scan: consecutive added lines of one hunk, or a chunk of a file.
public struct ScanFragment: Sendable {
    /// Repository-relative path of the file.
    public var path: String
    /// The commit the lines belong to, when known.
    var commit: String?
    /// The lines joined with `\n` (no trailing newline required).
    var bytes: [UInt8]
    /// The 1-based line number of the first line.
    var firstLine: Int
    /// Where the text comes from when it is not a file's content: `file name`, `commit message`.
    var origin: String?

    /// Creates a fragment.
    public init(path: String, commit: String? = nil, bytes: [UInt8], firstLine: Int, origin: String? = nil) {
        self.path = path
        self.commit = commit
        self.bytes = bytes
        self.firstLine = firstLine
        self.origin = origin
    }

    /// Creates a fragment from text lines starting at `firstLine`.
    public init(path: String, commit: String? = nil, lines: [String], firstLine: Int = 1) {
        self.init(path: path, commit: commit, bytes: Array(lines.joined(separator: "\n").utf8), firstLine: firstLine)
    }
}
