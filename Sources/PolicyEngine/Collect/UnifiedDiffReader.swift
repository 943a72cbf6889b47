import Foundation

/// Why a unified diff could not be read.
@_spi(Fuzzing) public struct DiffParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The diff's name (a path, or `<stdin>`).
    public var source: String
    /// 1-based line in the diff.
    var line: Int
    /// What was wrong.
    var reason: String

    public var description: String { "\(source):\(line): \(reason)" }
}

/// Reads `git diff` / `diff -u` output as a stream and reports files and added lines to a `DiffVisitor`.
///
/// Only `+` lines inside hunks are content. Removed lines, context lines and the text git copies after
/// a hunk header's `@@ … @@` are never reported. Hunk line counts are checked, so a truncated or
/// inconsistent diff is an error rather than a silently shorter scan.
@_spi(Fuzzing) public struct UnifiedDiffReader {
    /// Name used in error messages.
    public let source: String

    /// Creates a reader.
    public init(source: String) {
        self.source = source
    }

    /// Reads the whole stream.
    /// - Throws: `DiffParseError` for malformed input, a read error, or what `visitor` throws.
    public func read(_ handle: FileHandle, into visitor: any DiffVisitor) throws {
        var parser = Parser(source: source, visitor: visitor)
        try LineReader(handle: handle).forEachLine { bytes, number in
            try parser.consume(bytes, lineNumber: number)
        }
        try parser.finish()
    }

    /// Reads a diff held in memory (tests, small inputs).
    public func read(_ text: String, into visitor: any DiffVisitor) throws {
        var parser = Parser(source: source, visitor: visitor)
        // Split the bytes, not the Characters: Swift treats "\r\n" as one Character.
        var lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            try Array(line).withUnsafeBufferPointer { try parser.consume($0, lineNumber: index + 1) }
        }
        try parser.finish()
    }
}

// MARK: - Parser

private struct Parser {
    let source: String
    let visitor: any DiffVisitor

    /// The file whose headers are being read; reported to the visitor at its first hunk or at its end.
    var pending: ChangedFile?
    var pendingStarted = false
    var oldRemaining = 0
    var newRemaining = 0
    var newLine = 0
    var hunkStartLine = 0
    var inBinaryPatch = false
    var sawGitHeader = false
    /// Files reported so far, and the first line that was not blank: text with no file header is not a diff.
    var filesSeen = 0
    var firstContentLine: Int?

    init(source: String, visitor: any DiffVisitor) {
        self.source = source
        self.visitor = visitor
    }

    var inHunk: Bool { oldRemaining > 0 || newRemaining > 0 }

    mutating func consume(_ raw: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
        var bytes = raw
        if let last = bytes.last, last == 0x0D {
            bytes = UnsafeBufferPointer(rebasing: bytes.dropLast())
        }
        if inHunk {
            try consumeHunkLine(bytes, lineNumber: lineNumber)
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if firstContentLine == nil, bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
            firstContentLine = lineNumber
        }
        if text.hasPrefix("diff --git ") {
            try finishFile()
            sawGitHeader = true
            let (old, new) = DiffPaths.fromGitHeader(String(text.dropFirst("diff --git ".count)))
            pending = ChangedFile(path: new, oldPath: old == new ? nil : old, status: .modified)
            return
        }
        if inBinaryPatch { return }
        if text.hasPrefix("@@ ") {
            try beginHunk(text, lineNumber: lineNumber)
            return
        }
        if text.hasPrefix("--- ") {
            if pending == nil || pendingStarted {
                try finishFile()
                sawGitHeader = false
                pending = ChangedFile(path: "", status: .modified)
            }
            if let path = DiffPaths.fromFileHeader(String(text.dropFirst(4)), side: "a/") {
                if pending?.path.isEmpty == true { pending?.path = path }
                if pending?.oldPath == nil, path != pending?.path { pending?.oldPath = path }
            } else {
                pending?.status = .added
                pending?.oldMode = .absent
            }
            return
        }
        if text.hasPrefix("+++ ") {
            if let path = DiffPaths.fromFileHeader(String(text.dropFirst(4)), side: "b/") {
                if pending?.oldPath == nil, let old = pending?.path, old != path, pending?.status != .added {
                    pending?.oldPath = old
                }
                pending?.path = path
            } else {
                pending?.status = .deleted
                pending?.newMode = .absent
                if let old = pending?.oldPath { pending?.path = old; pending?.oldPath = nil }
            }
            return
        }
        guard pending != nil else {
            // Text before the first file (a commit message in `git log -p`, a mail header) is not diff content.
            if text.hasPrefix("+") || text.hasPrefix("-"), !text.hasPrefix("---") {
                throw DiffParseError(source: source, line: lineNumber, reason: "changed line outside any file header")
            }
            return
        }
        try consumeExtendedHeader(text, lineNumber: lineNumber)
    }

    mutating func consumeExtendedHeader(_ text: String, lineNumber: Int) throws {
        func mode(_ prefix: String) -> ChangedFile.Mode {
            ChangedFile.Mode(gitMode: Int(text.dropFirst(prefix.count).prefix { $0 != " " }, radix: 8) ?? -1)
        }
        if text.hasPrefix("new file mode ") {
            pending?.status = .added
            pending?.oldMode = .absent
            pending?.newMode = mode("new file mode ")
        } else if text.hasPrefix("deleted file mode ") {
            pending?.status = .deleted
            pending?.oldMode = mode("deleted file mode ")
            pending?.newMode = .absent
        } else if text.hasPrefix("old mode ") {
            pending?.oldMode = mode("old mode ")
        } else if text.hasPrefix("new mode ") {
            pending?.newMode = mode("new mode ")
        } else if text.hasPrefix("rename from ") || text.hasPrefix("copy from ") {
            let isRename = text.hasPrefix("rename")
            pending?.oldPath = DiffPaths.unquote(String(text.dropFirst(isRename ? 12 : 10)))
            pending?.status = isRename ? .renamed : .copied
        } else if text.hasPrefix("rename to ") || text.hasPrefix("copy to ") {
            pending?.path = DiffPaths.unquote(String(text.dropFirst(text.hasPrefix("rename") ? 10 : 8)))
        } else if text.hasPrefix("index ") {
            // `index abc..def 100644`: the mode of an unchanged-mode file.
            let parts = text.split(separator: " ")
            if parts.count == 3, let value = Int(parts[2], radix: 8) {
                let fileMode = ChangedFile.Mode(gitMode: value)
                if pending?.status != .added { pending?.oldMode = fileMode }
                if pending?.status != .deleted { pending?.newMode = fileMode }
            }
        } else if text.hasPrefix("Binary files ") {
            pending?.isBinary = true
        } else if text == "GIT binary patch" {
            pending?.isBinary = true
            inBinaryPatch = true
        } else if text.hasPrefix("+") || text.hasPrefix("-") {
            throw DiffParseError(source: source, line: lineNumber,
                                 reason: "changed line outside a hunk (the hunk header's line counts do not match)")
        }
        // Other lines (similarity index, commit messages between files in `git log -p`) carry nothing to scan.
    }

    mutating func beginHunk(_ text: String, lineNumber: Int) throws {
        guard pending != nil, let header = HunkHeader(text) else {
            throw DiffParseError(source: source, line: lineNumber, reason: "malformed hunk header")
        }
        if !pendingStarted, let file = pending {
            if file.path.isEmpty {
                throw DiffParseError(source: source, line: lineNumber, reason: "hunk without a file name")
            }
            try visitor.beginFile(file)
            pendingStarted = true
        }
        try visitor.beginHunk()
        oldRemaining = header.oldCount
        newRemaining = header.newCount
        newLine = header.newStart
        hunkStartLine = lineNumber
    }

    mutating func consumeHunkLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
        guard let marker = bytes.first else {
            // Some tools strip the space of an empty context line.
            try takeContext(lineNumber: lineNumber)
            return
        }
        switch marker {
        case UInt8(ascii: "+"):
            guard newRemaining > 0 else { throw countMismatch(lineNumber) }
            try visitor.addedLine(UnsafeBufferPointer(rebasing: bytes.dropFirst()), lineNumber: newLine)
            newLine += 1
            newRemaining -= 1
        case UInt8(ascii: "-"):
            guard oldRemaining > 0 else { throw countMismatch(lineNumber) }
            try visitor.removedLine()
            oldRemaining -= 1
        case UInt8(ascii: " "):
            try takeContext(lineNumber: lineNumber)
        case UInt8(ascii: "\\"):
            break  // "\ No newline at end of file"
        default:
            throw countMismatch(lineNumber)
        }
    }

    mutating func takeContext(lineNumber: Int) throws {
        guard oldRemaining > 0, newRemaining > 0 else { throw countMismatch(lineNumber) }
        oldRemaining -= 1
        newRemaining -= 1
        newLine += 1
    }

    func countMismatch(_ lineNumber: Int) -> DiffParseError {
        DiffParseError(source: source, line: lineNumber,
                       reason: "hunk starting at line \(hunkStartLine) does not match its header's line counts")
    }

    mutating func finishFile() throws {
        if let file = pending {
            if !pendingStarted {
                guard !file.path.isEmpty else {
                    throw DiffParseError(source: source, line: hunkStartLine, reason: "file header without a file name")
                }
                try visitor.beginFile(file)
            }
            try visitor.endFile(isBinary: file.isBinary)
            filesSeen += 1
        }
        pending = nil
        pendingStarted = false
        inBinaryPatch = false
    }

    mutating func finish() throws {
        if inHunk {
            throw DiffParseError(source: source, line: hunkStartLine,
                                 reason: "diff ends inside the hunk starting here (truncated input?)")
        }
        try finishFile()
        if filesSeen == 0, let line = firstContentLine {
            // Scanning nothing and passing would read a wrong file (a transcript, a log) as a clean change.
            throw DiffParseError(source: source, line: line,
                                 reason: "no file header ('diff --git' or '---'/'+++') in non-empty input: not a unified diff")
        }
    }
}

/// The numbers of `@@ -a,b +c,d @@`.
private struct HunkHeader {
    var oldCount: Int
    var newStart: Int
    var newCount: Int

    init?(_ text: String) {
        let parts = text.split(separator: " ", maxSplits: 4)
        guard parts.count >= 4, parts[0] == "@@", parts[3].hasPrefix("@@"),
              parts[1].hasPrefix("-"), parts[2].hasPrefix("+") else { return nil }
        func range(_ part: Substring) -> (Int, Int)? {
            let numbers = part.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = Int(numbers[0]), start >= 0 else { return nil }
            if numbers.count == 1 { return (start, 1) }
            guard numbers.count == 2, let count = Int(numbers[1]), count >= 0 else { return nil }
            return (start, count)
        }
        guard let old = range(parts[1]), let new = range(parts[2]) else { return nil }
        // Line numbers count up from the start, so start + count must fit; a header that claims more is a lie.
        guard !old.0.addingReportingOverflow(old.1).overflow, !new.0.addingReportingOverflow(new.1).overflow else { return nil }
        oldCount = old.1
        newStart = new.0 == 0 ? 1 : new.0
        newCount = new.1
    }
}
