/// The judgement of one tool call on its own, before or after it ran: the transcript rules that need no
/// history (tools allowed, dangerous commands, paths, secrets in the input) and the protected paths the
/// call would write. The live hook asks this before a call runs; `post` runs the very same rule types over
/// the whole transcript, so the two cannot disagree about a call.
public enum ToolCallJudgement {
    /// The rules that judge a call without knowing what came before it.
    static let rules: [any PolicyRule.Type] = [
        TranscriptToolNotAllowedRule.self,
        TranscriptDangerousCommandRule.self,
        TranscriptPathOutsideWorkspaceRule.self,
        TranscriptSecretExposureRule.self,
        ProtectedPathRule.self,
    ]

    /// Where a call is judged: the checkout, the folder it runs in and the home folder.
    public struct Context: Sendable {
        /// The repository root: paths outside it are outside.
        var workspaceRoot: String
        /// The call's working directory (relative paths of file tools are taken from it).
        public var cwd: String
        /// `~` and `$HOME`.
        var home: String?

        /// Creates a context.
        public init(workspaceRoot: String, cwd: String, home: String?) {
            self.workspaceRoot = PathScope.normalize(workspaceRoot)
            self.cwd = cwd
            self.home = home
        }
    }

    /// The rules that need the calls before this one (the agent runner keeps them).
    static let historyRules: [any PolicyRule.Type] = [TranscriptRunnerAfterChangeRule.self]

    /// Findings for one call, with the policy's actions (`.info` ones included). With `history` (the calls
    /// let through before it, in order), the rules that need it judge the call too.
    /// - Throws: when the secret scanner fails.
    public static func judge(_ call: Transcript.ToolCall, in context: Context, policy: Policy,
                             scanner: SecretScanner, history: [Transcript.ToolCall] = []) throws -> [Finding] {
        var call = call
        call.wasRefused = false
        call.line = 1
        let transcript = Transcript(name: "tool call", initEvent: .init(cwd: context.cwd), toolCalls: [call])
        let fragment = ScanFragment(path: transcript.name, bytes: Array(call.input.serialized().utf8), firstLine: 1)
        var facts = Facts(stage: .post, changeSet: ChangeSet(files: writtenFiles(of: call, in: context, policy: policy)),
                          transcript: transcript, transcriptSecrets: try scanner.scan(fragment),
                          workspaceRoot: context.workspaceRoot, home: context.home)
        // Links in the live checkout are followed, as post follows them in the checkout it judges.
        facts.onDiskPaths = PostStageCollector.onDiskPaths(of: transcript, agentRoot: context.workspaceRoot,
                                                           checkout: context.workspaceRoot, home: context.home)
        var findings = Evaluator.evaluate(facts, policy: policy, rules: rules).findings
        if !history.isEmpty {
            var calls = history + [call]
            for index in calls.indices {
                calls[index].line = index + 1
                calls[index].wasRefused = false
            }
            let past = Facts(stage: .post, transcript: Transcript(name: transcript.name, initEvent: .init(cwd: context.cwd), toolCalls: calls),
                             workspaceRoot: context.workspaceRoot, home: context.home)
            findings += Evaluator.evaluate(past, policy: policy, rules: historyRules).findings.filter { $0.location?.line == calls.count }
        }
        return findings
    }

    /// The files inside the checkout the call would write, relative to it, for the protected-path rule.
    static func writtenFiles(of call: Transcript.ToolCall, in context: Context, policy: Policy) -> [ChangedFile] {
        var raw: [String] = []
        if call.kind == .fileWrite, let path = call.filePath {
            raw.append(path)
        } else if let command = call.command {
            let analyzer = BashCommandAnalyzer(workspaceRoot: context.workspaceRoot, allowedHosts: policy.transcript.allowedHosts,
                                               home: context.home)
            raw = analyzer.analyze(command).writtenPaths
        }
        let root = context.workspaceRoot
        return raw.compactMap { path in
            let resolved = PathScope.resolve(path, cwd: context.cwd, home: context.home)
            guard PathScope.isInside(resolved, root: root), resolved != root else { return nil }
            return ChangedFile(path: String(resolved.dropFirst(root == "/" ? 1 : root.count + 1)), status: .modified)
        }
    }
}
