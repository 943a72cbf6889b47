import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The gate's own folder for one run: created fresh, owned by the gate's user, mode 0700, outside the
/// checkout. The agent's user cannot list, read or write it.
final class PrivateFolder: @unchecked Sendable {
    /// Its absolute path.
    let path: String

    /// Creates a new folder under `parent` (default: `$TMPDIR` or `/tmp`).
    /// - Throws: `RunnerError` when it cannot be created.
    init(under parent: String? = nil) throws(RunnerError) {
        let base = parent ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/policy-gate.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RunnerError("\(base): cannot create the gate's private folder (\(String(cString: strerror(errno))))")
        }
        path = String(cString: made)
        chmod(path, 0o700)
    }

    /// Removes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
