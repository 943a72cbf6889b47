import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of the agent under the gate, shared by `run` (which judges it in the same process) and
/// `agent` (which hands it to `post` in a later job): pre on the agent's own command line, the git
/// metadata snapshot, the agent as a user of its own, every process of it killed, the snapshot
/// again, and the gate's commit of what it left.
///
/// Everything the verdict rests on is read before the agent starts (the policy, its secret rules) or
/// kept where the agent cannot reach it (the transcript, the commit, in the private folder).
public struct AgentSession {
    /// What to run.
    public struct Request: Sendable {
        /// The checkout.
        var repository: String
        /// `claude …`.
        @_spi(Fuzzing) public var command: [String]
        /// The gate's environment.
        public var environment: [String: String]
        /// `--agent-user`, overriding the policy's `agent.user`.
        public var user: String?
        /// How long the agent may run.
        var timeout: Duration?
        /// Folders of the checkout that are the gate's (left out of the commit).
        var gateFolder: String

        /// Creates a request.
        public init(repository: String, command: [String], environment: [String: String], user: String?,
                    timeout: Duration?, gateFolder: String = ".policy-gate") {
            self.repository = repository
            self.command = command
            self.environment = environment
            self.user = user
            self.timeout = timeout
            self.gateFolder = gateFolder
        }
    }

    /// What the agent left, for post or the hand-off.
    public struct Work: Sendable {
        /// The commit the agent started from and the gate's commit of its working tree.
        public var base: String
        public var head: String
        /// The private repository holding `head` (it borrows the checkout's objects).
        var repository: String
        /// The transcript in the private folder, and its digest.
        var transcriptPath: String
        var transcriptSHA256: String
        /// How the agent ended.
        var exitStatus: Int32
        var lingeringProcesses: Int
        /// The `.git` metadata before and after, and what changed.
        var metadataBefore: GitMetadataSnapshot
        var metadataAfter: GitMetadataSnapshot
        var metadataChanges: [String]
        /// How it was isolated, and what the commit left out.
        public var isolation: AgentIsolation
        var skipped: [String]
    }

    /// The private folder of this session; removed by `close()`.
    let privateFolder: PrivateFolder
    private let runner: AgentRunner

    /// Creates a session with a fresh private folder.
    public init(log: @escaping @Sendable (String) -> Void) throws(RunnerError) {
        privateFolder = try PrivateFolder()
        runner = AgentRunner(log: log)
    }

    /// Removes the private folder.
    public func close() {
        privateFolder.remove()
    }

    /// The user the agent runs as: `nil` when the policy allows no isolation and the gate is not root.
    /// - Throws: `RunnerError` when isolation is required and impossible.
    public static func agentUser(policy: Policy, override: String?, isRoot: Bool = geteuid() == 0) throws(RunnerError) -> AgentUser? {
        if !isRoot {
            guard !policy.agent.isolationRequired else {
                throw RunnerError("the gate is not root, so it cannot run the agent as a user of its own; run it as root (the default in GitLab's Docker and Kubernetes executors), or set agent.isolation: none in the policy")
            }
            return nil
        }
        if let text = override ?? policy.agent.user { return try AgentUser.parse(text) }
        return .standard
    }

    /// Whether `run` gives the agent the live hook: it does whenever the agent runs as a user of its own,
    /// which needs root (the hook's settings are mounted in a namespace only root can make).
    static var installsLiveHook: Bool { geteuid() == 0 }

    /// Runs the agent and commits what it left. Call only after pre passed.
    /// - Throws: `RunnerError` or a git error (one line) when the agent cannot be run or its work read.
    public func run(_ request: Request, policy: Policy) async throws -> Work {
        let user = try Self.agentUser(policy: policy, override: request.user)
        let checkout = URL(fileURLWithPath: request.repository).standardizedFileURL.path
        let git = try GitRepository(path: checkout)
        let base = try git.resolveCommit("HEAD")
        let gitPath = String(git.gitDirectory.dropLast())
        let before = try GitMetadataSnapshot.take(gitPath: gitPath)

        var configuration = AgentRunner.Configuration(
            command: request.command, checkout: checkout, user: user, environment: request.environment,
            allowedVariables: policy.agent.environment, timeout: request.timeout, privateFolder: privateFolder)
        if let user {
            guard let gate = LiveHook.gateExecutable() else { throw RunnerError("cannot tell this executable's path for the live hook") }
            let installation = try LiveHook.installation(environment: request.environment)
            configuration.liveHook = try LiveHook(policy: policy, repository: checkout, checkout: checkout, gate: gate, group: user.gid)
            configuration.liveHook?.installation = installation
        }
        defer { configuration.liveHook?.remove() }
        let outcome = try await runner.run(configuration)

        // Every process of the agent is gone: nothing below can be raced.
        let after = (try? GitMetadataSnapshot.take(gitPath: gitPath)) ?? GitMetadataSnapshot(entries: ["." : "unreadable"])
        let handoffPath = privateFolder.path + "/handoff.git"
        let handoff = try HandoffRepository(at: handoffPath, borrowingObjectsOf: checkout)
        var skipped: [String] = []
        var parent = base
        if let agentHead = try? handoff.resolveAgentCommit("HEAD"), agentHead != base {
            parent = agentHead
        }
        let head = try handoff.commitWorkingTree(
            checkout, parent: parent, base: base, excluding: [request.gateFolder],
            message: "agent change" + (request.environment["CI_PIPELINE_ID"].map { " (pipeline \($0))" } ?? "") + "\n")
        skipped += handoff.skipped
        return Work(base: base, head: head, repository: handoffPath, transcriptPath: outcome.transcriptPath,
                    transcriptSHA256: outcome.transcriptSHA256, exitStatus: outcome.exitStatus,
                    lingeringProcesses: outcome.lingeringProcesses, metadataBefore: before, metadataAfter: after,
                    metadataChanges: after.changes(since: before), isolation: outcome.isolation, skipped: skipped)
    }

    /// The bundle of the work (base excluded), for the hand-off.
    public func bundle(_ work: Work) throws -> Data {
        try HandoffRepository(openingExisting: work.repository).bundle(base: work.base, head: work.head)
    }

    /// The post request for judging the work in this process (`run`).
    static func postRequest(for work: Work, checkout: String, environment: [String: String]) -> PostStageCollector.Request {
        var request = PostStageCollector.Request(repository: work.repository, base: work.base, head: work.head,
                                                 transcriptPath: work.transcriptPath, agentExitStatus: work.exitStatus,
                                                 environment: environment)
        request.agentCheckout = checkout
        request.gitMetadataChanges = work.metadataChanges
        request.lingeringProcesses = work.lingeringProcesses
        return request
    }
}
