import Foundation

/// The gate's stages as functions from their inputs to a report, with the trust rules inside them.
/// The executable parses flags, calls these and writes files.
public enum Gate {
    /// A stage's report and when it started (for the report's times).
    public struct Outcome: Sendable {
        /// The report.
        public var report: GateReport
        /// When the stage started.
        public var started: Date
    }

    /// The pre stage's outcome and what it records for post.
    public struct PreOutcome: Sendable {
        /// The report.
        public var report: GateReport
        /// What post needs: baseline, git metadata digests, grants.
        public var state: PreState
        /// When the stage started.
        public var started: Date
    }

    /// Everything a post stage judges by, loaded from a trusted place before the agent could touch it.
    public struct TrustedInputs: Sendable {
        /// The policy.
        public var policy: Policy
        /// Its secret rules and accepted fingerprints.
        public var scanner: SecretScanner

        /// Loads the policy, its secret rules and its ignore file from `source`.
        /// - Throws: `PolicyError` or `SecretRulesError` (one line).
        public init(source: PolicySource, repository: String) throws {
            try self.init(policy: try source.load(), repository: repository)
        }

        /// The secret rules and ignore file of a policy already loaded.
        public init(policy: Policy, repository: String) throws {
            self.policy = policy
            let rules = try PolicySource.secretRules(for: policy, repository: repository)
            let ignored = try PolicySource.ignoredFingerprints(for: policy, repository: repository)
            scanner = SecretScanner(ruleSet: rules, options: .init(honoursInlineAllowMarkers: policy.secrets.honourInlineAllow,
                                                                   ignoredFingerprints: ignored))
        }
    }

    /// Pre: judges the agent's invocation before it starts.
    /// - Throws: a one-line error when the policy or the invocation cannot be read.
    public static func pre(repository: String, policySource: PolicySource, invocation: PreStageCollector.InvocationSource,
                           environment: [String: String], component: String? = nil) throws -> PreOutcome {
        let started = Date()
        let policy = try policySource.load()
        return try pre(repository: repository, policy: policy, invocation: invocation, environment: environment, started: started,
                       ciProvider: GitLabCI(componentAddress: component))
    }

    /// Whether the gate's runner will give the agent the live hook: `run` and `agent` do when they run it
    /// as a user of its own (as root). For `pre` alone, whether the CI job starts the agent through them.
    static func liveHook(facts: Facts) -> Bool {
        guard let job = facts.ciJob else { return false }
        return job.scriptLines.contains { line in
            ShellWords.commandsLeniently(in: line.text).contains { words in
                let program = words.first.map { URL(fileURLWithPath: $0).lastPathComponent }
                return program == "policy-gate" && ["run", "agent"].contains(words.dropFirst().first ?? "")
            }
        }
    }

    /// Pre with a policy already loaded.
    /// - Parameters:
    ///   - liveHook: whether the runner gives the agent the live hook; `nil`: judged from the CI job.
    ///   - agent: the agent judged (Claude Code unless told).
    ///   - ciProvider: the CI system it runs in (GitLab unless told).
    public static func pre(repository: String, policy: Policy, invocation: PreStageCollector.InvocationSource,
                           environment: [String: String], started: Date = Date(), liveHook: Bool? = nil,
                           agent: any AgentAdapter = ClaudeCode(), ciProvider: any CIProvider = GitLabCI()) throws -> PreOutcome {
        let secretRules = try PolicySource.secretRules(for: policy)
        let scanner = SecretScanner(ruleSet: secretRules, options: .init(honoursInlineAllowMarkers: false))
        var collector = PreStageCollector(repository: repository, environment: environment, scanner: scanner)
        collector.agent = agent
        collector.ciProvider = ciProvider
        collector.extraOptions = policy.agent.extraOptions
        let factsList = try collector.collect(invocation)
        var findings: [Finding] = []
        var evaluated: [(id: String, action: RuleAction)] = []
        for var facts in factsList {
            facts.liveHook = liveHook ?? Self.liveHook(facts: facts)
            let outcome = Evaluator.evaluate(facts, policy: policy)
            findings += outcome.findings
            evaluated = outcome.evaluatedRules
        }
        var seen = Set<String>()
        findings = findings.filter { seen.insert($0.fingerprint).inserted }
        let ci = ciProvider.context(environment: environment)
        let baseline = try GitRepository(path: repository).resolveCommit("HEAD")
        let digests = try GitMetadataDigests.read(repository: repository)
        let first = factsList.first?.invocation
        let state = PreState(baseline: baseline, gitConfigSHA256: digests.config, hooks: digests.hooks,
                             policySource: policy.source, policySHA256: policy.sha256,
                             grants: first?.allowedTools.map(\.text) ?? [], permissionMode: first?.permissionModeRaw,
                             jobID: ci.jobID,
                             ciFiles: factsList.first?.ciJob.map { _ in Set(factsList.flatMap { $0.ciJob?.configurationFiles ?? [] }).sorted() },
                             ciFilePatterns: factsList.first?.ciJob.map { _ in factsList.first?.ciJob?.configurationPatterns ?? [] })
        let report = GateReport(stage: .pre, findings: findings, evaluatedRules: evaluated, policySource: policy.source,
                                policySHA256: policy.sha256,
                                inputs: ["baseline": baseline, "invocation": factsList.first?.invocationSource ?? ""],
                                ci: ci)
        return PreOutcome(report: report, state: state, started: started)
    }

    /// The policy post judges by when none is given: `.policy-gate.yml` of the base commit, so the
    /// change cannot loosen its own checks.
    static func postPolicySource(explicit: PolicySource?, request: PostStageCollector.Request) throws -> PolicySource {
        if let explicit { return explicit }
        return .reference(repository: request.repository, revision: try PostStageCollector.base(for: request))
    }

    /// Post: judges the change and the transcript.
    /// - Throws: a one-line error when an input cannot be read.
    public static func post(_ request: PostStageCollector.Request, trusted: TrustedInputs, started: Date = Date()) throws -> Outcome {
        let collected = try PostStageCollector(scanner: trusted.scanner).collect(request)
        let outcome = Evaluator.evaluate(collected.facts, policy: trusted.policy)
        let report = GateReport(stage: .post, findings: outcome.findings, evaluatedRules: outcome.evaluatedRules,
                                policySource: trusted.policy.source, policySHA256: trusted.policy.sha256, inputs: collected.inputs,
                                ci: request.ciProvider.context(environment: request.environment))
        return Outcome(report: report, started: started)
    }

    /// One report for `run`: pre's and post's findings, each rule once, and pre's invocation.
    static func combine(pre: GateReport, post: GateReport) -> GateReport {
        var combined = post
        combined.findings = (pre.findings + post.findings).sorted(by: Finding.reportOrder)
        combined.evaluatedRules = pre.evaluatedRules + post.evaluatedRules.filter { rule in
            !pre.evaluatedRules.contains { $0.id == rule.id }
        }
        combined.inputs["invocation"] = pre.inputs["invocation"]
        return combined
    }
}

extension Gate {
    /// The policy for `run` and `agent`, which start before anything of the agent's exists: an explicit
    /// file or ref; else, in a GitLab pipeline, `.policy-gate.yml` of the merge request's target branch
    /// (the default branch outside merge requests), which must have been fetched; else the checkout's.
    /// - Throws: `RunnerError` when the target branch is not in the repository.
    static func agentPolicySource(explicit: PolicySource?, repository: String, environment: [String: String],
                                  ciProvider: any CIProvider = GitLabCI()) throws -> PolicySource {
        if let explicit { return explicit }
        let ci = ciProvider.context(environment: environment)
        guard ci.isGitLabCI, let branch = ci.targetBranch ?? ci.defaultBranch else { return .automatic(repository: repository) }
        let git = try GitRepository(path: repository)
        for candidate in ["refs/policy-gate/policy", "refs/remotes/origin/\(branch)", "refs/heads/\(branch)"]
        where (try? git.resolveCommit(candidate)) != nil {
            return .reference(repository: repository, revision: candidate)
        }
        throw RunnerError("cannot find the branch '\(branch)' to read the policy from; fetch it first: git fetch origin +\(branch):refs/policy-gate/policy")
    }
}
