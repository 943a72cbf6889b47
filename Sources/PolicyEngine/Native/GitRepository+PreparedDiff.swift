internal import CLibGit2
import Foundation

/// A diff made once by one repository handle, whose files any thread may then read, in any order, with
/// its own handle (``GitRepository/visitFile(_:of:into:wholeFiles:readsContent:)``).
///
/// The diff's file entries are not changed after it is made, so reading them from several threads is
/// safe. The rare file that needs libgit2's own patch (a type change, a submodule) is read under the
/// lock of the handle that made the diff, which is the only one libgit2 may use for it.
final class PreparedDiff: @unchecked Sendable {
    fileprivate let pointer: OpaquePointer
    fileprivate let owner: GitRepository
    let target: GitRepository.DiffTarget
    /// How many files the diff holds.
    let count: Int

    fileprivate init(pointer: OpaquePointer, owner: GitRepository, target: GitRepository.DiffTarget) {
        self.pointer = pointer
        self.owner = owner
        self.target = target
        count = git_diff_num_deltas(pointer)
    }

    deinit {
        owner.sharedUse.withLock { git_diff_free(pointer) }
    }

    /// The names of the blobs that reading file `index` takes from the object store: the old side
    /// (`nil` when the file is new or that side is no blob) and the new one (`nil` when deleted).
    func blobNames(at index: Int) -> (old: [UInt8]?, new: [UInt8]?) {
        guard let delta = git_diff_get_delta(pointer, index)?.pointee else { return (nil, nil) }
        func name(_ file: git_diff_file, present: Bool) -> [UInt8]? {
            let mode = ChangedFile.Mode(gitMode: Int(file.mode))
            guard present, mode == .regular || mode == .executable || mode == .symlink else { return nil }
            return withUnsafeBytes(of: file.id.id) { Array($0) }
        }
        return (name(delta.old_file, present: delta.status != GIT_DELTA_ADDED && delta.status != GIT_DELTA_UNTRACKED),
                name(delta.new_file, present: delta.status != GIT_DELTA_DELETED && target != .workingTree))
    }
}

extension GitRepository {
    /// Makes the diff from `base` to `target` (renames detected, no context lines) for reading file by file.
    /// - Parameter base: the old side; `nil` is the empty tree (the parent of a root commit).
    func prepareDiff(from base: String?, to target: DiffTarget) throws(NativeError) -> PreparedDiff {
        PreparedDiff(pointer: try makeDiff(from: base, to: target), owner: self, target: target)
    }

    /// Streams file `index` of `diff` into `visitor`, reading its content with this handle.
    /// - Parameters:
    ///   - diff: made by this handle or by another one on the same repository.
    ///   - wholeFiles: shared by the readers of several diffs: what each whole file read came to, by blob.
    ///   - readsContent: `false` when only the list of files and their line counts is wanted: whole files
    ///     reach the visitor as their line count, and a new file already in `wholeFiles` is not read again.
    /// - Throws: `NativeError` from libgit2 or the pack reader, or whatever `visitor` throws.
    func visitFile(_ index: Int, of diff: PreparedDiff, into visitor: any DiffVisitor, wholeFiles: WholeFileCounts?,
                   readsContent: Bool) throws {
        guard let delta = git_diff_get_delta(diff.pointer, index) else { return }
        let headIsWorkingTree = diff.target == .workingTree
        if try visitWholeFile(delta, headIsWorkingTree: headIsWorkingTree, visitor: visitor, wholeFiles: wholeFiles,
                              readsContent: readsContent) {
            return
        }
        if try visitPatchFromBlobs(delta, headIsWorkingTree: headIsWorkingTree, visitor: visitor) { return }
        if delta.pointee.status == GIT_DELTA_CONFLICTED {
            // libgit2 gives a path with an unresolved merge conflict no patch: a link's target is new text.
            let file = changedFile(from: delta, headIsWorkingTree: headIsWorkingTree)
            try Array((file.symlinkTarget ?? "").utf8).withUnsafeBufferPointer {
                try visitTextLines(of: $0, file: file, isBinary: false, visitor: visitor)
            }
            return
        }
        try diff.owner.sharedUse.withLock {
            var patch: OpaquePointer?
            try GitRepository.check(git_patch_from_diff(&patch, diff.pointer, index), "git_patch_from_diff")
            defer { git_patch_free(patch) }
            if let patch {
                try visit(patch: patch, delta: delta, headIsWorkingTree: headIsWorkingTree, visitor: visitor)
            } else {
                // libgit2 gives no patch for unmodified or binary-only entries; the file still changed.
                let file = changedFile(from: delta, headIsWorkingTree: headIsWorkingTree)
                try visitor.beginFile(file)
                try visitor.endFile(isBinary: file.isBinary)
            }
        }
    }
}
