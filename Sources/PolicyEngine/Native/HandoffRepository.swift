internal import CLibGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare repository in the gate's private folder that borrows the agent's objects (read-only, as an
/// alternate) and holds what the gate writes: the commit of the agent's working tree and the bundle.
///
/// The gate never writes into the agent's `.git` and never runs git there: no hooks, no filter
/// drivers, no attributes and nothing from its config take part. Files are stored byte for byte.
final class HandoffRepository {
    private let handle: OpaquePointer
    private let source: OpaquePointer

    /// What the working tree held that is not in the commit, one line each (nested repositories,
    /// devices, sockets, `.git` entries), for the audit record.
    private(set) var skipped: [String] = []

    /// Creates the repository at `path` (a folder that does not exist yet) borrowing the objects of
    /// the repository at `sourcePath`.
    /// - Throws: `NativeError` when either cannot be opened, or a loose object of the agent's is damaged.
    init(at path: String, borrowingObjectsOf sourcePath: String) throws(NativeError) {
        LibGit2Session.start()
        // The checkout is the agent's: a FIFO among the files libgit2 opens would block it for ever.
        try GitFileTypeCheck.verify(repositoryAt: sourcePath)
        var opened: OpaquePointer?
        try GitRepository.check(git_repository_open_ext(&opened, sourcePath, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil),
                                "git_repository_open_ext")
        guard let opened else { throw NativeError(library: .libgit2, function: "git_repository_open_ext", code: -1, message: "no repository") }
        let objects = String(cString: git_repository_commondir(opened)) + "objects"
        do {
            try LooseObjectCheck.verify(objectsDirectory: objects)
            var created: OpaquePointer?
            try GitRepository.check(git_repository_init(&created, path, 1), "git_repository_init")
            git_repository_free(created)
            try Data((objects + "\n").utf8).write(to: URL(fileURLWithPath: path + "/objects/info/alternates"))
        } catch let error as NativeError {
            git_repository_free(opened)
            throw error
        } catch {
            git_repository_free(opened)
            throw NativeError(library: .libgit2, function: "alternates", code: -1, message: "cannot write \(path)/objects/info/alternates")
        }
        var bare: OpaquePointer?
        let code = git_repository_open_bare(&bare, path)
        guard code == 0, let bare else {
            git_repository_free(opened)
            try GitRepository.check(code < 0 ? code : -1, "git_repository_open_bare")
            throw NativeError(library: .libgit2, function: "git_repository_open_bare", code: -1, message: "no repository")
        }
        handle = bare
        source = opened
        try GitRepository.ignoreCommitGraph(of: bare)
        try GitRepository.ignoreCommitGraph(of: opened)
    }

    /// Opens a hand-off repository made earlier in this run.
    init(openingExisting path: String) throws(NativeError) {
        var first: OpaquePointer?
        try GitRepository.check(git_repository_open_bare(&first, path), "git_repository_open_bare")
        var second: OpaquePointer?
        let code = git_repository_open_bare(&second, path)
        guard code == 0, let first, let second else {
            git_repository_free(first)
            try GitRepository.check(code < 0 ? code : -1, "git_repository_open_bare")
            throw NativeError(library: .libgit2, function: "git_repository_open_bare", code: -1, message: "no repository")
        }
        handle = first
        source = second
        try GitRepository.ignoreCommitGraph(of: first)
        try GitRepository.ignoreCommitGraph(of: second)
    }

    deinit {
        if let odb { git_odb_free(odb) }
        git_repository_free(handle)
        git_repository_free(source)
    }

    /// The full SHA of a revision of the agent's repository (`HEAD`).
    func resolveAgentCommit(_ revision: String) throws(NativeError) -> String {
        var object: OpaquePointer?
        try GitRepository.check(git_revparse_single(&object, source, revision), "git_revparse_single")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try GitRepository.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel")
        defer { git_object_free(commit) }
        return GitRepository.hex(git_object_id(commit))
    }

    /// Commits the working tree at `worktree` on top of `parent`: every file that is tracked in
    /// `parent` or `base`, and every other file that the repository's ignore rules do not exclude,
    /// read raw. `.git` entries at any depth, nested repositories and the folders in `excluding`
    /// (relative to the root) are left out.
    /// - Returns: the new commit's SHA.
    func commitWorkingTree(_ worktree: String, parent: String, base: String, excluding: Set<String>,
                                  message: String) throws(NativeError) -> String {
        let tracked = try trackedPaths(parent).union(try trackedPaths(base))
        var trackedFolders = Set<String>()
        for path in tracked {
            var folder = Substring(path)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                if !trackedFolders.insert(String(folder)).inserted { break }
            }
        }
        var index: OpaquePointer?
        try GitRepository.check(git_index_new(&index), "git_index_new")
        defer { git_index_free(index) }
        let root = worktree.hasSuffix("/") ? String(worktree.dropLast()) : worktree
        try addFolder(root: root, relative: "", tracked: tracked, trackedFolders: trackedFolders, excluding: excluding, index: index)

        var tree = git_oid()
        try GitRepository.check(git_index_write_tree_to(&tree, index, handle), "git_index_write_tree_to")
        var treeObject: OpaquePointer?
        try GitRepository.check(git_tree_lookup(&treeObject, handle, &tree), "git_tree_lookup")
        defer { git_tree_free(treeObject) }
        var parentID = git_oid()
        try GitRepository.check(git_oid_fromstr(&parentID, parent), "git_oid_fromstr")
        var parentCommit: OpaquePointer?
        try GitRepository.check(git_commit_lookup(&parentCommit, handle, &parentID), "git_commit_lookup")
        defer { git_commit_free(parentCommit) }
        var signature: UnsafeMutablePointer<git_signature>?
        try GitRepository.check(git_signature_now(&signature, "policy-gate", "policy-gate@localhost"), "git_signature_now")
        defer { git_signature_free(signature) }
        var commit = git_oid()
        var parents: [OpaquePointer?] = [parentCommit]
        try GitRepository.check(git_commit_create(&commit, handle, nil, signature, signature, "UTF-8", message, treeObject, 1, &parents),
                                "git_commit_create")
        return GitRepository.hex(&commit)
    }

    /// A git bundle (version 2) holding the commits from `base` (excluded, its prerequisite) to `head`,
    /// with `head` as its `HEAD`, as `git fetch` reads it.
    func bundle(base: String, head: String) throws(NativeError) -> Data {
        var walk: OpaquePointer?
        try GitRepository.check(git_revwalk_new(&walk, handle), "git_revwalk_new")
        defer { git_revwalk_free(walk) }
        var headID = git_oid()
        var baseID = git_oid()
        try GitRepository.check(git_oid_fromstr(&headID, head), "git_oid_fromstr")
        try GitRepository.check(git_oid_fromstr(&baseID, base), "git_oid_fromstr")
        try GitRepository.check(git_revwalk_push(walk, &headID), "git_revwalk_push")
        try GitRepository.check(git_revwalk_hide(walk, &baseID), "git_revwalk_hide")
        var builder: OpaquePointer?
        try GitRepository.check(git_packbuilder_new(&builder, handle), "git_packbuilder_new")
        defer { git_packbuilder_free(builder) }
        try GitRepository.check(git_packbuilder_insert_walk(builder, walk), "git_packbuilder_insert_walk")
        var buffer = git_buf()
        try GitRepository.check(git_packbuilder_write_buf(&buffer, builder), "git_packbuilder_write_buf")
        defer { git_buf_dispose(&buffer) }
        var data = Data("# v2 git bundle\n-\(base) base\n\(head) HEAD\n\n".utf8)
        if let bytes = buffer.ptr, buffer.size > 0 {
            data.append(UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: buffer.size)
        }
        return data
    }

    // MARK: - The working tree

    private func addFolder(root: String, relative: String, tracked: Set<String>, trackedFolders: Set<String>,
                           excluding: Set<String>, index: OpaquePointer?) throws(NativeError) {
        let folder = relative.isEmpty ? root : root + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw NativeError(library: .libgit2, function: "readdir", code: -1, message: "cannot list \(folder)")
        }
        for name in names.sorted() {
            let path = relative.isEmpty ? name : relative + "/" + name
            if name.lowercased() == ".git" {
                if !relative.isEmpty { skipped.append("\(path): a .git entry inside the tree") }
                continue
            }
            if excluding.contains(path) { continue }
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                var nested = stat()
                if lstat(root + "/" + path + "/.git", &nested) == 0 {
                    skipped.append("\(path): a nested repository")
                    continue
                }
                if !trackedFolders.contains(path), try isIgnored(path + "/") { continue }
                try addFolder(root: root, relative: path, tracked: tracked, trackedFolders: trackedFolders,
                              excluding: excluding, index: index)
            case S_IFREG:
                if !tracked.contains(path), try isIgnored(path) { continue }
                // Read and stored raw: `git_blob_create_from_disk` would apply attribute-driven filters.
                guard let bytes = FileManager.default.contents(atPath: root + "/" + path) else {
                    throw NativeError(library: .libgit2, function: "read", code: -1, message: "cannot read \(path)")
                }
                try add(path: path, mode: (info.st_mode & 0o100) != 0 ? 0o100755 : 0o100644, id: try storeBlob(bytes), index: index)
            case S_IFLNK:
                if !tracked.contains(path), try isIgnored(path) { continue }
                var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(root + "/" + path, &target, Int(PATH_MAX))
                guard length >= 0 else { continue }
                try add(path: path, mode: 0o120000, id: try storeBlob(Data(bytes: target, count: length)), index: index)
            default:
                skipped.append("\(path): not a file, folder or link")
            }
        }
    }

    /// Stores a blob unless the agent's repository (or this one) already has it: most files of a
    /// checkout are unchanged, and hashing them is far cheaper than writing them again.
    private func storeBlob(_ bytes: Data) throws(NativeError) -> git_oid {
        var id = git_oid()
        var code = bytes.withUnsafeBytes { git_odb_hash(&id, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
        try GitRepository.check(code, "git_odb_hash")
        if git_odb_exists(odb, &id) == 1 { return id }
        code = bytes.withUnsafeBytes { git_blob_create_from_buffer(&id, handle, $0.baseAddress, $0.count) }
        try GitRepository.check(code, "git_blob_create_from_buffer")
        return id
    }

    private lazy var odb: OpaquePointer? = {
        var database: OpaquePointer?
        return git_repository_odb(&database, handle) == 0 ? database : nil
    }()

    private func add(path: String, mode: UInt32, id: git_oid, index: OpaquePointer?) throws(NativeError) {
        var entry = git_index_entry()
        entry.mode = mode
        entry.id = id
        let code = path.withCString { pointer -> Int32 in
            entry.path = pointer
            return git_index_add(index, &entry)
        }
        try GitRepository.check(code, "git_index_add")
    }

    private func isIgnored(_ path: String) throws(NativeError) -> Bool {
        var ignored: Int32 = 0
        try GitRepository.check(git_ignore_path_is_ignored(&ignored, source, path), "git_ignore_path_is_ignored")
        return ignored == 1
    }

    /// Every blob path of a commit's tree.
    private func trackedPaths(_ commitSHA: String) throws(NativeError) -> Set<String> {
        var id = git_oid()
        try GitRepository.check(git_oid_fromstr(&id, commitSHA), "git_oid_fromstr")
        var commit: OpaquePointer?
        try GitRepository.check(git_commit_lookup(&commit, handle, &id), "git_commit_lookup")
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try GitRepository.check(git_commit_tree(&tree, commit), "git_commit_tree")
        defer { git_tree_free(tree) }
        var paths = Set<String>()
        let code = withUnsafeMutablePointer(to: &paths) { pointer -> Int32 in
            git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
                guard let entry, let payload, git_tree_entry_type(entry) != GIT_OBJECT_TREE else { return 0 }
                let paths = payload.assumingMemoryBound(to: Set<String>.self)
                let prefix = root.map { String(cString: $0) } ?? ""
                paths.pointee.insert(prefix + String(cString: git_tree_entry_name(entry)))
                return 0
            }, pointer)
        }
        try GitRepository.check(code, "git_tree_walk")
        return paths
    }
}
