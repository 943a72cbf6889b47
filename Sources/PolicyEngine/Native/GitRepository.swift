internal import CLibGit2
import Foundation

/// A git repository opened with libgit2.
///
/// libgit2 objects are not thread-safe, so this type is not `Sendable`: open it, read what you
/// need into values, and let it go.
public final class GitRepository {
    /// What the new side of a diff is.
    public enum DiffTarget: Sendable, Equatable {
        /// A commit (or anything that resolves to one).
        case revision(String)
        /// The working tree, including staged, unstaged and untracked (not ignored) files.
        case workingTree
    }

    let handle: OpaquePointer
    /// Held by another thread while it uses this handle: reading a file of a diff this handle made
    /// (``PreparedDiff``) that needs libgit2's own patch.
    let sharedUse = NSLock()
    /// Reads committed blobs from the packs, shared by the threads that read one change.
    let packs: PackObjectReader?

    /// Starts libgit2 on a thread of its own, so that its set-up overlaps the caller's other start-up
    /// work (reading the policy, compiling the secret rules) on a second core.
    public static func startLibraryInBackground() {
        Thread.detachNewThread { LibGit2Session.start() }
    }

    /// Opens the repository that contains `path` (like `git -C path`).
    /// - Parameters:
    ///   - path: a folder inside the repository.
    ///   - checksLooseObjects: check that the repository's files are regular files (``GitFileTypeCheck``)
    ///     and inflate every loose object first (``LooseObjectCheck``), since libgit2 hangs on a FIFO or a
    ///     truncated object; pass `false` only when this process has just checked the same repository.
    ///   - readsPacks: read committed blobs with a ``PackObjectReader`` shared by every handle given the
    ///     same one, instead of libgit2's (whose small delta-base cache is slow on large changes).
    /// - Throws: `NativeError` when there is no repository there, or a loose object is damaged.
    init(path: String, checksLooseObjects: Bool = true, packs: PackObjectReader? = nil) throws(NativeError) {
        self.packs = packs
        LibGit2Session.start()
        if checksLooseObjects {
            try GitFileTypeCheck.verify(repositoryAt: path)
        }
        var repository: OpaquePointer?
        try GitRepository.check(git_repository_open_ext(&repository, path, 0, nil), "git_repository_open_ext")
        guard let repository else {
            throw NativeError(library: .libgit2, function: "git_repository_open_ext", code: -1, message: "no repository")
        }
        handle = repository
        try Self.ignoreCommitGraph(of: repository)
        if checksLooseObjects {
            try LooseObjectCheck.verify(objectsDirectory: objectsDirectory)
        }
    }

    /// Opens the repository that contains `path`; see ``init(path:checksLooseObjects:packs:)``.
    public convenience init(path: String) throws(NativeError) {
        try self.init(path: path, checksLooseObjects: true, packs: nil)
    }

    deinit {
        git_repository_free(handle)
    }

    /// The objects folder, for a ``PackObjectReader`` shared by several handles.
    var objectsDirectory: String {
        String(cString: git_repository_commondir(handle)) + "objects"
    }

    /// The working directory, with a trailing `/`, or `nil` for a bare repository.
    var workingDirectory: String? {
        git_repository_workdir(handle).map { String(cString: $0) }
    }

    /// The `.git` directory, with a trailing `/`.
    var gitDirectory: String {
        String(cString: git_repository_path(handle))
    }

    /// Resolves any revision (`HEAD`, `main~2`, a short SHA, a tag) to a full commit SHA.
    /// - Throws: `NativeError` when it does not name a commit.
    func resolveCommit(_ revision: String) throws(NativeError) -> String {
        let commit = try peelToCommit(revision)
        defer { git_object_free(commit) }
        return GitRepository.hex(git_object_id(commit))
    }

    /// The best common ancestor of two revisions.
    /// - Throws: `NativeError` when either does not resolve or they share no history.
    func mergeBase(_ first: String, _ second: String) throws(NativeError) -> String {
        let one = try peelToCommit(first)
        defer { git_object_free(one) }
        let two = try peelToCommit(second)
        defer { git_object_free(two) }
        var base = git_oid()
        try GitRepository.check(git_merge_base(&base, handle, git_object_id(one), git_object_id(two)), "git_merge_base")
        return GitRepository.hex(&base)
    }

    /// A commit of a range: its id, its parents' ids and its raw message.
    public struct Commit: Sendable {
        /// Full SHA.
        public var id: String
        /// Parents' full SHAs, first parent first (none for a root commit).
        var parents: [String]
        /// The raw message bytes, as stored.
        var message: [UInt8]
    }

    /// Every commit reachable from `head` and not from `base` (`git rev-list base..head`), parents before
    /// children.
    /// - Throws: `NativeError` when either does not resolve.
    public func commits(from base: String, to head: String) throws(NativeError) -> [Commit] {
        let baseCommit = try peelToCommit(base)
        defer { git_object_free(baseCommit) }
        let headCommit = try peelToCommit(head)
        defer { git_object_free(headCommit) }
        var walk: OpaquePointer?
        try GitRepository.check(git_revwalk_new(&walk, handle), "git_revwalk_new")
        defer { git_revwalk_free(walk) }
        try GitRepository.check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue),
                                "git_revwalk_sorting")
        try GitRepository.check(git_revwalk_push(walk, git_object_id(headCommit)), "git_revwalk_push")
        try GitRepository.check(git_revwalk_hide(walk, git_object_id(baseCommit)), "git_revwalk_hide")
        var found: [Commit] = []
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try GitRepository.check(code, "git_revwalk_next")
            var commit: OpaquePointer?
            try GitRepository.check(git_commit_lookup(&commit, handle, &oid), "git_commit_lookup")
            defer { git_commit_free(commit) }
            let parents = (0..<git_commit_parentcount(commit)).map { GitRepository.hex(git_commit_parent_id(commit, $0)) }
            let message = git_commit_message_raw(commit).map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
            found.append(Commit(id: GitRepository.hex(&oid), parents: parents, message: message))
        }
        return found
    }

    /// The bytes of a file as stored in a commit.
    /// - Throws: `NativeError` when the revision or path does not exist.
    func fileContents(at revision: String, path: String) throws(NativeError) -> [UInt8] {
        let commit = try peelToCommit(revision)
        defer { git_object_free(commit) }
        var tree: OpaquePointer?
        try GitRepository.check(git_commit_tree(&tree, commit), "git_commit_tree")
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        try GitRepository.check(git_tree_entry_bypath(&entry, tree, path), "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        var blob: OpaquePointer?
        try GitRepository.check(git_blob_lookup(&blob, handle, git_tree_entry_id(entry)), "git_blob_lookup")
        defer { git_blob_free(blob) }
        return GitRepository.bytes(of: blob)
    }

    /// Streams the diff from `base` to `target` into `visitor`, with renames detected and no context lines.
    ///
    /// To read a large diff on several cores, prepare it once (``prepareDiff(from:to:)``) and let each
    /// thread read files of it with a repository handle of its own (``visitFile(_:of:into:wholeFiles:readsContent:)``).
    /// - Throws: `NativeError` from libgit2, or whatever `visitor` throws.
    /// - Parameter base: the old side; `nil` is the empty tree (the parent of a root commit).
    /// - Parameters:
    ///   - wholeFiles: shared by the readers of several diffs: what each whole file read came to, by blob.
    ///   - readsContent: `false` when only the list of files and their line counts is wanted: whole files
    ///     reach the visitor as their line count, and a new file already in `wholeFiles` is not read again.
    public func diff(from base: String?, to target: DiffTarget, into visitor: any DiffVisitor,
                     wholeFiles: WholeFileCounts? = nil, readsContent: Bool = true) throws {
        let prepared = try prepareDiff(from: base, to: target)
        for index in 0..<prepared.count {
            try visitFile(index, of: prepared, into: visitor, wholeFiles: wholeFiles, readsContent: readsContent)
        }
    }

    /// A new regular file is all added lines: read its content and hand out every line, without
    /// running the line diff (most of the cost of a large change is new files). A changed file whose new
    /// content is binary or UTF-16/32 is read whole too, converted by `ScannableText`: its lines as git
    /// sees them would hide the text.
    /// - Returns: `false` when the delta is neither, so the caller diffs it.
    func visitWholeFile(_ delta: UnsafePointer<git_diff_delta>, headIsWorkingTree: Bool,
                                visitor: any DiffVisitor, wholeFiles: WholeFileCounts?, readsContent: Bool) throws -> Bool {
        let entry = delta.pointee
        let mode = ChangedFile.Mode(gitMode: Int(entry.new_file.mode))
        guard mode == .regular || mode == .executable, entry.status != GIT_DELTA_DELETED else { return false }
        // A file that was a symbolic link or a submodule before: all its text is new. So is the
        // working-tree file of a path with an unresolved merge conflict, which has no one old version
        // (and no patch from libgit2).
        let isNew = entry.status == GIT_DELTA_ADDED || entry.status == GIT_DELTA_UNTRACKED || entry.status == GIT_DELTA_TYPECHANGE
            || entry.status == GIT_DELTA_CONFLICTED
        let file = changedFile(from: delta, headIsWorkingTree: headIsWorkingTree)
        if headIsWorkingTree {
            guard let workingDirectory, let data = FileManager.default.contents(atPath: workingDirectory + file.path) else {
                return false
            }
            return try data.withUnsafeBytes { raw in
                let content = raw.bindMemory(to: UInt8.self)
                guard isNew || ScannableText.needsConversion(content) else { return false }
                _ = try visitLines(of: content, file: file, visitor: visitor, readsContent: readsContent)
                return true
            }
        }
        var oid = entry.new_file.id
        let key = wholeFiles == nil ? "" : GitRepository.hex(&oid)
        if !readsContent, let known = wholeFiles?.counts.withLock({ $0[key] }) {
            guard isNew || known.converted else { return false }
            try visitCounted(file, lines: known.lines, isBinary: known.isBinary, visitor: visitor)
            return true
        }
        return try withBlob(&oid) { content in
            let converted = ScannableText.needsConversion(content)
            // A modified text file: its line diff takes the content already read.
            guard isNew || converted else {
                return try visitPatchFromBlobs(delta, headIsWorkingTree: false, visitor: visitor, newContent: content)
            }
            var counts = try visitLines(of: content, file: file, visitor: visitor, readsContent: readsContent)
            counts.converted = converted
            wholeFiles?.counts.withLock { $0[key] = counts }
            return true
        }
    }

    /// Added and removed lines only: no context, hunks never joined, every file as text.
    static func lineDiffOptions() throws(NativeError) -> git_diff_options {
        var options = git_diff_options()
        try GitRepository.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.context_lines = 0
        options.interhunk_lines = 0
        // Text whatever `.gitattributes` or `info/attributes` say: `binary` or `-diff` must not hide lines.
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_FORCE_TEXT.rawValue
        return options
    }

    /// Reports a whole file's content as added lines. Binary and UTF-16/32 content is converted first
    /// (``ScannableText``), whatever `.gitattributes` says; past the size limit the visitor is told it
    /// was not scanned. Without `readsContent` the visitor gets only the file with its line count.
    private func visitLines(of content: UnsafeBufferPointer<UInt8>, file: ChangedFile, visitor: any DiffVisitor,
                            readsContent: Bool) throws -> WholeFileCounts.Entry {
        switch ScannableText.prepare(content) {
        case .plain:
            guard readsContent else {
                let lines = Self.lineCount(content)
                try visitCounted(file, lines: lines, isBinary: false, visitor: visitor)
                return .init(lines: lines, isBinary: false)
            }
            let lines = try visitTextLines(of: content, file: file, isBinary: false, visitor: visitor)
            return .init(lines: lines, isBinary: false)
        case .converted(let text, let encoding):
            let isBinary = encoding == "binary"
            return try text.withUnsafeBufferPointer {
                guard readsContent else {
                    let lines = Self.lineCount($0)
                    try visitCounted(file, lines: lines, isBinary: isBinary, visitor: visitor)
                    return .init(lines: lines, isBinary: isBinary)
                }
                return .init(lines: try visitTextLines(of: $0, file: file, isBinary: isBinary, visitor: visitor), isBinary: isBinary)
            }
        case .tooLarge:
            try visitor.beginFile(file)
            try visitor.unscanned(size: content.count)
            try visitor.endFile(isBinary: true)
            return .init(lines: 0, isBinary: true)
        }
    }

    /// A whole file given by its line count only.
    private func visitCounted(_ file: ChangedFile, lines: Int, isBinary: Bool, visitor: any DiffVisitor) throws {
        var counted = file
        counted.addedLines += lines
        try visitor.beginFile(counted)
        try visitor.endFile(isBinary: isBinary || file.isBinary)
    }

    /// The lines a whole file adds, as ``visitTextLines`` reports them: a final newline ends the last
    /// line, it does not start another.
    static func lineCount(_ content: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = content.baseAddress, !content.isEmpty else { return 0 }
        let end = content[content.count - 1] == 0x0A ? content.count - 1 : content.count
        var lines = 1
        var from = 0
        while from < end, let hit = memchr(base + from, 0x0A, end - from) {
            lines += 1
            from = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
        }
        return lines
    }

    /// - Returns: how many lines it reported.
    @discardableResult
    func visitTextLines(of content: UnsafeBufferPointer<UInt8>, file: ChangedFile, isBinary: Bool,
                        visitor: any DiffVisitor, firstLine: Int = 1) throws -> Int {
        try visitor.beginFile(file)
        let lines = content.isEmpty ? 0 : try visitAddedHunk(content, firstLine: firstLine, visitor: visitor)
        try visitor.endFile(isBinary: isBinary || file.isBinary)
        return lines
    }

    /// Reports `content` (whole lines) as one hunk of added lines from line `firstLine` on.
    @discardableResult
    /// - Returns: how many lines it reported.
    func visitAddedHunk(_ content: UnsafeBufferPointer<UInt8>, firstLine: Int, visitor: any DiffVisitor) throws -> Int {
        try visitor.beginHunk()
        // Without carriage returns the content already is the lines joined by newlines.
        if let base = content.baseAddress, memchr(base, 0x0D, content.count) == nil {
            try visitor.addedLines(content, firstLine: firstLine)
            return Self.lineCount(content)
        }
        var lineNumber = firstLine
        var lineStart = 0
        while lineStart < content.count {
            var lineEnd = lineStart
            while lineEnd < content.count, content[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart, content[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            try visitor.addedLine(UnsafeBufferPointer(rebasing: content[lineStart..<contentEnd]), lineNumber: lineNumber)
            lineNumber += 1
            lineStart = lineEnd + 1
        }
        return lineNumber - firstLine
    }

    func makeDiff(from base: String?, to target: DiffTarget) throws(NativeError) -> OpaquePointer {
        var baseTree: OpaquePointer?
        if let base {
            let baseCommit = try peelToCommit(base)
            defer { git_object_free(baseCommit) }
            try GitRepository.check(git_commit_tree(&baseTree, baseCommit), "git_commit_tree")
        }
        defer { git_tree_free(baseTree) }

        var options = try Self.lineDiffOptions()
        var diff: OpaquePointer?
        switch target {
        case .revision(let revision):
            let headCommit = try peelToCommit(revision)
            defer { git_object_free(headCommit) }
            var headTree: OpaquePointer?
            try GitRepository.check(git_commit_tree(&headTree, headCommit), "git_commit_tree")
            defer { git_tree_free(headTree) }
            try GitRepository.check(git_diff_tree_to_tree(&diff, handle, baseTree, headTree, &options), "git_diff_tree_to_tree")
        case .workingTree:
            try refuseUnwatchedFiles()
            options.flags |= GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                | GIT_DIFF_SHOW_UNTRACKED_CONTENT.rawValue
            try GitRepository.check(git_diff_tree_to_workdir_with_index(&diff, handle, baseTree, &options),
                                    "git_diff_tree_to_workdir_with_index")
        }
        guard let diff else {
            throw NativeError(library: .libgit2, function: "git_diff_tree_to_tree", code: -1, message: "no diff")
        }
        var findOptions = git_diff_find_options()
        try GitRepository.check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)),
                                "git_diff_find_options_init")
        findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
        findOptions.rename_limit = 1000
        do {
            try GitRepository.check(git_diff_find_similar(diff, &findOptions), "git_diff_find_similar")
        } catch {
            git_diff_free(diff)
            throw error
        }
        return diff
    }

    /// Fails when the index tells git not to look at a tracked file that is in the working tree
    /// (`assume-unchanged`, or `skip-worktree` on a file a sparse checkout did not leave out): libgit2's
    /// diff takes such a file as unchanged, whatever it now holds.
    private func refuseUnwatchedFiles() throws(NativeError) {
        guard let workingDirectory else { return }
        var index: OpaquePointer?
        try GitRepository.check(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path else { continue }
            let unwatched = UInt32(entry.flags) & GIT_INDEX_ENTRY_VALID.rawValue != 0
                || UInt32(entry.flags_extended) & GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue != 0
            var info = stat()
            guard unwatched, lstat(workingDirectory + String(cString: path), &info) == 0 else { continue }
            throw NativeError(library: .libgit2, function: "git_index", code: -1,
                              message: "the index marks files in the working tree assume-unchanged or skip-worktree, so their "
                                  + "changes cannot be seen; clear the marks (git update-index --no-assume-unchanged, "
                                  + "--no-skip-worktree)")
        }
    }

    /// - Parameter delta: the file's entry in the diff (a patch made from blobs has its own).
    /// - Parameter lineOffset: added to the patch's line numbers (a patch of the middle of a file).
    func visit(patch: OpaquePointer, delta: UnsafePointer<git_diff_delta>, headIsWorkingTree: Bool,
               visitor: any DiffVisitor, lineOffset: Int = 0) throws {
        let file = changedFile(from: delta, headIsWorkingTree: headIsWorkingTree)
        try visitor.beginFile(file)
        let hunks = git_patch_num_hunks(patch)
        for hunk in 0..<hunks {
            try visitor.beginHunk()
            let lines = git_patch_num_lines_in_hunk(patch, hunk)
            guard lines > 0 else { continue }
            for index in 0..<Int(lines) {
                var line: UnsafePointer<git_diff_line>?
                try GitRepository.check(git_patch_get_line_in_hunk(&line, patch, hunk, index), "git_patch_get_line_in_hunk")
                guard let line else { continue }
                switch UInt8(bitPattern: line.pointee.origin) {
                case UInt8(ascii: "+"):
                    var length = line.pointee.content_len
                    let start = UnsafeRawPointer(line.pointee.content).map { $0.assumingMemoryBound(to: UInt8.self) }
                    // Drop the line ending: LF, or CRLF.
                    if length > 0, start?[length - 1] == 0x0A { length -= 1 }
                    if length > 0, start?[length - 1] == 0x0D { length -= 1 }
                    try visitor.addedLine(UnsafeBufferPointer(start: start, count: length),
                                          lineNumber: Int(line.pointee.new_lineno) + lineOffset)
                case UInt8(ascii: "-"):
                    try visitor.removedLine()
                default:
                    break
                }
            }
        }
        let isBinary = git_patch_get_delta(patch).map { $0.pointee.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0 } ?? false
        try visitor.endFile(isBinary: isBinary || file.isBinary)
    }

    func changedFile(from delta: UnsafePointer<git_diff_delta>, headIsWorkingTree: Bool) -> ChangedFile {
        let entry = delta.pointee
        let newPath = entry.new_file.path.map { String(cString: $0) } ?? ""
        let oldPath = entry.old_file.path.map { String(cString: $0) } ?? newPath
        let status: ChangedFile.Status
        switch entry.status {
        case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_COPIED: status = .copied
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: status = .modified
        }
        let newMode = ChangedFile.Mode(gitMode: Int(entry.new_file.mode))
        var file = ChangedFile(
            path: status == .deleted ? oldPath : newPath,
            oldPath: (status == .renamed || status == .copied) && oldPath != newPath ? oldPath : nil,
            status: status,
            oldMode: status == .added ? .absent : ChangedFile.Mode(gitMode: Int(entry.old_file.mode)),
            newMode: status == .deleted ? .absent : newMode,
            isBinary: entry.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0)
        if newMode == .symlink, status != .deleted {
            if headIsWorkingTree, let workingDirectory,
               let target = try? FileManager.default.destinationOfSymbolicLink(atPath: workingDirectory + newPath) {
                file.symlinkTarget = target
            } else {
                var oid = entry.new_file.id
                file.symlinkTarget = blobBytes(&oid).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        return file
    }

    /// The libgit2 version, e.g. `1.5.1`.
    static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }

    // MARK: - Internal helpers

    /// The bytes of the blob with this id, used for symlink targets of committed links.
    func blobBytes(_ id: UnsafePointer<git_oid>) -> [UInt8]? {
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, handle, id) == 0 else { return nil }
        defer { git_blob_free(blob) }
        return GitRepository.bytes(of: blob)
    }

    private func peelToCommit(_ revision: String) throws(NativeError) -> OpaquePointer {
        var object: OpaquePointer?
        try GitRepository.check(git_revparse_single(&object, handle, revision), "git_revparse_single")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try GitRepository.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel")
        guard let commit else {
            throw NativeError(library: .libgit2, function: "git_object_peel", code: -1, message: "'\(revision)' is not a commit")
        }
        return commit
    }

    private static func bytes(of blob: OpaquePointer?) -> [UInt8] {
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    static func hex(_ oid: UnsafePointer<git_oid>?) -> String {
        guard let oid else { return "" }
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, 41, oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Makes libgit2 walk commits from the commit objects only. A commit-graph file
    /// (`objects/info/commit-graph`) is a cache of every commit's parents that nothing checks against
    /// the commits: one that says the head's parent is the base hides the commits in between from
    /// `base..head`, and their lines from the scan.
    static func ignoreCommitGraph(of repository: OpaquePointer) throws(NativeError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository), "git_repository_odb")
        defer { git_odb_free(odb) }
        try check(git_odb_set_commit_graph(odb, nil), "git_odb_set_commit_graph")
    }

    /// Turns a libgit2 return code into a `NativeError` carrying `git_error_last()`'s message.
    static func check(_ code: Int32, _ function: String) throws(NativeError) {
        guard code < 0 else { return }
        var message = "error \(code)"
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text)
        }
        throw NativeError(library: .libgit2, function: function, code: Int(code), message: message)
    }
}

/// What reading whole files came to, by blob id, shared by the readers of a change's diffs: the net
/// diff, read only for its list of files, takes a new file's line count from here when a commit's diff
/// already read that blob.
public final class WholeFileCounts: Sendable {
    /// One blob's outcome.
    struct Entry: Sendable {
        /// Lines the file adds (of its converted text, for binary or UTF-16/32 content).
        var lines: Int
        /// Whether the content counted as binary (or was too large to convert).
        var isBinary: Bool
        /// Whether the content needed conversion (a NUL byte or a byte-order mark).
        var converted = false
    }

    let counts = Locked<[String: Entry]>([:])

    /// Creates an empty table.
    public init() {}
}

/// libgit2, initialised once for the whole process and never shut down.
///
/// Each `git_libgit2_init` after the count fell back to zero starts libgit2 from scratch, and Debian's
/// libgit2 then parses every CA certificate of the system for mbedTLS: several milliseconds for each
/// repository a short stage opens, and it never makes a network connection.
final class LibGit2Session: Sendable {
    private static let processWide = LibGit2Session()

    /// Makes sure libgit2 is ready; the first call does the work, later ones return at once.
    static func start() { _ = processWide }

    private init() {
        git_libgit2_init()
        // Process-wide limits: pack windows of 16 MiB, at most 32 MiB of pack files mapped, 8 MiB of
        // cached objects (for each repository handle: the scan opens one per reader thread), and malloc
        // settings that return freed blob buffers, so reading a diff of any size keeps memory flat
        // (under 200 MB on a 1 GiB change).
        _ = policy_gate_git_set_window_size(16 << 20)
        _ = policy_gate_git_set_mapped_limit(32 << 20)
        _ = policy_gate_git_set_cache_limit(8 << 20)
        _ = policy_gate_git_skip_owner_validation()
        // libgit2's check that each object it reads hashes to its name stays on. The base commit's
        // trees and commits are already on the server, so a push never sends them and nobody there
        // hashes them again: a forged one in the agent's `.git` would hide every line it claims the base
        // held. Blobs mostly come from the scan's own pack reader, which checks them itself, so the
        // check costs about 2 % of a large scan.
        policy_gate_limit_malloc_growth()
    }
}
