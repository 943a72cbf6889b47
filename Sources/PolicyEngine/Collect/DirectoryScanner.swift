import Foundation

/// Walks a folder and cuts its text files into fragments for the secret scanner (`scan --dir`).
///
/// `.git` folders and paths matched by the rule set's global path allowlists are pruned; binary files
/// (a NUL byte in the first 8 KiB) are skipped; symbolic links are not followed. Files of any size are
/// read as a stream, so memory stays flat; a file that cannot be read is an error, not a skip.
struct DirectoryScanner {
    /// Files that were not scanned, with the reason.
    private(set) var skipped: [(path: String, reason: String)] = []

    /// A folder or file under it could not be read.
    struct ReadError: Error, Sendable, CustomStringConvertible {
        /// What could not be read and why.
        var description: String
    }

    /// Creates a walker.
    init() {}

    /// Walks `root` and sends every chunk of every text file to `onFragment`.
    /// - Parameters:
    ///   - root: the folder.
    ///   - ruleSet: its global allowlists prune the walk; `excluding` lists paths never scanned (the rule file itself).
    /// - Throws: when the folder cannot be read.
    mutating func walk(root: String, ruleSet: SecretRuleSet, excluding: Set<String> = [],
                              onFragment: @escaping (ScanFragment) throws -> Void) throws {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootURL.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReadError(description: "\(root): no such folder (or a symbolic link that leads nowhere)")
        }
        let pathAllowlists = ruleSet.globalAllowlists.filter { $0.condition == .or && $0.targetRules.isEmpty && !$0.paths.isEmpty }
        var stack = [""]
        while let relative = stack.popLast() {
            let folder = relative.isEmpty ? rootURL.path : rootURL.path + "/" + relative
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            for name in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                let full = folder + "/" + name
                if name == ".git" || excluding.contains(full) { continue }
                if try pathAllowlists.contains(where: { try $0.allowsFragment(path: path, commit: nil) }) { continue }
                let attributes = try FileManager.default.attributesOfItem(atPath: full)
                let type = attributes[.type] as? FileAttributeType
                if type == .typeDirectory {
                    stack.append(path)
                } else if type == .typeRegular {
                    try scanFile(full, path: path, onFragment: onFragment)
                }
            }
        }
    }

    private mutating func scanFile(_ full: String, path: String, onFragment: @escaping (ScanFragment) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: full) else {
            // A file the gate cannot read is a file it cannot vouch for.
            throw ReadError(description: "\(path): cannot open the file for reading")
        }
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 8192) ?? Data()
        if head.contains(0) {
            skipped.append((path, "binary"))
            return
        }
        try handle.seek(toOffset: 0)
        let collector = ChangeCollector(commit: nil, onFragment: onFragment)
        try collector.beginFile(ChangedFile(path: path, status: .added))
        try LineReader(handle: handle).forEachLine { bytes, number in
            var line = bytes
            if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            try collector.addedLine(line, lineNumber: number)
        }
        try collector.endFile(isBinary: false)
    }
}
