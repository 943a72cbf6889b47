import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the gate's files into a checkout the agent owned, after every agent process is gone,
/// without following anything the agent may have planted: a link in place of a folder or file on
/// the path is refused, and an existing file is replaced, never written through.
public enum WorkspaceFile {
    /// Writes `data` to `path`. When `path` lies inside `checkout`, every component below `checkout`
    /// must be a real folder (created when missing) and the file is created anew.
    /// - Throws: `RunnerError` naming the path.
    public static func write(_ data: Data, to path: String, checkout: String?) throws(RunnerError) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let folder = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        if let checkout {
            let root = URL(fileURLWithPath: checkout).standardizedFileURL.path
            if absolute.hasPrefix(root + "/") {
                var current = root
                for component in folder.dropFirst(root.count).split(separator: "/") {
                    current += "/" + component
                    var info = stat()
                    if lstat(current, &info) != 0 {
                        guard mkdir(current, 0o755) == 0 else { throw RunnerError("\(current): cannot create the folder") }
                    } else if (info.st_mode & S_IFMT) != S_IFDIR {
                        throw RunnerError("\(current): not a folder (a link or file left in the checkout); refusing to write \(path)")
                    }
                }
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RunnerError("\(folder): cannot create the folder")
        }
        var info = stat()
        if lstat(absolute, &info) == 0 {
            guard (info.st_mode & S_IFMT) != S_IFDIR, unlink(absolute) == 0 else {
                throw RunnerError("\(path): cannot replace what is there")
            }
        }
        let descriptor = open(absolute, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RunnerError("\(path): cannot create the file (\(String(cString: strerror(errno))))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            throw RunnerError("\(path): cannot write the file")
        }
    }
}
