import Foundation

/// Gathers the facts of the `pre` stage: the agent invocation (from a command line or a CI job), the
/// repository's Claude settings files, literal secrets in the configuration, and the CI context.
public struct PreStageCollector {
    /// Where the agent invocation comes from.
    public enum InvocationSource: Sendable {
        /// A claude command line, tokenized as a POSIX shell would.
        case commandLine(String)
        /// The `claude` commands of a job in a GitLab CI file.
        case ciJob(file: String, job: String)
        /// An argv as given (the `run` command's own).
        case argv([String])
    }

    /// Why the stage could not collect its facts.
    public struct CollectError: Error, Sendable, CustomStringConvertible {
        /// One line: file, line, reason.
        public var description: String
    }

    /// The repository root.
    public var repository: String
    /// The environment (GitLab's predefined variables).
    public var environment: [String: String]
    /// The secret scanner used on the configuration.
    public var scanner: SecretScanner
    /// The address (without `@version`) of the component the built-in template stands for.
    public var componentAddress = CIConfigurationReader.defaultComponentAddress
    /// The policy's `agent.extra_options`: options the pinned CLI lacks are read with these arities.
    public var extraOptions: [String: ClaudeArgumentParser.Arity] = [:]

    /// Creates a collector.
    public init(repository: String, environment: [String: String], scanner: SecretScanner) {
        self.repository = repository
        self.environment = environment
        self.scanner = scanner
    }

    /// Collects one `Facts` value per claude invocation found.
    /// - Throws: `CollectError` when the invocation or a settings file cannot be read.
    public func collect(_ source: InvocationSource) throws -> [Facts] {
        let settings = try readRepositorySettings()
        let instructions = AgentInstructionFiles(checkout: checkout)
        let checkoutFiles = (imports: instructions.checkoutImports(), subagents: try instructions.checkoutSubagents())
        let ci = CIContext(environment: environment)
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
            if let first = words.first, first.hasPrefix("-") { words.insert("claude", at: 0) }
            let secrets = try scanner.scan(ScanFragment(path: "--claude-args", bytes: Array(text.utf8), firstLine: 1))
            return [try facts(argv: words, source: "--claude-args", secrets: secrets, job: nil)]
        case .argv(let argv):
            let text = argv.joined(separator: " ")
            let secrets = try scanner.scan(ScanFragment(path: "command", bytes: Array(text.utf8), firstLine: 1))
            return [try facts(argv: argv, source: "command", secrets: secrets, job: nil)]
        case .ciJob(let file, let jobName):
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CollectError(description: "\(file): cannot read the CI configuration")
            }
            guard let yaml = String(data: data, encoding: .utf8) else {
                throw CollectError(description: "\(file): the CI configuration is not valid UTF-8")
            }
            do {
                let reader = CIConfigurationReader(repository: repository, environment: environment, componentAddress: componentAddress)
                var readings = try reader.readings(file: file, text: yaml)
                var secrets: [SecretFinding] = []
                var scanned: Set<String> = []
                for source in readings.flatMap(\.sources) where scanned.insert(source.name).inserted {
                    secrets += try scanner.scan(ScanFragment(path: source.name, bytes: Array(source.text.utf8), firstLine: 1))
                }
                secrets = secrets.filter { !Self.isVariableReference($0, in: readings.flatMap(\.sources)) }
                let ciFiles = Set(readings.flatMap(\.localFiles)).sorted()
                var ciPatterns: [String] = []
                for pattern in readings.flatMap(\.localPatterns) where !ciPatterns.contains(pattern) { ciPatterns.append(pattern) }
                // A configuration where an include with undecidable rules leaves the job out runs no agent.
                let present = readings.filter { $0.extractor.jobNames.contains(jobName) }
                if !present.isEmpty { readings = present }
                var result: [Facts] = []
                for reading in readings {
                    if let source = reading.extractor.dotenvSources(for: jobName, environment: environment).first {
                        throw CollectError(description: "\(source.file):\(source.line): job '\(source.job)' hands '\(jobName)' a dotenv report, "
                                           + "whose variables (which can configure claude) only the running pipeline knows")
                    }
                    // Each parallel:matrix combination is a job of its own, judged on its own.
                    for job in try reading.extractor.jobs(named: jobName) {
                        let analysis = try reading.extractor.analyse(job, repository: repository, environment: environment)
                        if let first = analysis.undecidable.first {
                            let more = analysis.undecidable.count > 1 ? " (and \(analysis.undecidable.count - 1) more)" : ""
                            throw CollectError(description: "\(first) in job '\(job.name)'; the gate cannot decide\(more)")
                        }
                        guard !analysis.commands.isEmpty else {
                            throw CollectError(description: "\(file):\(job.line): job '\(job.name)' runs no claude command")
                        }
                        result += try analysis.commands.map { command in
                            var jobFacts = CIJobFacts(name: job.name, file: file, image: job.image,
                                                      scriptLines: job.allLines.map { ($0.text, $0.line) },
                                                      environment: command.environment,
                                                      throughRunner: command.nesting.contains("policy-gate run"))
                            jobFacts.configurationFiles = ciFiles
                            jobFacts.configurationPatterns = ciPatterns
                            return try facts(argv: command.argv, source: "\(command.file):\(command.line)", secrets: secrets,
                                             job: jobFacts, writes: analysis.writes)
                        }
                    }
                }
                return result
            } catch let error as CollectError {
                throw error
            } catch {
                throw CollectError(description: String(describing: error))
            }
        }
    }

    private func facts(argv: [String], source: String, ci: CIContext, settings: [ClaudeSettings],
                       secrets: [SecretFinding], job: CIJobFacts?) throws -> Facts {
        var invocation: AgentInvocation
        var loaded = settings
        do {
            invocation = try ClaudeArgumentParser.parse(argv, source: source, extraOptions: extraOptions)
            if let command = Self.configurationCommand(invocation) {
                throw CollectError(description: "\(source): '\(command)' changes the agent's configuration where the gate "
                                   + "cannot read it; it cannot tell what that grants")
            }
            // Inline JSON that Claude Code would read must at least be readable: a value the gate cannot
            // parse could grant anything. Files the command line names inside the repository are read
            // like the repository's settings; other files are the pipeline's, read by Claude Code.
            try CommandLineSettings.foldInline(into: &invocation, source: source)
            loaded += try CommandLineSettings.repositoryFiles(named: invocation, repository: repository)
            loaded += try CommandLineSettings.inlineSettings(of: invocation, source: source)
            try CommandLineSettings.readAgents(into: &invocation, source: source, repository: repository)
            invocation.addDirsLeavingCheckout = CommandLineSettings.directoriesLeaving(invocation.addDirs, repository: repository)
        } catch {
            throw CollectError(description: String(describing: error))
        }
        return Facts(stage: .pre, ci: ci, invocation: invocation, invocationSource: source, ciJob: job,
                     repositorySettings: loaded, configurationSecrets: secrets,
                     workspaceRoot: checkout)
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

    /// `claude mcp add …`, `claude config set …`, `claude plugin install …`: a subcommand that writes
    /// MCP servers, settings or plugins for the sessions that follow. Returns its first words.
    static func configurationCommand(_ invocation: AgentInvocation) -> String? {
        guard let subcommand = invocation.subcommand else { return nil }
        let words = invocation.arguments.filter { !$0.hasPrefix("-") }
        let action = words.dropFirst().first ?? ""
        let writes: Bool
        switch subcommand {
        case "mcp": writes = action.hasPrefix("add")
        case "config": writes = ["set", "add"].contains(action)
        case "plugin": writes = ["install", "i", "enable", "marketplace", "update"].contains(action)
        default: writes = false
        }
        return writes ? "claude \(subcommand) \(action)" : nil
    }

    /// Whether a `--settings` / `--mcp-config` value is JSON text rather than a file path.
    static func isInlineJSON(_ value: String) -> Bool {
        let first = value.first { !$0.isWhitespace }
        return first == "{" || first == "["
    }

    /// Reads `.claude/settings.json`, `.claude/settings.local.json` and `.mcp.json` when present.
    /// A file that exists but cannot be parsed is an error: the gate cannot tell what it grants.
    public func readRepositorySettings() throws -> [ClaudeSettings] {
        var found: [ClaudeSettings] = []
        for relative in [".claude/settings.json", ".claude/settings.local.json", ".mcp.json"] {
            let full = repository + "/" + relative
            guard FileManager.default.fileExists(atPath: full) else {
                // A symbolic link that leads nowhere (or loops) may point at a file that appears later in the job.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) != nil {
                    throw CollectError(description: "\(relative): a symbolic link that leads nowhere; the gate cannot tell what it grants")
                }
                continue
            }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw CollectError(description: "\(relative): cannot read the file")
            }
            do {
                if relative == ".mcp.json" {
                    var settings = ClaudeSettings(path: relative)
                    settings.mcpServers = try ClaudeSettings.decodeMCPServers(data, path: relative)
                    found.append(settings)
                } else {
                    found.append(try ClaudeSettings.decode(data, path: relative))
                }
            } catch {
                throw CollectError(description: String(describing: error))
            }
        }
        return found + (try RepositorySkills.read(repository: repository))
    }
}
