import Foundation

/// The stages as `run`, `agent` and `post` run them around the agent: what they share, so the
/// executable only parses flags, calls these and writes the reports.
extension Gate {
    /// What `run` and `agent` know before the agent starts. The agent starts only when pre did not block.
    public struct AgentStart: Sendable {
        /// The policy and its secret rules, read before anything of the agent's exists.
        public var trusted: TrustedInputs
        /// Pre on the agent's command line.
        public var pre: PreOutcome
    }

    /// `run` and `agent` before the agent starts: the policy from a trusted place (`agentPolicySource`)
    /// and pre on the agent's command line, with the live hook as the runner will give it.
    /// - Parameters:
    ///   - handingOff: `agent`: refuse to start when the hand-off could not be authenticated.
    ///   - agent: the agent (Claude Code unless told).
    ///   - ciProvider: the CI system (GitLab unless told).
    /// - Throws: a one-line error when the policy, the key or the command line cannot be read.
    public static func startAgent(repository: String, explicitPolicy: PolicySource?, command: [String],
                                  environment: [String: String], handingOff: Bool = false,
                                  agent: any AgentAdapter = ClaudeCode(), ciProvider: any CIProvider = GitLabCI()) throws -> AgentStart {
        let source = try agentPolicySource(explicit: explicitPolicy, repository: repository, environment: environment,
                                           ciProvider: ciProvider)
        let trusted = try TrustedInputs(source: source, repository: repository)
        if handingOff { try Handoff.requireKey(environment: environment, policy: trusted.policy) }
        let pre = try pre(repository: repository, policy: trusted.policy, invocation: .argv(command), environment: environment,
                          liveHook: AgentSession.installsLiveHook, agent: agent, ciProvider: ciProvider)
        return AgentStart(trusted: trusted, pre: pre)
    }

    /// `run` after the agent: its work judged in this process, one report with pre's findings and how the
    /// agent ran, and the bundle and transcript kept in the gate's folder of the checkout.
    /// - Throws: a one-line error when the work cannot be read or kept.
    public static func judgeInProcess(_ work: AgentSession.Work, session: AgentSession, start: AgentStart, checkout: String,
                                      environment: [String: String], gateFolder: String) throws -> GateReport {
        let post = try post(AgentSession.postRequest(for: work, checkout: checkout, environment: environment), trusted: start.trusted)
        var combined = combine(pre: start.pre.report, post: post.report)
        combined.record(work)
        let folder = checkout + "/" + gateFolder
        try WorkspaceFile.write(try session.bundle(work), to: folder + "/" + Handoff.bundleName, checkout: checkout)
        try WorkspaceFile.write(try Data(contentsOf: URL(fileURLWithPath: work.transcriptPath)),
                                to: folder + "/" + Handoff.transcriptName, checkout: checkout)
        return combined
    }

    /// Post as the `post` command runs it: by the policy of `postPolicySource`, and with a hand-off, on
    /// what its verified manifest names (base, head, transcript, how the agent ran).
    /// - Parameter handoff: the hand-off folder, if any.
    /// - Throws: a one-line error when an input cannot be read or the hand-off does not verify.
    public static func post(_ request: PostStageCollector.Request, explicitPolicy: PolicySource?, handoff: String?) throws -> Outcome {
        var request = request
        let source = try postPolicySource(explicit: explicitPolicy, request: request)
        let trusted = try TrustedInputs(source: source, repository: request.repository)
        guard let handoff else { return try post(request, trusted: trusted) }
        let checked = try Handoff.verify(folder: handoff, environment: request.environment, policy: trusted.policy,
                                         expectedBase: request.preState?.baseline)
        if let head = request.head, try GitRepository(path: request.repository).resolveCommit(head) != checked.manifest.head {
            throw PostStageCollector.CollectError(description: "--head \(head) is not the commit the hand-off manifest names")
        }
        request.base = checked.manifest.base
        request.head = checked.manifest.head
        request.transcriptPath = checked.transcriptPath
        request.agentExitStatus = checked.manifest.agentExitStatus
        request.gitMetadataChanges = checked.manifest.metadataChanges
        request.lingeringProcesses = checked.manifest.lingeringProcesses
        var outcome = try post(request, trusted: trusted)
        outcome.report.record(checked)
        return outcome
    }
}

extension PreState {
    /// The state file `pre` wrote, when it exists; a file that exists but cannot be read is an error.
    public static func read(path: String) throws -> PreState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PostStageCollector.CollectError(description: "\(path): cannot read the pre state file")
        }
        do {
            return try JSONDecoder().decode(PreState.self, from: data)
        } catch {
            throw PostStageCollector.CollectError(description: "\(path): the pre state file is not valid (\(error.localizedDescription))")
        }
    }
}

extension GateReport {
    /// Records how the agent ran under `run`: the identities of its work, its isolation and the variables it got.
    mutating func record(_ work: AgentSession.Work) {
        inputs["base"] = work.base
        inputs["head"] = work.head
        inputs["transcript_sha256"] = work.transcriptSHA256
        recordAgent(exitStatus: work.exitStatus, isolation: work.isolation, skipped: work.skipped)
    }

    /// Records the verified hand-off: how the agent ran, and whether the manifest was authenticated.
    mutating func record(_ handoff: Handoff.Verified) {
        let manifest = handoff.manifest
        inputs["handoff_pipeline"] = manifest.pipelineID
        inputs["handoff_job"] = manifest.jobID
        inputs["handoff_authenticated"] = handoff.authenticated ? "yes" : "no"
        if !handoff.authenticated {
            notes.append("The hand-off was not authenticated (agent.handoff_authentication: none): its files could have been replaced between the jobs.")
        }
        recordAgent(exitStatus: manifest.agentExitStatus, isolation: manifest.isolation, skipped: manifest.skipped)
    }

    private mutating func recordAgent(exitStatus: Int32, isolation: AgentIsolation, skipped: [String]) {
        inputs["agent_exit_status"] = String(exitStatus)
        inputs["isolation"] = isolation.mode + (isolation.user.map { " (user \($0))" } ?? "")
        inputs["agent_environment"] = isolation.environment.joined(separator: " ")
        if isolation.mode == "none" {
            notes.append("The agent was not isolated (agent.isolation: none): it ran as the gate's own user, so it could have changed the evidence this verdict rests on.")
        }
        for line in skipped {
            notes.append(SecretRedaction.scrub("Left out of the agent's commit: \(line)"))
        }
    }
}
