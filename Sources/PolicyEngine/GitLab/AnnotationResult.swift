/// What `--annotate` did and what it could not do. It never holds the token or a secret.
public struct AnnotationResult: Sendable, Equatable {
    /// What was done, in a few words each (`note created`, `label policy-gate::blocked`).
    public var actions: [String]
    /// What failed or was skipped, one line each, for standard error and the audit record's `notes`.
    public var problems: [String]

    /// Creates a result.
    /// - Parameters:
    ///   - actions: what was done.
    ///   - problems: what failed.
    public init(actions: [String] = [], problems: [String] = []) {
        self.actions = actions
        self.problems = problems
    }

    /// `annotated !3: note created, label policy-gate::blocked, …`, or `nil` when nothing was done.
    /// - Parameter mergeRequestIID: the MR number, when there is one.
    /// - Returns: one line, or `nil`.
    public func summary(mergeRequestIID: String?) -> String? {
        guard !actions.isEmpty else { return nil }
        let target = mergeRequestIID.map { "merge request !\($0)" } ?? "commit"
        return "annotated \(target): " + actions.joined(separator: ", ")
    }
}
