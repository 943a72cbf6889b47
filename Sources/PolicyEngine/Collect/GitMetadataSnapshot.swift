import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every piece of a repository's `.git` metadata that can make git run code or read other data:
/// `config`, `hooks/`, `info/` (attributes, exclude, grafts), `commondir`, `worktrees/`, `modules/`,
/// `shallow`, the object alternates, and anything else that is not plain history. Taken before the
/// agent starts and after every agent process is gone; any difference is `workspace.git-tamper`.
///
/// Left out is what ordinary git use changes: objects, refs, the index, reflogs and the markers of
/// a commit, merge or rebase in progress.
struct GitMetadataSnapshot: Sendable, Equatable, Codable {
    /// Path below `.git` → what is there: `file <mode> <sha256>`, `link <target>`, `dir <mode>`, or
    /// `other <mode>`.
    var entries: [String: String]

    /// Creates a snapshot from its entries.
    init(entries: [String: String]) {
        self.entries = entries
    }

    /// Top-level names that change in normal use and carry no configuration.
    static let history: Set<String> = [
        "objects", "refs", "logs", "index", "packed-refs", "HEAD", "ORIG_HEAD", "FETCH_HEAD", "COMMIT_EDITMSG",
        "AUTO_MERGE", "MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "MERGE_RR", "REBASE_HEAD", "CHERRY_PICK_HEAD",
        "REVERT_HEAD", "BISECT_LOG", "BISECT_START", "BISECT_TERMS", "BISECT_EXPECTED_REV", "rebase-merge",
        "rebase-apply", "sequencer", "rr-cache", "index.lock", "gc.pid", "gc.log", "lfs",
    ]

    /// Files inside `objects/` that redirect where objects come from.
    static let objectRedirects = ["objects/info/alternates", "objects/info/http-alternates", "objects/info/grafts"]

    /// Bounds that keep a snapshot cheap whatever the agent left behind: at most this many entries…
    static let entryLimit = 50_000
    /// …and files above this size are recorded by size, not hashed.
    static let hashLimit = 16 << 20

    /// Reads the snapshot of the repository whose `.git` directory (or `.git` file) is `gitPath`.
    /// - Throws: `RunnerError` when the folder cannot be read or is too large.
    static func take(gitPath: String) throws(RunnerError) -> GitMetadataSnapshot {
        var entries: [String: String] = [:]
        var info = stat()
        guard lstat(gitPath, &info) == 0 else {
            throw RunnerError("\(gitPath): cannot read the git metadata (\(String(cString: strerror(errno))))")
        }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            // A `.git` file (a worktree or submodule pointer) or a link: the pointer itself is the metadata.
            entries["."] = describe(path: gitPath, info: info)
            return GitMetadataSnapshot(entries: entries)
        }
        try walk(root: gitPath, relative: "", into: &entries)
        for redirect in objectRedirects {
            var redirectInfo = stat()
            if lstat(gitPath + "/" + redirect, &redirectInfo) == 0 {
                entries[redirect] = describe(path: gitPath + "/" + redirect, info: redirectInfo)
            }
        }
        return GitMetadataSnapshot(entries: entries)
    }

    private static func walk(root: String, relative: String, into entries: inout [String: String]) throws(RunnerError) {
        let folder = relative.isEmpty ? root : root + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw RunnerError("\(folder): cannot list the git metadata")
        }
        for name in names.sorted() {
            if relative.isEmpty && history.contains(name) { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else { continue }
            entries[path] = describe(path: root + "/" + path, info: info)
            guard entries.count <= entryLimit else {
                throw RunnerError("\(root): more than \(entryLimit) files of git metadata")
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                try walk(root: root, relative: path, into: &entries)
            }
        }
    }

    private static func describe(path: String, info: stat) -> String {
        let mode = String(info.st_mode & 0o7777, radix: 8)
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard Int(info.st_size) <= hashLimit else { return "file \(mode) size \(info.st_size)" }
            guard let data = FileManager.default.contents(atPath: path) else { return "file \(mode) unreadable" }
            return "file \(mode) " + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        case S_IFLNK:
            return "link " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
        case S_IFDIR:
            return "dir \(mode)"
        default:
            return "other \(mode)"
        }
    }

    /// What differs from `earlier`, one line per path: added, removed or changed.
    func changes(since earlier: GitMetadataSnapshot) -> [String] {
        var lines: [String] = []
        for path in Set(entries.keys).union(earlier.entries.keys).sorted() {
            let name = path == "." ? ".git" : ".git/" + path
            switch (earlier.entries[path], entries[path]) {
            case (nil, _?): lines.append("\(name) was added")
            case (_?, nil): lines.append("\(name) was removed")
            case let (before?, after?) where before != after: lines.append("\(name) was changed")
            default: break
            }
        }
        return lines
    }

    /// A digest of the whole snapshot, for the hand-off manifest.
    var digest: String {
        let text = entries.keys.sorted().map { "\($0)\t\(entries[$0] ?? "")\n" }.joined()
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
