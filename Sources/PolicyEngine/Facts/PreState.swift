/// What `pre` records for `post`: where the agent started and what the git metadata looked like, so
/// `post` can diff from the right commit and notice `.git/config` or hook changes made during the run.
public struct PreState: Sendable, Codable, Equatable {
    /// The format version.
    public var version = 1
    /// The commit the agent started from.
    var baseline: String
    /// SHA-256 of `.git/config`.
    var gitConfigSHA256: String?
    /// SHA-256 of each file under `.git/hooks`, by name.
    @_spi(Fuzzing) public var hooks: [String: String]
    /// The policy that decided `pre`.
    var policySource: String
    /// Its digest.
    var policySHA256: String
    /// The tools the agent was granted (`--allowedTools`), as written.
    var grants: [String]
    /// The permission mode it was started in.
    var permissionMode: String?
    /// The CI job `pre` ran in. Git metadata is compared only within the same job: a later job gets a
    /// fresh checkout whose `.git/config` the runner writes anew.
    var jobID: String?
    /// The repository's CI files the agent's job was read from (`--ci-config` and its local includes,
    /// taken or not, and where symbolic links among them lead): `post` protects them like `.gitlab-ci.yml`.
    var ciFiles: [String]?
    /// The local wildcard includes, as written: a file the change adds that they match is protected too.
    var ciFilePatterns: [String]?

    /// Creates a state.
    public init(baseline: String, gitConfigSHA256: String?, hooks: [String: String], policySource: String,
                policySHA256: String, grants: [String], permissionMode: String?, jobID: String? = nil,
                ciFiles: [String]? = nil, ciFilePatterns: [String]? = nil) {
        self.ciFiles = ciFiles
        self.ciFilePatterns = ciFilePatterns
        self.baseline = baseline
        self.gitConfigSHA256 = gitConfigSHA256
        self.hooks = hooks
        self.policySource = policySource
        self.policySHA256 = policySHA256
        self.grants = grants
        self.permissionMode = permissionMode
        self.jobID = jobID
    }

    enum CodingKeys: String, CodingKey {
        case version, baseline
        case gitConfigSHA256 = "git_config_sha256"
        case hooks
        case policySource = "policy_source"
        case policySHA256 = "policy_sha256"
        case grants
        case permissionMode = "permission_mode"
        case jobID = "job_id"
        case ciFiles = "ci_files"
        case ciFilePatterns = "ci_file_patterns"
    }
}
