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
    @_spi(Fuzzing) public var invocation: AgentInvocation?
    /// Where the invocation came from, for locations (`--claude-args`, `.gitlab-ci.yml:14`).
    var invocationSource: String?
    /// The agent's CI job, when the invocation came from a CI file.
    public var ciJob: CIJobFacts?
    /// `.claude/settings.json`, `.claude/settings.local.json` and `.mcp.json` as found in the repository.
    var repositorySettings: [ClaudeSettings]
    /// Secrets found in the agent's arguments and CI configuration (already redacted).
    var configurationSecrets: [SecretFinding]
    /// The change under review (post stage).
    var changeSet: ChangeSet?
    /// Secrets in the change's added lines (post stage, already redacted).
    var changeSecrets: [SecretFinding]
    /// The agent's transcript (post stage), when one was given.
    public var transcript: Transcript?
    /// Secrets found in the transcript's tool inputs and results (already redacted).
    var transcriptSecrets: [SecretFinding]
    /// What `pre` recorded, when its state file was found.
    public var preState: PreState?
    /// Digests of `.git/config` and `.git/hooks` now.
    var gitMetadata: GitMetadata?
    /// The root (absolute) of the checkout the agent worked in, for path checks of the transcript: the
    /// repository root, or the agent job's own checkout when it ran in another job (see
    /// `PostStageCollector.agentWorkspaceRoot`).
    var workspaceRoot: String?
    /// The home folder of the job, for `~` in paths.
    var home: String?
    /// The agent's exit status, when the gate ran it (`run`).
    public var agentExitStatus: Int32?
    /// What changed in the `.git` metadata during the agent's run (one line per path), when the gate
    /// ran the agent and took snapshots before and after it.
    var gitMetadataChanges: [String]?
    /// Processes of the agent still running after it exited, when the gate ran it as its own user.
    var lingeringProcesses: Int?
    /// Pre stage: `@` imports of the agent's memory files that reach outside the checkout or into secrets.
    var memoryImports: [MemoryImport] = []
    /// Pre stage: the subagents the checkout (or the job's scripts) define.
    var subagents: [SubagentDefinition] = []
    /// Paths named by the transcript's file tools, as resolved lexically under `workspaceRoot`,
    /// mapped to where they lead on disk at post time (symbolic links followed); an empty string
    /// when resolving looped. Filled by the post collector; rules stay pure.
    var onDiskPaths: [String: String] = [:]
    /// The package the agent is installed from (`AgentAdapter.packageID`), for the pinning check.
    var agentPackage = ClaudeArgumentParser.packageName
    /// Pre: whether the agent will run with the gate's live PreToolUse hook (started by `run`/`agent` as
    /// root); `nil` when not known.
    var liveHook: Bool?

    /// Creates facts.
    public init(stage: Stage, ci: CIContext = CIContext(), invocation: AgentInvocation? = nil, invocationSource: String? = nil,
                ciJob: CIJobFacts? = nil, repositorySettings: [ClaudeSettings] = [], configurationSecrets: [SecretFinding] = [],
                changeSet: ChangeSet? = nil, changeSecrets: [SecretFinding] = [], transcript: Transcript? = nil,
                transcriptSecrets: [SecretFinding] = [], preState: PreState? = nil, gitMetadata: GitMetadata? = nil,
                workspaceRoot: String? = nil, home: String? = nil, agentExitStatus: Int32? = nil,
                gitMetadataChanges: [String]? = nil, lingeringProcesses: Int? = nil) {
        self.stage = stage
        self.ci = ci
        self.invocation = invocation
        self.invocationSource = invocationSource
        self.ciJob = ciJob
        self.repositorySettings = repositorySettings
        self.configurationSecrets = configurationSecrets
        self.changeSet = changeSet
        self.changeSecrets = changeSecrets
        self.transcript = transcript
        self.transcriptSecrets = transcriptSecrets
        self.preState = preState
        self.gitMetadata = gitMetadata
        self.workspaceRoot = workspaceRoot
        self.home = home
        self.agentExitStatus = agentExitStatus
        self.gitMetadataChanges = gitMetadataChanges
        self.lingeringProcesses = lingeringProcesses
    }
}
