import Foundation

/// Checks that the files libgit2 opens in a repository, before it reads any, are regular files.
///
/// libgit2 opens them without checking what they are. A FIFO in place of `config` or
/// `objects/info/alternates` blocks it forever when the repository is opened; one in place of `index`,
/// `info/exclude` or the top `.gitignore` blocks a diff against the working tree. After the agent ran,
/// `.git` and the checkout are the agent's to write, so such a file is refused with one line instead.
/// Loose objects and pack files are checked by ``LooseObjectCheck``.
enum GitFileTypeCheck {
    /// Files of the git folder (and of its common folder) that libgit2 reads, by their fixed names.
    static let repositoryFiles = [
        "HEAD", "config", "commondir", "packed-refs", "index", "shallow", "info/exclude", "info/attributes",
        "info/grafts", "objects/info/alternates", "objects/info/commit-graph", "objects/pack/multi-pack-index",
    ]
    /// Files at the top of the working tree that a diff against it reads.
    static let workingTreeFiles = [".gitignore", ".gitattributes"]

    /// Finds the repository that contains `path` as libgit2 does (a `.git` folder or file up the tree,
    /// or a bare repository) and checks its files. Nothing found is not an error: opening it says so.
    /// - Throws: `NativeError` naming the first file that exists and is not a regular file.
    static func verify(repositoryAt path: String) throws(NativeError) {
        var folder = URL(fileURLWithPath: path).standardizedFileURL.path
        while true {
            let dotGit = folder == "/" ? "/.git" : folder + "/.git"
            switch kind(dotGit) {
            case .folder:
                return try verify(gitFolder: dotGit, workingTree: folder)
            case .file:
                guard let target = linkedFolder(dotGit, from: folder) else { return }
                return try verify(gitFolder: target, workingTree: folder)
            case .other:
                throw refused(".git")
            case .absent:
                if kind(folder + "/HEAD") != .absent, kind(folder + "/objects") == .folder {
                    return try verify(gitFolder: folder, workingTree: nil)
                }
            }
            guard folder != "/" else { return }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    private static func verify(gitFolder: String, workingTree: String?) throws(NativeError) {
        for name in repositoryFiles where kind(gitFolder + "/" + name) == .other { throw refused(".git/" + name) }
        var objects = gitFolder + "/objects"
        if kind(gitFolder + "/commondir") == .file, let common = linkedFolder(gitFolder + "/commondir", from: gitFolder) {
            for name in repositoryFiles where kind(common + "/" + name) == .other { throw refused("the common .git/" + name) }
            objects = common + "/objects"
        }
        var visited: Set<String> = []
        try verifyAlternates(of: objects, depth: 0, visited: &visited)
        guard let workingTree else { return }
        for name in workingTreeFiles where kind(workingTree + "/" + name) == .other { throw refused(name) }
    }

    /// The alternates of alternate object folders, which libgit2 loads when it opens the repository
    /// (as deep as ``LooseObjectCheck/alternatesDepth``).
    private static func verifyAlternates(of objects: String, depth: Int, visited: inout Set<String>) throws(NativeError) {
        let file = objects + "/info/alternates"
        guard depth <= LooseObjectCheck.alternatesDepth, visited.insert(objects).inserted else { return }
        switch kind(file) {
        case .other: throw refused("objects/info/alternates")
        case .file: break
        case .absent, .folder: return
        }
        guard let data = FileManager.default.contents(atPath: file) else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
            try verifyAlternates(of: entry.hasPrefix("/") ? entry : objects + "/" + entry, depth: depth + 1, visited: &visited)
        }
    }

    private enum Kind { case absent, file, folder, other }

    /// What is at `path`, following symbolic links (libgit2 opens through them).
    private static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .absent : .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// The folder a `.git` file (`gitdir: PATH`) or a `commondir` file names, relative to `base`.
    private static func linkedFolder(_ file: String, from base: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 4096) else { return nil }
        var text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("gitdir:") { text = String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        guard !text.isEmpty else { return nil }
        return text.hasPrefix("/") ? text : base + "/" + text
    }

    private static func refused(_ name: String) -> NativeError {
        NativeError(library: .libgit2, function: "open", code: -1,
                    message: "\(name) is not a regular file (reading it could block for ever); run git fsck")
    }
}
