/// Receives a diff as it streams out of git, one file at a time, so that nothing holds a whole diff in memory.
///
/// Calls come in this order for each file: `beginFile`, any number of `addedLine`/`addedLines`/
/// `removedLine` (added lines of one hunk are consecutive), then `endFile`.
public protocol DiffVisitor: AnyObject {
    /// A new file starts. `isBinary` may still turn true in `endFile`.
    func beginFile(_ file: ChangedFile) throws
    /// A hunk starts (added lines before and after this call are not adjacent).
    func beginHunk() throws
    /// An added line's bytes (without its line ending) and its 1-based number in the new file.
    func addedLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws
    /// Consecutive added lines at once (a new file's whole content): `content` holds them separated by
    /// `\n`, with no `\r`; a final `\n` ends the last line. The first is line `firstLine` of the new file.
    func addedLines(_ content: UnsafeBufferPointer<UInt8>, firstLine: Int) throws
    /// A removed line (only counted; its content is never scanned).
    func removedLine() throws
    /// The file's content was not scanned: a binary blob of `size` bytes, over ``ScannableText/binaryLimit``.
    func unscanned(size: Int) throws
    /// The file is complete.
    func endFile(isBinary: Bool) throws
}

extension DiffVisitor {
    public func addedLines(_ content: UnsafeBufferPointer<UInt8>, firstLine: Int) throws {
        try addEachLine(of: content, firstLine: firstLine)
    }

    /// Hands the lines of an `addedLines` call to `addedLine` one by one.
    func addEachLine(of content: UnsafeBufferPointer<UInt8>, firstLine: Int) throws {
        var lineStart = 0
        var lineNumber = firstLine
        while lineStart < content.count {
            var lineEnd = lineStart
            while lineEnd < content.count, content[lineEnd] != 0x0A { lineEnd += 1 }
            try addedLine(UnsafeBufferPointer(rebasing: content[lineStart..<lineEnd]), lineNumber: lineNumber)
            lineNumber += 1
            lineStart = lineEnd + 1
        }
    }
}
