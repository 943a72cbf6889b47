import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Changes the owner of a folder tree without following links, walking it by descriptor (`openat`,
/// `fstatat`, `fchownat`) so each entry costs one lookup in its own folder, not a walk of its path.
enum OwnershipWalk {
    /// Gives `root` and everything below it to `uid:gid`, except regular files for which `keep`
    /// (given the path relative to `root`) is true. Entries that vanish meanwhile are skipped.
    static func give(_ root: String, uid: UInt32, gid: UInt32, keep: (String) -> Bool) {
        let descriptor = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fchown(descriptor, uid, gid)
        walk(descriptor, relative: "", uid: uid, gid: gid, keep: keep)
    }

    /// Walks the open folder `descriptor` (and closes it).
    private static func walk(_ descriptor: Int32, relative: String, uid: UInt32, gid: UInt32, keep: (String) -> Bool) {
        guard let folder = fdopendir(descriptor) else {
            close(descriptor)
            return
        }
        defer { closedir(folder) }
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            if (isFolder || !keep(path)) && (info.st_uid != uid || info.st_gid != gid) {
                _ = fchownat(descriptor, name, uid, gid, AT_SYMLINK_NOFOLLOW)
            }
            if isFolder {
                let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { walk(child, relative: path, uid: uid, gid: gid, keep: keep) }
            }
        }
    }
}
