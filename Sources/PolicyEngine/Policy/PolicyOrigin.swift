/// Where a policy was read from. Trust decisions switch on this, never on the text of a path: a policy
/// read from a commit takes its rule and ignore files from that same commit.
public enum PolicyOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The default policy embedded in the binary (`rules/policy.yml`).
    case builtIn
    /// A file on disk (`--policy PATH`, or `.policy-gate.yml` in the checkout).
    case file(path: String)
    /// A file as committed at a revision (`--policy-ref REF`), read through libgit2.
    case commit(revision: String, path: String)

    /// `built-in`, the path, or `REV:path`: the form reports and messages show.
    public var description: String {
        switch self {
        case .builtIn: return PolicyLoader.builtInName
        case .file(let path): return path
        case .commit(let revision, let path): return "\(revision):\(path)"
        }
    }
}
