/// The files `policy-gate init` writes into a repository: a commented starter policy, a CI include of
/// the GitLab component, and the agent's instructions. Their texts are embedded from `init/` and
/// `CLAUDE.md.example` by `scripts/embed-defaults.sh`.
public enum StarterFiles {
    /// One file to write.
    public struct File: Sendable, Equatable {
        /// Path relative to the repository root.
        public var path: String
        /// The contents, ending with a newline.
        public var text: String
        /// What the file is for, in a few words.
        public var purpose: String
    }

    /// The starter policy, written to `.policy-gate.yml`.
    public static let policy = File(
        path: PolicySource.fileName, text: EmbeddedDefaults.starterPolicyYAML + "\n",
        purpose: "the policy; commit it to the target branch, where the gate reads it")

    /// The CI include of the policy-gate component.
    static let ciInclude = File(
        path: ".gitlab/policy-gate.gitlab-ci.yml", text: EmbeddedDefaults.starterCIIncludeYAML + "\n",
        purpose: "the CI include; include it from .gitlab-ci.yml")

    /// What the agent is told about the gate.
    static let claudeInstructions = File(
        path: "CLAUDE.md", text: EmbeddedDefaults.claudeMarkdown + "\n",
        purpose: "what the agent is told about the gate")

    /// Every file, in the order `init` writes them.
    public static let all: [File] = [policy, ciInclude, claudeInstructions]
}
