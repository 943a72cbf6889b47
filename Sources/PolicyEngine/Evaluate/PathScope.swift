import Foundation

/// Lexical path arithmetic for scope checks: no filesystem access, so symlinks are not
/// followed (the diff-side `workspace.symlink-escape` rule covers those).
enum PathScope {
    /// Resolves `path` against `cwd` and normalises it lexically.
    ///
    /// `.` and empty segments are dropped, `..` removes the previous segment (never above `/`),
    /// `~` and `$HOME`/`${HOME}` expand to `home` when it is given. A path that cannot be made
    /// absolute (`~` without `home`, `~user`, a leading `$VAR`) comes back normalised but not
    /// absolute, so `isInside` is `false` for it (fail closed).
    /// - Parameters:
    ///   - path: the path as written (absolute, relative, or `~`-based).
    ///   - cwd: the absolute directory relative paths start from.
    ///   - home: the home directory, when known.
    /// - Returns: the normalised path.
    static func resolve(_ path: String, cwd: String, home: String? = nil) -> String {
        if path.isEmpty { return normalize(cwd) }
        if let rest = homeRelativeRest(of: path) {
            if let home { return normalize(home + "/" + rest) }
            return "~" + normalize("/" + rest)
        }
        if path.hasPrefix("~") || path.hasPrefix("$") {
            return path
        }
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(cwd + "/" + path)
    }

    /// Whether `path` is `root` or lies below it, compared lexically.
    ///
    /// Both are normalised first. A relative or `~`-based `path` is never inside (resolve it first).
    /// - Parameters:
    ///   - path: an absolute path.
    ///   - root: an absolute directory.
    /// - Returns: `true` when `path` equals `root` or starts with `root/`.
    static func isInside(_ path: String, root: String) -> Bool {
        let candidate = normalize(path)
        let base = normalize(root)
        guard candidate.hasPrefix("/"), base.hasPrefix("/") else { return false }
        if base == "/" { return true }
        return candidate == base || candidate.hasPrefix(base + "/")
    }

    /// Normalises `.`, `..` and repeated slashes; keeps a relative path relative.
    /// - Parameter path: any path.
    /// - Returns: the normalised path (`/` for the root, `.` for an empty relative path).
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(segment)
                }
            default:
                parts.append(segment)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The part after `~/`, `$HOME/` or `${HOME}/` (empty for the bare forms), else `nil`.
    static func homeRelativeRest(of path: String) -> String? {
        for prefix in ["~", "$HOME", "${HOME}"] {
            if path == prefix { return "" }
            if path.hasPrefix(prefix + "/") { return String(path.dropFirst(prefix.count + 1)) }
        }
        return nil
    }

    /// Why writing `resolved` (an absolute path inside `root`) is forbidden under every tool: it is
    /// in a `.git` folder (hooks, attributes, `commondir` run or redirect code) or one of the gate's
    /// own files. `nil` otherwise.
    static func forbiddenWriteReason(_ resolved: String, root: String) -> String? {
        let base = normalize(root)
        guard isInside(resolved, root: base) else { return nil }
        let inside = normalize(resolved).dropFirst(base == "/" ? 1 : base.count + 1)
        let parts = inside.split(separator: "/")
        if parts.contains(".git") { return "\(resolved) is inside the repository's .git folder" }
        if let top = parts.first, top == ".policy-gate" || top == ".policy-gate.yml" || top == ".policy-gate-ignore" {
            return "\(resolved) is one of the gate's own files"
        }
        return nil
    }

    /// The most symbolic links followed when resolving one path on disk (as the kernel's 40).
    static let maxSymlinkHops = 40

    /// Resolves `path` (absolute) on disk, link by link as the kernel does: each component that is
    /// a symbolic link is replaced by its target and `..` applies to the resolved directory, so two
    /// links that each look inside can together lead out. Components that do not exist are kept
    /// as written. `nil` after ``maxSymlinkHops`` links (a loop).
    static func resolveOnDisk(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var pending = path.split(separator: "/").map(String.init).reversed() as [String]
        var resolved: [String] = []
        var hops = 0
        while let part = pending.popLast() {
            if part.isEmpty || part == "." { continue }
            if part == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = "/" + (resolved + [part]).joined(separator: "/")
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) else {
                resolved.append(part)
                continue
            }
            hops += 1
            guard hops <= maxSymlinkHops else { return nil }
            if target.hasPrefix("/") { resolved = [] }
            pending += target.split(separator: "/").map(String.init).reversed()
        }
        return "/" + resolved.joined(separator: "/")
    }
}
