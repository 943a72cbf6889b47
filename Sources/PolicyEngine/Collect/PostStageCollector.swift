import Foundation

/// Gathers the facts of the `post` stage: the change (base to head or the working tree) with the secrets
/// in its added lines, the transcript with the secrets in its tool calls, the `pre` state and the git
/// metadata now.
public struct PostStageCollector {
    /// What to collect.
    public struct Request: Sendable {
        /// The repository root.
        var repository: String
        /// `--base`, if given.
        public var base: String?
        /// `--head`, if given.
        public var head: String?
        /// Diff against the working tree (with untracked files) instead of a commit.
        var worktree: Bool
        /// The transcript file, if any.
        var transcriptPath: String?
        /// What `pre` recorded, if its state file was found.
        public var preState: PreState?
        /// The agent's exit status when the gate ran it.
        public var agentExitStatus: Int32?
        /// GitLab's predefined variables.
        public var environment: [String: String]
        /// The agent's checkout, when the gate ran the agent and the change is read from elsewhere (its
        /// private copy): the transcript's paths are judged against it.
        var agentCheckout: String?
        /// What the agent runner saw change in `.git` during the run.
        var gitMetadataChanges: [String]?
        /// Processes of the agent the runner had to kill after it exited.
        var lingeringProcesses: Int?
        /// The agent whose transcript this is (Claude Code unless told).
        public var agent: any AgentAdapter = ClaudeCode()
        /// The CI system the stage runs in (GitLab unless told).
        var ciProvider: any CIProvider = GitLabCI()

        /// Creates a request.
        public init(repository: String, base: String? = nil, head: String? = nil, worktree: Bool = false, transcriptPath: String? = nil,
                    preState: PreState? = nil, agentExitStatus: Int32? = nil, environment: [String: String] = [:]) {
            self.repository = repository
            self.base = base
            self.head = head
            self.worktree = worktree
            self.transcriptPath = transcriptPath
            self.preState = preState
            self.agentExitStatus = agentExitStatus
            self.environment = environment
        }
    }

    /// Why the stage could not collect its facts.
    struct CollectError: Error, Sendable, CustomStringConvertible {
        /// One line naming what and why.
        var description: String
    }

    /// The collected facts and the identities of the inputs, for the audit record.
    public struct Result: Sendable {
        /// The facts.
        var facts: Facts
        /// `base`, `head`, `transcript_sha256`, …
        var inputs: [String: String]
    }

    /// The scanner for added lines and transcript calls.
    public var scanner: SecretScanner

    /// Creates a collector.
    public init(scanner: SecretScanner) {
        self.scanner = scanner
    }

    /// The base commit: `--base`, else the `pre` state, else `CI_MERGE_REQUEST_DIFF_BASE_SHA`, else the merge
    /// base with the MR's target branch (or the default branch).
    public static func base(for request: Request) throws -> String {
        if let base = request.base { return base }
        if let baseline = request.preState?.baseline { return baseline }
        let ci = request.ciProvider.context(environment: request.environment)
        if let diffBase = ci.diffBaseSHA { return diffBase }
        guard let target = ci.targetBranch ?? ci.defaultBranch else {
            throw CollectError(description: "cannot tell the base of the change: give --base, a pre state file, or run in a merge-request pipeline")
        }
        let git = try GitRepository(path: request.repository)
        for candidate in ["origin/\(target)", target] {
            if let found = try? git.mergeBase(candidate, request.head ?? "HEAD") { return found }
        }
        throw CollectError(description: "cannot find the merge base with '\(target)': fetch the target branch or give --base")
    }

    /// Collects the facts.
    func collect(_ request: Request) throws -> Result {
        let base = try Self.base(for: request)
        let target: GitRepository.DiffTarget = request.worktree ? .workingTree : .revision(request.head ?? "HEAD")
        let scan = try SecretScan.run(.git(repository: request.repository, base: base, head: target), scanner: scanner)
        var inputs = ["base": scan.base ?? base]
        if let head = scan.head { inputs["head"] = head } else { inputs["head"] = "working tree" }

        var transcript: Transcript?
        var transcriptSecrets: [SecretFinding] = []
        if let path = request.transcriptPath {
            do {
                transcript = try request.agent.readTranscript(path: path)
            } catch {
                throw CollectError(description: String(describing: error))
            }
            if let data = FileManager.default.contents(atPath: path) {
                inputs["transcript_sha256"] = GitMetadataDigests.digest(data)
            }
            transcriptSecrets = try secrets(in: transcript, name: URL(fileURLWithPath: path).lastPathComponent)
            transcript?.name = URL(fileURLWithPath: path).lastPathComponent
        }
        // Git metadata is compared only when post runs in the job pre ran in (see PreState.jobID).
        let ci = request.ciProvider.context(environment: request.environment)
        let sameJob = request.preState.map { $0.jobID == ci.jobID } ?? false
        // A bare copy (the runner's private repository) has no working-tree metadata of its own.
        let digests = sameJob ? try GitMetadataDigests.read(repository: request.repository) : nil
        let root = URL(fileURLWithPath: request.repository).standardizedFileURL.path
        var facts = Facts(stage: .post, ci: ci, changeSet: ChangeSet(
            base: scan.base, head: scan.head, files: scan.files), changeSecrets: scan.findings, transcript: transcript,
            transcriptSecrets: transcriptSecrets, preState: request.preState,
            gitMetadata: sameJob ? digests.map { GitMetadata(configSHA256: $0.config, hooks: $0.hooks) } : nil,
            workspaceRoot: request.agentCheckout.map { PathScope.normalize($0) }
                ?? Self.agentWorkspaceRoot(repository: root, transcriptCWD: transcript?.initEvent?.cwd),
            home: request.environment["HOME"], agentExitStatus: request.agentExitStatus,
            gitMetadataChanges: request.gitMetadataChanges, lingeringProcesses: request.lingeringProcesses)
        facts.onDiskPaths = Self.onDiskPaths(of: transcript, agentRoot: facts.workspaceRoot ?? root,
                                             checkout: request.agentCheckout ?? root, home: facts.home)
        return Result(facts: facts, inputs: inputs)
    }

    /// Where each file-tool path of the transcript leads on disk: the path is placed in this checkout
    /// (the agent's root replaced by it), resolved link by link, and placed back under the agent's root.
    static func onDiskPaths(of transcript: Transcript?, agentRoot: String, checkout: String, home: String?) -> [String: String] {
        guard let transcript else { return [:] }
        let cwd = transcript.initEvent?.cwd ?? agentRoot
        var result: [String: String] = [:]
        for call in transcript.toolCalls {
            guard let raw = call.filePath ?? call.path else { continue }
            let lexical = PathScope.resolve(raw, cwd: cwd, home: home)
            guard PathScope.isInside(lexical, root: agentRoot), result[lexical] == nil else { continue }
            let local = checkout + lexical.dropFirst(PathScope.normalize(agentRoot).count)
            guard let real = PathScope.resolveOnDisk(local) else {
                result[lexical] = ""
                continue
            }
            let realRoot = PathScope.resolveOnDisk(checkout) ?? checkout
            result[lexical] = PathScope.isInside(real, root: realRoot)
                ? PathScope.normalize(agentRoot) + real.dropFirst(PathScope.normalize(realRoot).count) : real
        }
        return result
    }

    /// Where the agent's checkout was. When the agent ran in a job of its own, its checkout was another
    /// folder (GitLab runners name it `…/<runner>/<slot>/<group>/<project>`), and the transcript's paths
    /// are in that folder, which the transcript's `cwd` names. That `cwd` is taken as the agent's root
    /// only when it is absolute and ends in the same folder name as this checkout; anything else (a `cwd`
    /// of `/`, a subfolder, another project) keeps this checkout as the root, so paths are judged strictly.
    static func agentWorkspaceRoot(repository root: String, transcriptCWD cwd: String?) -> String {
        guard let cwd, cwd.hasPrefix("/") else { return root }
        let agentRoot = PathScope.normalize(cwd)
        let name = URL(fileURLWithPath: root).lastPathComponent
        guard agentRoot != "/", !name.isEmpty, URL(fileURLWithPath: agentRoot).lastPathComponent == name else { return root }
        return agentRoot
    }

    /// Runs the scanner over every tool call's input and result text.
    private func secrets(in transcript: Transcript?, name: String) throws -> [SecretFinding] {
        guard let transcript else { return [] }
        var found: [SecretFinding] = []
        for call in transcript.toolCalls {
            var texts = [call.input.serialized()]
            if let result = call.result?.text { texts.append(result) }
            for text in texts {
                let fragment = ScanFragment(path: name, bytes: Array(text.utf8), firstLine: call.line)
                found += try scanner.scan(fragment).map { finding in
                    var placed = finding
                    placed.line = call.line
                    placed.endLine = call.line
                    return placed
                }
            }
        }
        return found
    }
}
