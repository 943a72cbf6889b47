import Foundation

/// Where the gate takes its policy from, most trusted first: an explicit file, a file read from a
/// commit through libgit2 (the MR's target branch), the repository's `.policy-gate.yml`, or the
/// built-in default.
public enum PolicySource: Sendable {
    /// `--policy PATH`.
    case file(String)
    /// `--policy-ref REF`: `.policy-gate.yml` as committed at REF.
    case reference(repository: String, revision: String)
    /// No option: `.policy-gate.yml` at the repository root when present, else the built-in policy.
    case automatic(repository: String)

    /// The file name looked for in the repository.
    static let fileName = ".policy-gate.yml"

    /// Loads the policy.
    /// - Throws: `PolicyError` (one line: file, line, reason).
    public func load() throws(PolicyError) -> Policy {
        switch self {
        case .file(let path):
            return try PolicyLoader.load(path: path)
        case .reference(let repository, let revision):
            let git: GitRepository
            do {
                git = try GitRepository(path: repository)
                _ = try git.resolveCommit(revision)
            } catch {
                throw PolicyError(file: "\(revision):\(PolicySource.fileName)", line: nil, reason: "cannot read: \(error.description)")
            }
            // When the target branch has no policy file, the built-in default applies, as it would there.
            // Any other failure (a damaged object) is an error: falling back would swap the policy.
            let bytes: [UInt8]
            do {
                bytes = try git.fileContents(at: revision, path: PolicySource.fileName)
            } catch where error.function == "git_tree_entry_bypath" && error.code == -3 {
                return try PolicyLoader.builtIn()
            } catch {
                throw PolicyError(file: "\(revision):\(PolicySource.fileName)", line: nil, reason: "cannot read: \(error.description)")
            }
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw PolicyError(file: "\(revision):\(PolicySource.fileName)", line: nil, reason: "the file is not valid UTF-8")
            }
            return try PolicyLoader.load(text: text, origin: .commit(revision: revision, path: PolicySource.fileName))
        case .automatic(let repository):
            let path = repository + "/" + PolicySource.fileName
            if FileManager.default.fileExists(atPath: path) {
                return try PolicyLoader.load(path: path)
            }
            return try PolicyLoader.builtIn()
        }
    }

    /// The secret rules the policy names (`built-in`, or a path relative to the policy file). A policy read
    /// from a commit (`REV:.policy-gate.yml`) takes its rule file from the same commit, so the change under
    /// review cannot replace them.
    public static func secretRules(for policy: Policy, repository: String? = nil) throws(SecretRulesError) -> SecretRuleSet {
        guard policy.secrets.rules != Policy.Secrets.builtInRules else { return try SecretRulesLoader.builtIn() }
        let path = policy.secrets.rules
        switch policy.origin {
        case .commit(let revision, _):
            guard let repository, let git = try? GitRepository(path: repository), let bytes = try? git.fileContents(at: revision, path: path),
                  let text = String(bytes: bytes, encoding: .utf8) else {
                throw SecretRulesError(file: "\(revision):\(path)", line: nil, reason: "cannot read the rule file at that commit")
            }
            return try SecretRulesLoader.load(text: text, source: "\(revision):\(path)", directory: nil)
        case .file(let policyPath):
            return try SecretRulesLoader.load(path: relative(path, to: policyPath))
        case .builtIn:
            return try SecretRulesLoader.load(path: path)
        }
    }

    /// The accepted fingerprints the policy names, if any, read from the same trusted place as the policy
    /// (the same commit for a policy read from a commit). A missing ignore file accepts nothing.
    static func ignoredFingerprints(for policy: Policy, repository: String? = nil) throws(SecretRulesError) -> Set<String> {
        guard let ignore = policy.secrets.ignore else { return [] }
        switch policy.origin {
        case .builtIn:
            return []
        case .commit(let revision, _):
            guard let repository, let git = try? GitRepository(path: repository),
                  let bytes = try? git.fileContents(at: revision, path: ignore) else { return [] }
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw SecretRulesError(file: "\(revision):\(ignore)", line: nil, reason: "the ignore file is not valid UTF-8")
            }
            return IgnoreFile.parse(text)
        case .file(let policyPath):
            let path = relative(ignore, to: policyPath)
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            return try IgnoreFile.load(path: path)
        }
    }

    private static func relative(_ path: String, to policyFile: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: policyFile).deletingLastPathComponent().appendingPathComponent(path).path
    }
}
