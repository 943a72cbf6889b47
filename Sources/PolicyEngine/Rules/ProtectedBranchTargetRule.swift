/// Pre and post stages. The agent works directly on a protected branch: a push, web, schedule or API
/// pipeline (not a merge request) on a branch that GitLab reports protected or that matches
/// `branches.protected` (GitLab's wildcard semantics). An MR *targeting* a protected branch is the
/// normal flow and passes. Reads `Facts.ci`.
enum ProtectedBranchTargetRule: PolicyRule {
    static let description = RuleDescription(
        id: "branch.protected-target",
        title: "The agent works on, or commits to, a protected branch",
        rationale: """
        Protected branches are where reviewed code lands. An agent running in a push pipeline on main \
        commits without any merge request, review or approval.
        """,
        stages: [.pre, .post], defaultAction: .block,
        examples: [
            RuleExample("a merge request targeting main", violations: 0) {
                try .pre("-p task", environment: ["CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
                                                  "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_COMMIT_REF_NAME": "feature"])
            },
            RuleExample("a push pipeline on main", violations: 1) {
                try .pre("-p task", environment: ["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"])
            },
            RuleExample("a web pipeline on a release branch", violations: 1) {
                try .pre("-p task", environment: ["CI_PIPELINE_SOURCE": "web", "CI_COMMIT_BRANCH": "release/2.1"])
            },
            RuleExample("GitLab says the ref is protected", violations: 1) {
                try .pre("-p task", environment: ["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "stable",
                                                  "CI_COMMIT_REF_PROTECTED": "true"])
            },
            RuleExample("a feature branch", violations: 0) {
                try .pre("-p task", environment: ["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "agent/issue-42"])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let branch = facts.ci.workingBranch else { return [] }
        let pattern = policy.protectedBranches.first { $0.matches(branch) }
        guard pattern != nil || facts.ci.refIsProtected else { return [] }
        let why = pattern.map { "matches branches.protected '\($0.pattern)'" } ?? "GitLab reports the ref protected"
        let source = facts.ci.pipelineSource ?? "non-merge-request"
        return [Violation("the agent runs in a \(source) pipeline on protected branch '\(branch)' (\(why)); work on a branch and open a merge request")]
    }
}
