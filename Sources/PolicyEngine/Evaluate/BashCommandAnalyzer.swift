import Foundation

/// Splits a Bash command into simple commands the way Claude Code and a shell do, and finds
/// the dangerous ones (`transcript.dangerous-command`).
///
/// Splits on unquoted `&&`, `||`, `;`, `|`, `|&`, `&` and newlines; descends into `( … )`,
/// `{ …; }`, `$( … )`, backquotes, process substitutions, `bash -c '…'`, `sh -c "…"`,
/// `eval "…"` and shell here-documents (depth-limited); strips wrappers (`timeout`, `time`,
/// `nice`, `nohup`, `stdbuf`, `command`, `builtin`, `env`, `sudo`, `xargs`, leading
/// assignments); follows `cd` to resolve relative paths. Pure: no filesystem or environment
/// access. Unparseable input yields an `unparseable` finding rather than an error (fail closed).
@_spi(Fuzzing) public struct BashCommandAnalyzer: Sendable {
    /// How many levels of `bash -c`/`eval` strings are followed.
    static let maxScriptDepth = 8

    /// The workspace root; relative paths start here, and deletions outside it are reported.
    let workspaceRoot: String
    /// Hosts that may be contacted (for example the GitLab host); loopback is always allowed.
    public let allowedHosts: [String]
    /// The home directory, when known; `~` is treated as outside the workspace either way.
    let home: String?

    /// Creates an analyzer.
    /// - Parameters:
    ///   - workspaceRoot: the absolute workspace (repository) root.
    ///   - allowedHosts: hosts that may be contacted: `gitlab.example.com`, `host:port`,
    ///     `https://host/`, or `*.example.com` for subdomains.
    ///   - home: the home directory, when known.
    public init(workspaceRoot: String, allowedHosts: [String] = [], home: String? = nil) {
        self.workspaceRoot = PathScope.normalize(workspaceRoot)
        self.allowedHosts = allowedHosts
        self.home = home
    }

    /// Analyses one Bash command string.
    /// - Parameter command: the command as the agent sent it (`tool_use.input.command`).
    /// - Returns: the simple commands and the dangers found.
    @_spi(Fuzzing) public func analyze(_ command: String) -> BashAnalysis {
        // Several post rules analyse the same calls; the analysis is pure, so it is kept for them.
        let key = CacheKey(workspaceRoot: workspaceRoot, allowedHosts: allowedHosts, home: home, command: command)
        if let cached = Self.cache.withLock({ $0[key] }) { return cached }
        let analysis = analyzeUncached(command)
        Self.cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[key] = analysis
        }
        return analysis
    }

    private struct CacheKey: Hashable {
        var workspaceRoot: String
        var allowedHosts: [String]
        var home: String?
        var command: String
    }

    private static let cacheLimit = 512
    private static let cache = Locked<[CacheKey: BashAnalysis]>([:])

    private func analyzeUncached(_ command: String) -> BashAnalysis {
        let classifier = CommandClassifier(workspaceRoot: workspaceRoot, hosts: HostAllowList(allowedHosts), home: home)
        var auditor = CommandAuditor(classifier: classifier, maxDepth: Self.maxScriptDepth)
        var variables = ShellVariables()
        variables.home = home
        auditor.audit(command, context: CommandAuditor.Context(cwd: workspaceRoot, depth: 0, variables: variables))
        var seen: Set<DangerousCommandFinding> = []
        let findings = auditor.findings.filter { seen.insert($0).inserted }
        return BashAnalysis(simpleCommands: auditor.simpleCommands, findings: findings, writtenPaths: auditor.writtenPaths)
    }
}
