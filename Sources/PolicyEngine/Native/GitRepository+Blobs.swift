internal import CLibGit2
import Foundation

/// Committed blobs read through the shared ``PackObjectReader``, and the line diffs of modified files
/// made from them.
extension GitRepository {
    /// Calls `body` with a committed blob's content: from the shared pack reader when it holds the
    /// blob, otherwise from libgit2.
    func withBlob<Result>(_ oid: UnsafePointer<git_oid>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result {
        if let packs, let content = try packs.blob(named: withUnsafeBytes(of: oid.pointee.id) { Array($0) }) {
            return try content.withUnsafeBufferPointer(body)
        }
        var blob: OpaquePointer?
        try GitRepository.check(git_blob_lookup(&blob, handle, oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        let start = git_blob_rawcontent(blob)?.assumingMemoryBound(to: UInt8.self)
        return try body(UnsafeBufferPointer(start: size > 0 ? start : nil, count: max(0, size)))
    }

    /// Visits the line diff of a committed file whose sides are both blobs (or absent), made from blobs
    /// read by ``withBlob``. Only the lines between the versions' shared start and end
    /// (``CommonLines``) are diffed: by ``LineDiff`` when they differ in a few lines, otherwise by
    /// libgit2 with the diff's own line options. Lines inserted in one place need no diff at all, and
    /// lines inserted in several places, every old line kept, are found by ``InsertedLines``.
    ///
    /// The result is a correct line diff: every line it does not report as added is an unchanged line
    /// of the old version, in order. Where several equally short diffs exist it may pick another one
    /// than `git_patch_from_diff` (xdiff's heuristics look at the whole file); both report the same
    /// new text.
    /// - Returns: `false` for anything else (a submodule on the new side, the working tree).
    /// - Parameter newContent: the new side's content, when the caller has already read it.
    func visitPatchFromBlobs(_ delta: UnsafePointer<git_diff_delta>, headIsWorkingTree: Bool,
                             visitor: any DiffVisitor, newContent: UnsafeBufferPointer<UInt8>? = nil) throws -> Bool {
        let entry = delta.pointee
        let blobModes: [ChangedFile.Mode] = [.regular, .executable, .symlink]
        // A type change (a file that becomes a link, a submodule that becomes a file) has nothing to
        // diff against: what the new side holds is all new.
        let hasOld = entry.status != GIT_DELTA_ADDED && entry.status != GIT_DELTA_TYPECHANGE
        let hasNew = entry.status != GIT_DELTA_DELETED
        guard packs != nil, !headIsWorkingTree,
              !hasOld || blobModes.contains(ChangedFile.Mode(gitMode: Int(entry.old_file.mode))),
              !hasNew || blobModes.contains(ChangedFile.Mode(gitMode: Int(entry.new_file.mode))) else { return false }
        var oldID = entry.old_file.id, newID = entry.new_file.id
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        func side(_ present: Bool, _ id: inout git_oid, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            if present { try withBlob(&id, body) } else { try body(empty) }
        }
        let file = changedFile(from: delta, headIsWorkingTree: headIsWorkingTree)
        try side(hasOld, &oldID) { old in
            try side(hasNew && newContent == nil, &newID) { read in
                let new = newContent ?? read
                let common = CommonLines(old: old, new: new)
                let oldMiddle = common.middle(of: old), newMiddle = common.middle(of: new)
                if oldMiddle.isEmpty {
                    // Lines inserted in one place (or none): exactly the added lines.
                    try visitTextLines(of: newMiddle, file: file, isBinary: false, visitor: visitor,
                                       firstLine: common.leadingLines + 1)
                } else if newMiddle.isEmpty {
                    try visitor.beginFile(file)
                    try visitor.beginHunk()
                    for _ in 0..<Self.lineCount(oldMiddle) { try visitor.removedLine() }
                    try visitor.endFile(isBinary: file.isBinary)
                } else if let runs = InsertedLines.find(old: oldMiddle, new: newMiddle) {
                    // Lines inserted in several places, every old line kept.
                    try visitor.beginFile(file)
                    for run in runs {
                        try visitAddedHunk(UnsafeBufferPointer(rebasing: newMiddle[run.bytes]),
                                           firstLine: common.leadingLines + run.firstLine + 1, visitor: visitor)
                    }
                    try visitor.endFile(isBinary: file.isBinary)
                } else if let hunks = LineDiff.hunks(old: oldMiddle, new: newMiddle, maximumEdits: Self.maximumOwnDiffEdits) {
                    try visit(hunks, of: LineDiff.Lines(newMiddle), file: file, lineOffset: common.leadingLines, visitor: visitor)
                } else {
                    try visitMiddleDiff(old: oldMiddle, new: newMiddle, delta: delta, lineOffset: common.leadingLines,
                                        visitor: visitor)
                }
            }
        }
        return true
    }

    /// Above this many changed lines, xdiff (with its heuristics for large diffs) diffs the middle.
    static let maximumOwnDiffEdits = 1000

    private func visit(_ hunks: [LineDiff.Hunk], of newLines: LineDiff.Lines, file: ChangedFile, lineOffset: Int,
                       visitor: any DiffVisitor) throws {
        try visitor.beginFile(file)
        for hunk in hunks {
            try visitor.beginHunk()
            for _ in 0..<hunk.oldCount { try visitor.removedLine() }
            for index in hunk.newStart..<(hunk.newStart + hunk.newCount) {
                try visitor.addedLine(newLines.content(index), lineNumber: lineOffset + index + 1)
            }
        }
        try visitor.endFile(isBinary: file.isBinary)
    }

    private func visitMiddleDiff(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>,
                                 delta: UnsafePointer<git_diff_delta>, lineOffset: Int, visitor: any DiffVisitor) throws {
        var options = try Self.lineDiffOptions()
        var patch: OpaquePointer?
        try GitRepository.check(git_patch_from_buffers(&patch, old.baseAddress, old.count, delta.pointee.old_file.path,
                                                       new.baseAddress, new.count, delta.pointee.new_file.path, &options),
                                "git_patch_from_buffers")
        defer { git_patch_free(patch) }
        guard let patch else {
            throw NativeError(library: .libgit2, function: "git_patch_from_buffers", code: -1, message: "no patch")
        }
        // The patch's lines point into both buffers, which live until the caller returns.
        try visit(patch: patch, delta: delta, headIsWorkingTree: false, visitor: visitor, lineOffset: lineOffset)
    }
}
