/// The gate's version and the versions of the C libraries it runs on.
public enum PolicyGateVersion {
    /// The gate's own version.
    static let current = "0.1.0"

    /// `policy-gate 0.1.0 (libgit2 1.5.1, PCRE2 10.42 …)`.
    public static var full: String {
        "policy-gate \(current) (libgit2 \(GitRepository.libraryVersion), PCRE2 \(PCRE2Pattern.libraryVersion))"
    }
}
