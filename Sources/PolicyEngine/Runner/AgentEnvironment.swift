/// The agent's environment: an allow-list, never the job's whole environment.
///
/// A GitLab job's environment holds `CI_JOB_TOKEN`, the project's masked variables and the gate's own
/// key. The agent gets only what claude needs to run, the pipeline context that is not secret, and
/// the variables the policy names (`agent.environment`), such as its API key.
struct AgentEnvironment: Sendable, Equatable {
    /// The variables the agent starts with.
    var variables: [String: String]
    /// Their names, sorted, for the audit record (never the values).
    var names: [String] { variables.keys.sorted() }

    /// What every agent gets from the job when set: the search path, locale and terminal.
    static let runtime = ["PATH", "LANG", "LANGUAGE", "TZ", "TERM", "NO_COLOR", "SHELL"]

    /// GitLab's predefined variables that describe the pipeline and hold no credential.
    static let pipelineContext = [
        "CI", "GITLAB_CI", "CI_PROJECT_DIR", "CI_PROJECT_ID", "CI_PROJECT_NAME", "CI_PROJECT_NAMESPACE",
        "CI_PROJECT_PATH", "CI_PROJECT_URL", "CI_PIPELINE_ID", "CI_PIPELINE_SOURCE", "CI_JOB_ID", "CI_JOB_NAME",
        "CI_COMMIT_SHA", "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_DEFAULT_BRANCH", "CI_MERGE_REQUEST_IID",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_SERVER_URL",
        "CI_SERVER_HOST", "CI_API_V4_URL", "AI_FLOW_INPUT", "AI_FLOW_CONTEXT", "AI_FLOW_EVENT",
    ]

    /// The prefix of the gate's own variables (its hand-off key, its GitLab token, its signing key):
    /// they never reach the agent, whatever the policy says.
    static let gatePrefix = "POLICY_GATE_"

    /// Builds the agent's environment.
    /// - Parameters:
    ///   - job: the gate's own environment.
    ///   - allowed: the names the policy lets through besides the built-in lists.
    ///   - home: the agent's fresh home folder.
    ///   - temporary: the agent's fresh temporary folder.
    /// - Throws: `RunnerError` when the policy names one of the gate's own variables.
    static func make(job: [String: String], allowed: [String], home: String, temporary: String)
        throws(RunnerError) -> AgentEnvironment {
        if let own = allowed.first(where: { $0.hasPrefix(gatePrefix) }) {
            throw RunnerError("agent.environment names \(own): the gate's own variables never reach the agent")
        }
        var variables: [String: String] = [:]
        for name in runtime + pipelineContext + allowed {
            if let value = job[name] { variables[name] = value }
        }
        for (name, value) in job where name.hasPrefix("LC_") {
            variables[name] = value
        }
        variables["PATH"] = variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        variables["HOME"] = home
        variables["TMPDIR"] = temporary
        variables["USER"] = "agent"
        variables["LOGNAME"] = "agent"
        return AgentEnvironment(variables: variables)
    }
}
