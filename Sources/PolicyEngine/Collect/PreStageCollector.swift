import Foundation

/// Gathers the facts of the `pre` stage: the agent invocation (from a command line or a CI job), the
/// repository's agent settings files, literal secrets in the configuration, and the CI context. What is
/// particular to the agent or the CI system it asks of `agent` and `ciProvider`.
public struct PreStageCollector {
    /// Where the agent invocation comes from.
    public enum InvocationSource: Sendable {
        /// A claude command line, tokenized as a POSIX shell would.
        case commandLine(String)
        /// The agent commands of a job in a CI file.
        case ciJob(file: String, job: String)
        /// An argv as given (the `run` command's own).
        case argv([String])
    }

    /// Why the stage could not collect its facts.
    struct CollectError: Error, Sendable, CustomStringConvertible {
        /// One line: file, line, reason.
        var description: String
    }

    /// The repository root.
    var repository: String
    /// The environment (GitLab's predefined variables).
    public var environment: [String: String]
    /// The secret scanner used on the configuration.
    public var scanner: SecretScanner
    /// The agent (Claude Code unless told).
    public var agent: any AgentAdapter = ClaudeCode()
    /// The CI system (GitLab unless told).
    var ciProvider: any CIProvider = GitLabCI()
    /// The policy's `agent.extra_options`: options the pinned CLI lacks are read with these arities.
    var extraOptions: [String: ClaudeArgumentParser.Arity] = [:]

    /// Creates a collector.
    public init(repository: String, environment: [String: String], scanner: SecretScanner) {
        self.repository = repository
        self.environment = environment
        self.scanner = scanner
    }

    /// Collects one `Facts` value per claude invocation found.
    /// - Throws: `CollectError` when the invocation or a settings file cannot be read.
    func collect(_ source: InvocationSource) throws -> [Facts] {
        let settings = try readRepositorySettings()
        let instructions = AgentInstructionFiles(checkout: checkout)
        let checkoutFiles = (imports: instructions.checkoutImports(), subagents: try instructions.checkoutSubagents())
        let ci = ciProvider.context(environment: environment)
        func facts(argv: [String], source: String, secrets: [SecretFinding], job: CIJobFacts?,
                   writes: [ScriptFileWrite] = []) throws -> Facts {
            var result = try self.facts(argv: argv, source: source, ci: ci, settings: settings, secrets: secrets, job: job)
            result.memoryImports = checkoutFiles.imports
            result.subagents = checkoutFiles.subagents
            try apply(writes, to: &result)
            return result
        }
        switch source {
        case .commandLine(let text):
            var words: [String]
            do {
                words = try ShellWords.split(text, source: "--claude-args")
            } catch {
                throw CollectError(description: "--claude-args: \(error)")
            }
            // Only the arguments were given (`-p 'task' --allowedTools Read`): they are claude's.
            if let first = words.first, first.hasPrefix("-") { words.insert(agent.programName, at: 0) }
            let secrets = try scanner.scan(ScanFragment(path: "--claude-args", bytes: Array(text.utf8), firstLine: 1))
            return [try facts(argv: words, source: "--claude-args", secrets: secrets, job: nil)]
        case .argv(let argv):
            let text = argv.joined(separator: " ")
            let secrets = try scanner.scan(ScanFragment(path: "command", bytes: Array(text.utf8), firstLine: 1))
            return [try facts(argv: argv, source: "command", secrets: secrets, job: nil)]
        case .ciJob(let file, let jobName):
            do {
                let reading = try ciProvider.agentJob(file: file, job: jobName, repository: repository, environment: environment)
                var secrets: [SecretFinding] = []
                var scanned: Set<String> = []
                for source in reading.sources where scanned.insert(source.name).inserted {
                    secrets += try scanner.scan(ScanFragment(path: source.name, bytes: Array(source.text.utf8), firstLine: 1))
                }
                secrets = secrets.filter { !Self.isVariableReference($0, in: reading.sources) }
                return try reading.invocations.map { command in
                    try facts(argv: command.argv, source: command.source, secrets: secrets, job: command.job, writes: command.writes)
                }
            } catch let error as CollectError {
                throw error
            } catch {
                throw CollectError(description: String(describing: error))
            }
        }
    }

    private func facts(argv: [String], source: String, ci: CIContext, settings: [ClaudeSettings],
                       secrets: [SecretFinding], job: CIJobFacts?) throws -> Facts {
        let commandLine: AgentCommandLine
        do {
            commandLine = try agent.readInvocation(argv, source: source, repository: repository, extraOptions: extraOptions)
        } catch let error as CollectError {
            throw error
        } catch {
            throw CollectError(description: String(describing: error))
        }
        let invocation = commandLine.invocation
        let loaded = settings + commandLine.settings
        var facts = Facts(stage: .pre, ci: ci, invocation: invocation, invocationSource: source, ciJob: job,
                          repositorySettings: loaded, configurationSecrets: secrets,
                          workspaceRoot: checkout)
        facts.agentPackage = agent.packageID
        return facts
    }

    /// The checkout, standardized.
    var checkout: String { URL(fileURLWithPath: repository).standardizedFileURL.path }

    /// Judges the files the job's scripts write that Claude Code reads as configuration (or that the
    /// command line names with `--settings`/`--mcp-config`): their content counts as if committed, and
    /// content the gate cannot know is an error.
    private func apply(_ writes: [ScriptFileWrite], to facts: inout Facts) throws {
        guard let invocation = facts.invocation else { return }
        let instructions = AgentInstructionFiles(checkout: checkout)
        for write in writes {
            func named(_ values: [String]) -> Bool {
                values.contains { !Self.isInlineJSON($0) && AgentConfigurationPath.same(write.target, $0, checkout: checkout) }
            }
            let byCommandLine = named(invocation.settings) || named(invocation.mcpConfigs)
            let kind: AgentConfigurationPath.Kind? = named(invocation.settings) ? .settings(.project)
                : named(invocation.mcpConfigs) ? .mcp(.projectMCP) : AgentConfigurationPath.classify(write.target, checkout: checkout)
            guard let kind else { continue }
            let shown = "\(write.target) (written at \(write.file):\(write.line))"
            guard let content = write.content, kind != .other else {
                let what = write.content == nil ? "content the gate cannot know" : "content the gate does not judge"
                throw CollectError(description: "\(write.file):\(write.line): the job writes \(write.target), which configures claude, "
                                   + "with \(what); it cannot tell what that grants")
            }
            do {
                switch kind {
                case .settings(let scope):
                    var settings = try ClaudeSettings.decode(Data(content.utf8), path: shown)
                    settings.scope = scope
                    settings.loadedByCommandLine = byCommandLine
                    facts.repositorySettings.append(settings)
                case .mcp(let scope):
                    var settings = ClaudeSettings(path: shown, scope: scope)
                    settings.mcpServers = try ClaudeSettings.decodeMCPServers(Data(content.utf8), path: shown)
                    settings.loadedByCommandLine = byCommandLine
                    facts.repositorySettings.append(settings)
                case .memory:
                    let inHome = write.target.hasPrefix("~") || write.target.hasPrefix("$") || write.target.hasPrefix("/root")
                        || write.target.hasPrefix("/home/")
                    let full = write.target.hasPrefix("/") ? write.target : checkout + "/" + write.target
                    var visited: Set<String> = []
                    facts.memoryImports += instructions.imports(in: content, shownAs: shown,
                                                                folder: inHome ? nil : (full as NSString).deletingLastPathComponent,
                                                                depth: 0, visited: &visited)
                case .subagent:
                    facts.subagents.append(try AgentInstructionFiles.subagent(content, path: shown))
                case .other:
                    break
                }
            } catch let error as CollectError {
                throw error
            } catch {
                throw CollectError(description: String(describing: error))
            }
        }
    }

    /// Whether a secret finding is a variable reference (`$TOKEN`, `${TOKEN}`, `$[[ inputs.token ]]`),
    /// such as the password of `https://gitlab-ci-token:$TOKEN@$HOST/…`: never a literal secret, since
    /// GitLab or the job's shell expands it. The finding holds only the secret's hash, so each text
    /// of its line that starts with `$` is hashed and compared.
    static func isVariableReference(_ finding: SecretFinding, in sources: [CIJobExtractor.SourceFile]) -> Bool {
        guard finding.line == finding.endLine, let source = sources.first(where: { $0.name == finding.path }) else { return false }
        let lines = source.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard finding.line >= 1, finding.line <= lines.count else { return false }
        let line = Array(lines[finding.line - 1].utf8)
        for start in line.indices where line[start] == UInt8(ascii: "$") && start + 2 <= line.count {
            for end in (start + 2)...min(line.count, start + 256) {
                if SecretRedaction.hash(String(decoding: line[start..<end], as: UTF8.self)) == finding.secretHash { return true }
            }
        }
        return false
    }

    /// Whether a `--settings` / `--mcp-config` value is JSON text rather than a file path.
    static func isInlineJSON(_ value: String) -> Bool {
        let first = value.first { !$0.isWhitespace }
        return first == "{" || first == "["
    }

    /// The agent's settings files in the checkout. A file that exists but cannot be parsed is an error:
    /// the gate cannot tell what it grants.
    func readRepositorySettings() throws -> [ClaudeSettings] {
        try agent.readSettings(repository: repository)
    }
}
