import ArgumentParser
import PolicyEngine

/// `--policy` / `--policy-ref`: where the policy comes from.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "Policy file (default: .policy-gate.yml at the repository root, else the built-in policy).")
    var policy: String?

    @Option(name: .long, help: "Read .policy-gate.yml from this commit (e.g. the MR's target branch) instead of the working tree.")
    var policyRef: String?

    func validate() throws {
        if policy != nil && policyRef != nil {
            throw ValidationError("use either --policy or --policy-ref, not both")
        }
    }

    /// The source the flags name, if any.
    func explicitSource(repository: String) -> PolicySource? {
        if let policy { return .file(policy) }
        if let policyRef { return .reference(repository: repository, revision: policyRef) }
        return nil
    }

    func source(repository: String) -> PolicySource {
        if let policy { return .file(policy) }
        if let policyRef { return .reference(repository: repository, revision: policyRef) }
        return .automatic(repository: repository)
    }
}
