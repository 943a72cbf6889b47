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

    private let handle: OpaquePointer
    private let library = LibGit2Session()

    /// Opens the repository that contains `path` (like `git -C path`).
    /// - Throws: `NativeError` when there is no repository there.
    public init(path: String) throws(NativeError) {
        var repository: OpaquePointer?
        try GitRepository.check(git_repository_open_ext(&repository, path, 0, nil), "git_repository_open_ext")
        guard let repository else {
            throw NativeError(library: .libgit2, function: "git_repository_open_ext", code: -1, message: "no repository")
        }
        handle = repository
    }

    deinit {
        git_repository_free(handle)
    }

    /// The working directory, with a trailing `/`, or `nil` for a bare repository.
    public var workingDirectory: String? {
        git_repository_workdir(handle).map { String(cString: $0) }
    }

    /// The `.git` directory, with a trailing `/`.
    public var gitDirectory: String {
        String(cString: git_repository_path(handle))
    }

    /// Resolves any revision (`HEAD`, `main~2`, a short SHA, a tag) to a full commit SHA.
    /// - Throws: `NativeError` when it does not name a commit.
    public func resolveCommit(_ revision: String) throws(NativeError) -> String {
        let commit = try peelToCommit(revision)
        defer { git_object_free(commit) }
        return GitRepository.hex(git_object_id(commit))
    }

    /// The best common ancestor of two revisions.
    /// - Throws: `NativeError` when either does not resolve or they share no history.
    public func mergeBase(_ first: String, _ second: String) throws(NativeError) -> String {
        let one = try peelToCommit(first)
        defer { git_object_free(one) }
        let two = try peelToCommit(second)
        defer { git_object_free(two) }
        var base = git_oid()
        try GitRepository.check(git_merge_base(&base, handle, git_object_id(one), git_object_id(two)), "git_merge_base")
        return GitRepository.hex(&base)
    }

    /// The bytes of a file as stored in a commit.
    /// - Throws: `NativeError` when the revision or path does not exist.
    public func fileContents(at revision: String, path: String) throws(NativeError) -> [UInt8] {
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
    /// - Throws: `NativeError` from libgit2, or whatever `visitor` throws.
    public func diff(from base: String, to target: DiffTarget, into visitor: any DiffVisitor) throws {
        let baseCommit = try peelToCommit(base)
        defer { git_object_free(baseCommit) }
        var baseTree: OpaquePointer?
        try GitRepository.check(git_commit_tree(&baseTree, baseCommit), "git_commit_tree")
        defer { git_tree_free(baseTree) }

        var options = git_diff_options()
        try GitRepository.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.context_lines = 0
        options.interhunk_lines = 0
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue

        var diff: OpaquePointer?
        var headTree: OpaquePointer?
        defer { if let headTree { git_tree_free(headTree) } }
        switch target {
        case .revision(let revision):
            let headCommit = try peelToCommit(revision)
            defer { git_object_free(headCommit) }
            try GitRepository.check(git_commit_tree(&headTree, headCommit), "git_commit_tree")
            try GitRepository.check(git_diff_tree_to_tree(&diff, handle, baseTree, headTree, &options), "git_diff_tree_to_tree")
        case .workingTree:
            options.flags |= GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                | GIT_DIFF_SHOW_UNTRACKED_CONTENT.rawValue
            try GitRepository.check(git_diff_tree_to_workdir_with_index(&diff, handle, baseTree, &options),
                                    "git_diff_tree_to_workdir_with_index")
        }
        defer { git_diff_free(diff) }

        var findOptions = git_diff_find_options()
        try GitRepository.check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)),
                                "git_diff_find_options_init")
        findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
        findOptions.rename_limit = 1000
        try GitRepository.check(git_diff_find_similar(diff, &findOptions), "git_diff_find_similar")

        let box = DiffCallbackBox(visitor: visitor, repository: self, workingDirectory: workingDirectory,
                                  headIsWorkingTree: target == .workingTree)
        let payload = Unmanaged.passUnretained(box).toOpaque()
        let status = git_diff_foreach(diff, diffFileCallback, diffBinaryCallback, diffHunkCallback, diffLineCallback, payload)
        if let error = box.error {
            throw error
        }
        try GitRepository.check(status, "git_diff_foreach")
        try box.finishFile()
    }

    /// The libgit2 version, e.g. `1.5.1`.
    public static var libraryVersion: String {
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

/// Balances `git_libgit2_init` and `git_libgit2_shutdown` for each owner of a libgit2 object.
final class LibGit2Session {
    init() { git_libgit2_init() }
    deinit { git_libgit2_shutdown() }
}
