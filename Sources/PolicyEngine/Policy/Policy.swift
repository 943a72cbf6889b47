/// The policy a change is held against, with every pattern compiled. Built by `PolicyLoader`.
public struct Policy: Sendable {
    /// `agent:` — what the agent may be granted.
    public struct Agent: Sendable {
        /// Permission modes the agent may run in.
        public var permissionModes: [PermissionMode]
        /// A granted tool must be covered by one of these.
        public var allow: [PermissionRule]
        /// A granted tool must meet none of these.
        public var deny: [PermissionRule]
        /// `required`: the agent runs as a user of its own (the gate must be root); `none`: it may run as
        /// the gate's user, and the record says it was not isolated.
        var isolationRequired: Bool
        /// The agent's user (`NAME`, `UID` or `UID:GID`), when not the default 65532:65532.
        public var user: String?
        /// Variables of the job the agent receives besides the built-in allow-list (its API key).
        public var environment: [String]
        /// Whether `post` insists on a hand-off manifest authenticated with `POLICY_GATE_HANDOFF_KEY`.
        var handoffAuthentication: Bool
        /// `required`: a run without the gate's live PreToolUse hook blocks (`agent.live-enforcement`);
        /// `preferred`: it warns.
        var liveEnforcementRequired: Bool
        /// `agent.extra_options`: claude options accepted although the gate does not judge them (they pass
        /// `ci.widening-option`), and options the pinned CLI lacks, with the arity to read them by.
        var extraOptions: [String: ClaudeArgumentParser.Arity] = [:]
    }

    /// `workspace:` — what the change may touch.
    public struct Workspace: Sendable {
        /// Paths the agent may change.
        public var writable: WorkspaceGlobList
        /// Paths the agent must not change.
        public var protected: WorkspaceGlobList
        /// Most files one change may touch before `diff.too-large`.
        public var maxChangedFiles: Int
        /// Most added plus removed lines before `diff.too-large`.
        public var maxChangedLines: Int
    }

    /// `secrets:` — where the secret rules and accepted fingerprints come from.
    public struct Secrets: Sendable {
        /// `built-in` (`builtInRules`), or a gitleaks TOML path relative to the policy file.
        public var rules: String
        /// The `rules` value that names the embedded rule set.
        static let builtInRules = "built-in"
        /// A fingerprint file relative to the policy file, if any.
        public var ignore: String?
        /// Whether inline allow markers on lines the change adds suppress findings.
        public var honourInlineAllow: Bool
    }

    /// `transcript:` — what the agent's recorded actions may do.
    public struct Transcript: Sendable {
        /// Hosts that Bash network commands may reach (besides localhost).
        public var allowedHosts: [String]
    }

    /// Where the policy came from.
    var origin: PolicyOrigin
    /// `origin` as reports show it: `built-in`, a path, or `REV:path`.
    public var source: String { origin.description }
    /// SHA-256 of the policy text, for the audit record.
    public var sha256: String
    /// The schema version (1).
    public var version: Int
    /// Agent grants.
    public var agent: Agent
    /// Workspace limits.
    public var workspace: Workspace
    /// Protected branch patterns (GitLab semantics).
    public var protectedBranches: [ProtectedBranchPattern]
    /// Secret scanning settings.
    public var secrets: Secrets
    /// Transcript audit settings.
    public var transcript: Transcript
    /// Per-rule action overrides.
    public var ruleActions: [String: RuleAction]
}
