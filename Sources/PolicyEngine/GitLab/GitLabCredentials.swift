import Foundation

/// Which token the annotation may use, read from the job's environment.
///
/// GitLab's `CI_JOB_TOKEN` cannot call the notes, discussions, merge-request or commit-status
/// endpoints, so it is never used: an access token with `api` scope comes from a masked variable.
public enum GitLabCredentials: Sendable {
    /// A token, and the variable it came from.
    case token(GitLabToken, variable: String)
    /// No usable token: why, in one line.
    case unavailable(reason: String)

    /// The variables searched, in order.
    static let variables = ["POLICY_GATE_GITLAB_TOKEN", "GITLAB_TOKEN"]

    /// Reads the token from `POLICY_GATE_GITLAB_TOKEN`, else `GITLAB_TOKEN`.
    /// - Parameter environment: the job's environment.
    /// - Returns: the token, or why there is none (never the value of any variable).
    public init(environment: [String: String]) {
        for variable in Self.variables {
            guard let text = environment[variable], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                continue
            }
            guard let token = GitLabToken(text) else {
                self = .unavailable(reason: "\(variable) is set but is not a usable token (it contains spaces or control characters)")
                return
            }
            self = .token(token, variable: variable)
            return
        }
        if let jobToken = environment["CI_JOB_TOKEN"], !jobToken.isEmpty {
            self = .unavailable(reason: "only CI_JOB_TOKEN is set, and GitLab does not let it write notes, labels or "
                + "commit statuses; set POLICY_GATE_GITLAB_TOKEN (a masked project access token with api scope)")
        } else {
            self = .unavailable(reason: "no GitLab token: set POLICY_GATE_GITLAB_TOKEN (a masked project access token "
                + "with api scope) or GITLAB_TOKEN")
        }
    }
}
