/// Everything the rules look at, gathered once by the collectors. Rules are pure functions of these
/// values and the policy: they do no I/O and read no environment.
public struct Facts: Sendable {
    /// Which stage is deciding.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        case pre
        case post
    }

    /// The stage.
    public var stage: Stage
    /// The pipeline's context.
    public var ci: CIContext
    /// The agent invocation (pre stage), parsed from its argv.
    public var invocation: AgentInvocation?
    /// Where the invocation came from, for locations (`--claude-args`, `.gitlab-ci.yml:14`).
    public var invocationSource: String?
    /// The agent's CI job, when the invocation came from a CI file.
    public var ciJob: CIJobFacts?
    /// `.claude/settings.json`, `.claude/settings.local.json` and `.mcp.json` as found in the repository.
    public var repositorySettings: [ClaudeSettings]
    /// Secrets found in the agent's arguments and CI configuration (already redacted).
    public var configurationSecrets: [SecretFinding]
    /// The change under review (post stage).
    public var changeSet: ChangeSet?
    /// Secrets in the change's added lines (post stage, already redacted).
    public var changeSecrets: [SecretFinding]

    /// Creates facts.
    public init(stage: Stage, ci: CIContext = CIContext(), invocation: AgentInvocation? = nil, invocationSource: String? = nil,
                ciJob: CIJobFacts? = nil, repositorySettings: [ClaudeSettings] = [], configurationSecrets: [SecretFinding] = [],
                changeSet: ChangeSet? = nil, changeSecrets: [SecretFinding] = []) {
        self.stage = stage
        self.ci = ci
        self.invocation = invocation
        self.invocationSource = invocationSource
        self.ciJob = ciJob
        self.repositorySettings = repositorySettings
        self.configurationSecrets = configurationSecrets
        self.changeSet = changeSet
        self.changeSecrets = changeSecrets
    }
}
