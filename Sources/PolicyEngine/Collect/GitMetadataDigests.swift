import Foundation

/// Digests of the git metadata an agent could tamper with: `.git/config` (remotes, credential helpers,
/// `core.hooksPath`) and every file under `.git/hooks`.
enum GitMetadataDigests {
    /// Reads the digests of a repository.
    /// - Throws: when the repository cannot be opened.
    static func read(repository: String) throws -> (config: String?, hooks: [String: String]) {
        let git = try GitRepository(path: repository)
        let gitDirectory = git.gitDirectory
        let config = FileManager.default.contents(atPath: gitDirectory + "config").map(digest)
        var hooks: [String: String] = [:]
        let hooksDirectory = gitDirectory + "hooks"
        if let enumerator = FileManager.default.enumerator(atPath: hooksDirectory) {
            while let name = enumerator.nextObject() as? String {
                let full = hooksDirectory + "/" + name
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                    hooks[name] = FileManager.default.contents(atPath: full).map(digest) ?? "unreadable"
                }
            }
        }
        return (config, hooks)
    }

    static func digest(_ data: Data) -> String {
        SHA256Hex.of(data)
    }
}
