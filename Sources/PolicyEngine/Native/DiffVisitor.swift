/// Receives a diff as it streams out of git, one file at a time, so that nothing holds a whole diff in memory.
///
/// Calls come in this order for each file: `beginFile`, any number of `addedLine`/`removedLine`
/// (added lines of one hunk are consecutive), then `endFile`.
public protocol DiffVisitor: AnyObject {
    /// A new file starts. `isBinary` may still turn true in `endFile`.
    func beginFile(_ file: ChangedFile) throws
    /// A hunk starts (added lines before and after this call are not adjacent).
    func beginHunk() throws
    /// An added line's bytes (without its line ending) and its 1-based number in the new file.
    func addedLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws
    /// A removed line (only counted; its content is never scanned).
    func removedLine() throws
    /// The file is complete.
    func endFile(isBinary: Bool) throws
}
