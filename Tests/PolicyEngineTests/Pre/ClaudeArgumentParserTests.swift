import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("ClaudeArgumentParser")
struct ClaudeArgumentParserTests {
    static let gitLabExample = [
        "claude", "-p", "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}",
        "--permission-mode", "acceptEdits", "--allowedTools", "Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab", "--debug",
    ]

    @Test("the GitLab page's sample invocation")
    func gitLabSample() throws {
        let invocation = try ClaudeArgumentParser.parse(Self.gitLabExample)
        #expect(invocation.isPrint)
        #expect(invocation.prompt == "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}")
        #expect(invocation.permissionModeRaw == "acceptEdits")
        #expect(invocation.permissionMode == .acceptEdits)
        #expect(invocation.allowedTools.map(\.text) == ["Bash(*)", "Read(*)", "Edit(*)", "Write(*)", "mcp__gitlab"])
        #expect(invocation.allowedTools.filter(\.isBlanket).map(\.text) == ["Bash(*)", "Read(*)", "Edit(*)", "Write(*)"])
        #expect(invocation.debug)
        #expect(invocation.debugFilter == nil)
        #expect(invocation.writesDebugLog)
        #expect(invocation.warnings.isEmpty)
        #expect(invocation.unknownFlags.isEmpty)
        #expect(invocation.isAgentRun)
        #expect(invocation.program == ["claude"])
    }

    struct ProgramCase: Sendable, CustomTestStringConvertible {
        let argv: [String]
        let isClaude: Bool
        let program: [String]
        let wrappers: [String]
        let package: String?
        var testDescription: String { argv.joined(separator: " ") }
    }

    static let programCases: [ProgramCase] = [
        ProgramCase(argv: ["claude", "-p", "x"], isClaude: true, program: ["claude"], wrappers: [], package: nil),
        ProgramCase(argv: ["/usr/local/bin/claude", "-p", "x"], isClaude: true, program: ["/usr/local/bin/claude"], wrappers: [], package: nil),
        ProgramCase(argv: ["./node_modules/.bin/claude", "-p"], isClaude: true, program: ["./node_modules/.bin/claude"], wrappers: [], package: nil),
        ProgramCase(argv: ["npx", "-y", "@anthropic-ai/claude-code@2.1.240", "-p", "x"], isClaude: true,
                    program: ["npx", "-y", "@anthropic-ai/claude-code@2.1.240"], wrappers: [], package: "@anthropic-ai/claude-code@2.1.240"),
        ProgramCase(argv: ["npx", "@anthropic-ai/claude-code", "-p"], isClaude: true,
                    program: ["npx", "@anthropic-ai/claude-code"], wrappers: [], package: "@anthropic-ai/claude-code"),
        ProgramCase(argv: ["npx", "-p", "@anthropic-ai/claude-code@2", "claude", "-p"], isClaude: true,
                    program: ["npx", "-p", "@anthropic-ai/claude-code@2", "claude"], wrappers: [], package: "@anthropic-ai/claude-code@2"),
        ProgramCase(argv: ["pnpm", "dlx", "@anthropic-ai/claude-code", "-p"], isClaude: true,
                    program: ["pnpm", "dlx", "@anthropic-ai/claude-code"], wrappers: [], package: "@anthropic-ai/claude-code"),
        ProgramCase(argv: ["timeout", "600", "claude", "-p", "x"], isClaude: true, program: ["claude"], wrappers: ["timeout"], package: nil),
        ProgramCase(argv: ["timeout", "-s", "KILL", "--preserve-status", "10m", "claude"], isClaude: true, program: ["claude"], wrappers: ["timeout"], package: nil),
        ProgramCase(argv: ["env", "-u", "X", "ANTHROPIC_MODEL=opus", "claude"], isClaude: true, program: ["claude"], wrappers: ["env"], package: nil),
        ProgramCase(argv: ["FOO=1", "nice", "-n", "5", "nohup", "claude", "-p"], isClaude: true, program: ["claude"], wrappers: ["nice", "nohup"], package: nil),
        ProgramCase(argv: ["nice", "-10", "claude"], isClaude: true, program: ["claude"], wrappers: ["nice"], package: nil),
        ProgramCase(argv: ["sudo", "-E", "-u", "ci", "claude"], isClaude: true, program: ["claude"], wrappers: ["sudo"], package: nil),
        ProgramCase(argv: ["env", "-S", "claude -p", "hi"], isClaude: true, program: ["claude"], wrappers: ["env"], package: nil),
        ProgramCase(argv: ["command", "-v", "claude"], isClaude: false, program: [], wrappers: [], package: nil),
        ProgramCase(argv: ["echo", "claude"], isClaude: false, program: [], wrappers: [], package: nil),
        ProgramCase(argv: ["claude-code", "-p"], isClaude: false, program: [], wrappers: [], package: nil),
        ProgramCase(argv: ["npm", "install", "-g", "@anthropic-ai/claude-code"], isClaude: false, program: [], wrappers: [], package: nil),
        ProgramCase(argv: ["npx", "prettier", "claude"], isClaude: false, program: [], wrappers: [], package: nil),
        ProgramCase(argv: ["FOO=1"], isClaude: false, program: [], wrappers: [], package: nil),
    ]

    @Test("finds the program after assignments and wrappers", arguments: programCases)
    func program(_ testCase: ProgramCase) throws {
        #expect(ClaudeArgumentParser.isClaudeCommand(testCase.argv) == testCase.isClaude)
        guard testCase.isClaude else {
            #expect(throws: ClaudeArgumentParserError.self) { try ClaudeArgumentParser.parse(testCase.argv) }
            return
        }
        let invocation = try ClaudeArgumentParser.parse(testCase.argv)
        #expect(invocation.program == testCase.program)
        #expect(invocation.wrappers == testCase.wrappers)
        #expect(invocation.packageSpecifier == testCase.package)
    }

    @Test("leading assignments are recorded")
    func environment() throws {
        let invocation = try ClaudeArgumentParser.parse(["A=1", "env", "B=two words", "claude", "-p", "x"])
        #expect(invocation.environment == ["A": "1", "B": "two words"])
        #expect(invocation.prompt == "x")
    }

    struct ToolListCase: Sendable, CustomTestStringConvertible {
        let argv: [String]
        let allowed: [String]
        let disallowed: [String]
        let prompt: String?
        let warns: Bool
        var testDescription: String { argv.joined(separator: " ") }
    }

    static let toolListCases: [ToolListCase] = [
        ToolListCase(argv: ["claude", "-p", "x", "--allowedTools", "Read,Edit,Bash(git diff *)"],
                     allowed: ["Read", "Edit", "Bash(git diff *)"], disallowed: [], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "-p", "x", "--allowedTools", "Read", "Edit", "Bash(git log *)"],
                     allowed: ["Read", "Edit", "Bash(git log *)"], disallowed: [], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "-p", "x", "--allowed-tools", "Bash Read Edit Write mcp__gitlab"],
                     allowed: ["Bash", "Read", "Edit", "Write", "mcp__gitlab"], disallowed: [], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "-p", "x", "--allowedTools", "Bash(git diff *),Bash(git log *)"],
                     allowed: ["Bash(git diff *)", "Bash(git log *)"], disallowed: [], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "-p", "x", "--allowedTools", "Bash(gh pr comment:*), Read"],
                     allowed: ["Bash(gh pr comment:*)", "Read"], disallowed: [], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "-p", "x", "--allowedTools=Read,Edit"],
                     allowed: ["Read", "Edit"], disallowed: [], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "--allowedTools", "Read", "--disallowedTools", "Bash(curl:*)", "WebFetch", "-p", "x"],
                     allowed: ["Read"], disallowed: ["Bash(curl:*)", "WebFetch"], prompt: "x", warns: false),
        ToolListCase(argv: ["claude", "--disallowed-tools=mcp__*", "--allowedTools", "Read", "--", "fix it"],
                     allowed: ["Read"], disallowed: ["mcp__*"], prompt: "fix it", warns: false),
        // #25978: the variadic list swallows the prompt, as claude does.
        ToolListCase(argv: ["claude", "-p", "--allowedTools", "Bash", "fix it"],
                     allowed: ["Bash", "fix", "it"], disallowed: [], prompt: nil, warns: true),
        ToolListCase(argv: ["claude", "-p", "--allowedTools=Bash", "fix it"],
                     allowed: ["Bash"], disallowed: [], prompt: "fix it", warns: false),
        ToolListCase(argv: ["claude", "-p", "--disallowedTools", "WebFetch", "Summarize the repository"],
                     allowed: [], disallowed: ["WebFetch", "Summarize", "the", "repository"], prompt: nil, warns: true),
        ToolListCase(argv: ["claude", "-p", "--allowedTools", "Read", "Edit"],
                     allowed: ["Read", "Edit"], disallowed: [], prompt: nil, warns: true),
    ]

    @Test("tool lists in comma, space and several-argument forms", arguments: toolListCases)
    func toolLists(_ testCase: ToolListCase) throws {
        let invocation = try ClaudeArgumentParser.parse(testCase.argv)
        #expect(invocation.allowedTools.map(\.text) == testCase.allowed)
        #expect(invocation.disallowedTools.map(\.text) == testCase.disallowed)
        #expect(invocation.prompt == testCase.prompt)
        #expect(invocation.warnings.contains { $0.contains("#25978") } == testCase.warns, "\(invocation.warnings)")
    }

    @Test("a variadic path option that swallows the prompt warns")
    func addDirSwallow() throws {
        let invocation = try ClaudeArgumentParser.parse(["claude", "-p", "--add-dir", "../a", "summarize the repo"])
        #expect(invocation.addDirs == ["../a", "summarize the repo"])
        #expect(invocation.prompt == nil)
        #expect(invocation.warnings.contains { $0.contains("--add-dir") && $0.contains("#25978") })
    }

    struct ModeCase: Sendable, CustomTestStringConvertible {
        let raw: String
        let mode: PermissionMode
        var testDescription: String { raw }
    }

    static let modeCases: [ModeCase] = [
        ModeCase(raw: "default", mode: .default),
        ModeCase(raw: "manual", mode: .default),
        ModeCase(raw: "acceptEdits", mode: .acceptEdits),
        ModeCase(raw: "plan", mode: .plan),
        ModeCase(raw: "auto", mode: .auto),
        ModeCase(raw: "dontAsk", mode: .dontAsk),
        ModeCase(raw: "bypassPermissions", mode: .bypassPermissions),
        ModeCase(raw: "yolo", mode: .unknown("yolo")),
        ModeCase(raw: "AcceptEdits", mode: .unknown("AcceptEdits")),
    ]

    @Test("permission modes keep the raw text and parse it", arguments: modeCases)
    func permissionMode(_ testCase: ModeCase) throws {
        let spaced = try ClaudeArgumentParser.parse(["claude", "-p", "x", "--permission-mode", testCase.raw])
        let joined = try ClaudeArgumentParser.parse(["claude", "--permission-mode=\(testCase.raw)", "-p", "x"])
        for invocation in [spaced, joined] {
            #expect(invocation.permissionModeRaw == testCase.raw)
            #expect(invocation.permissionMode == testCase.mode)
            #expect(invocation.effectivePermissionMode == testCase.mode)
        }
    }

    @Test("dangerous flags and the effective mode")
    func dangerousFlags() throws {
        let invocation = try ClaudeArgumentParser.parse([
            "claude", "-p", "x", "--permission-mode", "plan", "--dangerously-skip-permissions", "--allow-dangerously-skip-permissions",
        ])
        #expect(invocation.dangerouslySkipPermissions)
        #expect(invocation.allowDangerouslySkipPermissions)
        #expect(invocation.permissionMode == .plan)
        #expect(invocation.effectivePermissionMode == .bypassPermissions)
    }

    @Test("every recorded option")
    func options() throws {
        let invocation = try ClaudeArgumentParser.parse([
            "claude", "--print", "--debug=mcp,startup", "--debug-file", "/tmp/d.txt", "--verbose", "--output-format", "stream-json",
            "--max-turns", "12", "--model", "opus", "--setting-sources", "user, project", "--settings", #"{"disableAllHooks":true}"#,
            "--strict-mcp-config", "--mcp-config", "a.json", #"{"mcpServers":{}}"#, "--bare", "--tools", "Bash,Edit",
            "--add-dir", "../lib", "--permission-prompt-tool", "mcp__gate__approve", "--append-system-prompt", "be careful",
            "--no-session-persistence", "the prompt",
        ])
        #expect(invocation.isPrint)
        #expect(invocation.debug)
        #expect(invocation.debugFilter == "mcp,startup")
        #expect(invocation.debugFile == "/tmp/d.txt")
        #expect(invocation.verbose)
        #expect(invocation.outputFormat == "stream-json")
        #expect(invocation.maxTurns == 12)
        #expect(invocation.model == "opus")
        #expect(invocation.settingSources == ["user", "project"])
        #expect(invocation.settings == [#"{"disableAllHooks":true}"#])
        #expect(invocation.strictMCPConfig)
        #expect(invocation.mcpConfigs == ["a.json", #"{"mcpServers":{}}"#])
        #expect(invocation.isBare)
        #expect(invocation.tools == ["Bash", "Edit"])
        #expect(invocation.addDirs == ["../lib"])
        #expect(invocation.permissionPromptTool == "mcp__gate__approve")
        #expect(invocation.prompt == "the prompt")
        #expect(invocation.unknownFlags.isEmpty)
        #expect(invocation.warnings.isEmpty)
    }

    @Test("-d/--debug takes the next word that does not start with a dash as its filter, as commander does")
    func debugFilterBinding() throws {
        let invocation = try ClaudeArgumentParser.parse(["claude", "-p", "--debug", "api,hooks"])
        #expect(invocation.debug)
        #expect(invocation.debugFilter == "api,hooks")
        #expect(invocation.prompt == nil)
        #expect(invocation.warnings.contains { $0.contains("--debug took 'api,hooks'") })
        let before = try ClaudeArgumentParser.parse(["claude", "-d", "--verbose", "-p", "task"])
        #expect(before.debugFilter == nil)
        #expect(before.prompt == "task")
    }

    @Test("options that take a value although they read like switches", arguments: [
        "--effort", "--autocompact", "-n", "--name", "--environment", "--permission-prompts", "--plugin-url",
        "--managed-settings", "--inherit-permission-mode", "--thinking", "--task-budget", "--prefill",
        "--project-config-root", "--team-name",
    ])
    func valueOptions(option: String) throws {
        let invocation = try ClaudeArgumentParser.parse(["claude", option, "value", "-p", "the prompt"])
        #expect(invocation.prompt == "the prompt")
        #expect(invocation.extraPositionals.isEmpty)
    }

    @Test("options with an optional value take the next word unless it starts with a dash", arguments: [
        "--cloud", "--from-pr", "--remote-control", "--teleport", "-w", "--worktree", "-r", "--resume",
    ])
    func optionalValueOptions(option: String) throws {
        #expect(try ClaudeArgumentParser.parse(["claude", "-p", "task", option, "word"]).extraPositionals.isEmpty)
        #expect(try ClaudeArgumentParser.parse(["claude", option, "-p", "task"]).prompt == "task")
    }

    @Test("--tools \"\" means no built-in tools; absent means nil")
    func toolsOption() throws {
        #expect(try ClaudeArgumentParser.parse(["claude", "-p", "x", "--tools", ""]).tools == [])
        #expect(try ClaudeArgumentParser.parse(["claude", "-p", "x", "--tools", "default"]).tools == ["default"])
        #expect(try ClaudeArgumentParser.parse(["claude", "-p", "x"]).tools == nil)
    }

    @Test("clustered short flags and bad values")
    func clustersAndBadValues() throws {
        let invocation = try ClaudeArgumentParser.parse(["claude", "-pd", "--max-turns", "many", "hello"])
        #expect(invocation.isPrint)
        #expect(invocation.debug)
        #expect(invocation.maxTurns == nil)
        #expect(invocation.warnings.contains { $0.contains("--max-turns") })
        #expect(invocation.prompt == "hello")
    }

    @Test("an option the pinned CLI does not have is an error naming it, never its value")
    func unknownOptions() {
        #expect(throws: ClaudeArgumentParserError.unknownOption(source: "ci.yml:3", option: "--frobnicate")) {
            try ClaudeArgumentParser.parse(["claude", "-p", "x", "--frobnicate=sk-secret-value"], source: "ci.yml:3")
        }
        #expect(throws: ClaudeArgumentParserError.unknownOption(source: "ci.yml:3", option: "-x")) {
            try ClaudeArgumentParser.parse(["claude", "-p", "x", "-x"], source: "ci.yml:3")
        }
    }

    @Test("repeated --permission-mode and --settings warn; the last mode applies")
    func repeats() throws {
        let invocation = try ClaudeArgumentParser.parse([
            "claude", "-p", "x", "--permission-mode", "plan", "--permission-mode", "acceptEdits", "--settings", "a.json", "--settings", "b.json",
        ])
        #expect(invocation.permissionMode == .acceptEdits)
        #expect(invocation.settings == ["a.json", "b.json"])
        #expect(invocation.warnings.count == 2)
    }

    @Test("subcommands and informational flags do not start a session")
    func subcommands() throws {
        let mcp = try ClaudeArgumentParser.parse(["claude", "mcp", "add", "--transport", "http", "x", "https://x"])
        #expect(mcp.subcommand == "mcp")
        #expect(!mcp.isAgentRun)
        #expect(mcp.unknownFlags.isEmpty)
        let version = try ClaudeArgumentParser.parse(["claude", "--version"])
        #expect(version.showsVersionOrHelp)
        #expect(!version.isAgentRun)
    }

    @Test("an option without its value is an error naming the source")
    func missingValue() {
        #expect(throws: ClaudeArgumentParserError.missingValue(source: "ci.yml:4", option: "--permission-mode")) {
            try ClaudeArgumentParser.parse(["claude", "-p", "x", "--permission-mode"], source: "ci.yml:4")
        }
        #expect(throws: ClaudeArgumentParserError.missingValue(source: "command line", option: "--allowedTools")) {
            try ClaudeArgumentParser.parse(["claude", "-p", "x", "--allowedTools"])
        }
        let message = ClaudeArgumentParserError.missingValue(source: "ci.yml:4", option: "--model").description
        #expect(message == "ci.yml:4: option '--model' needs a value (claude would refuse to start)")
    }

    @Test("extra positionals are reported")
    func extraPositionals() throws {
        let invocation = try ClaudeArgumentParser.parse(["claude", "-p", "one", "two"])
        #expect(invocation.prompt == "one")
        #expect(invocation.extraPositionals == ["two"])
        #expect(invocation.warnings.contains { $0.contains("'two'") })
    }

    @Test("shell words feed the parser: quoting is kept through a real command line")
    func fromShellWords() throws {
        let words = try ShellWords.split(
            #"timeout 900 claude -p "$PROMPT" --permission-mode dontAsk --allowedTools 'Bash(swift test:*)' Read --max-turns 20 > out.jsonl"#)
        let invocation = try ClaudeArgumentParser.parse(words)
        #expect(invocation.wrappers == ["timeout"])
        #expect(invocation.prompt == "$PROMPT")
        #expect(invocation.permissionMode == .dontAsk)
        #expect(invocation.allowedTools.map(\.text) == ["Bash(swift test:*)", "Read"])
        #expect(invocation.maxTurns == 20)
    }
}
