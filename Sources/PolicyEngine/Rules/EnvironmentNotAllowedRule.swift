/// Pre stage. Variables that configure claude (its endpoint, credentials, settings folder, Node.js
/// options, proxies, the shell its Bash tool starts …) set by the agent's job, in front of the claude
/// command or by a script before it, must be on the agent's allow-list: the runner's built-in one and
/// `agent.environment`. `PATH` and `SHELL` may be set, but not to the checkout. Under `policy-gate run`
/// the job's variables off the list never reach the agent, so only the command's own prefix and
/// `PATH`/`SHELL` are judged there. Reads `Facts.invocation`, `Facts.ciJob` and `Facts.workspaceRoot`.
enum EnvironmentNotAllowedRule: PolicyRule {
    static let description = RuleDescription(
        id: "environment.not-allowed",
        title: "The job configures the agent through its environment",
        rationale: """
        ANTHROPIC_BASE_URL sends the session, and its key, to another server; NODE_OPTIONS=--require loads \
        code into claude; CLAUDE_CONFIG_DIR and HOME choose its settings; a proxy sees its traffic; a PATH \
        into the checkout replaces claude itself. Whoever edits the CI file can set them, so only the names \
        the policy lets through may reach the agent.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("the API key, which the default policy lets through", violations: 0) {
                try .pre("ANTHROPIC_API_KEY=x claude -p task --permission-mode plan")
            },
            RuleExample("another endpoint in front of the command", violations: 1) {
                try .pre("ANTHROPIC_BASE_URL=https://relay.example claude -p task")
            },
            RuleExample("NODE_OPTIONS from the job's variables", violations: 1) {
                try .pre("-p task", ciJob: CIJobFacts(name: "agent", file: ".gitlab-ci.yml",
                                                      environment: [.init(name: "NODE_OPTIONS", value: "--require ./x.js", file: ".gitlab-ci.yml", line: 3)]))
            },
            RuleExample("a name the policy allows", violations: 0, policy: "agent:\n  environment: [ANTHROPIC_BASE_URL]\n") {
                try .pre("ANTHROPIC_BASE_URL=https://proxy.example claude -p task")
            },
            RuleExample("under the runner only the allow-list reaches the agent", violations: 0) {
                try .pre("-p task", ciJob: CIJobFacts(name: "agent", file: ".gitlab-ci.yml",
                                                      environment: [.init(name: "CLAUDE_CONFIG_DIR", value: "x", file: ".gitlab-ci.yml", line: 3)],
                                                      throughRunner: true))
            },
            RuleExample("PATH that keeps the image's folders", violations: 0) {
                try .pre("-p task", ciJob: CIJobFacts(name: "agent", file: ".gitlab-ci.yml",
                                                      environment: [.init(name: "PATH", value: "/opt/node/bin:$PATH", file: ".gitlab-ci.yml", line: 3)]))
            },
            RuleExample("PATH with a relative folder first", violations: 1) {
                try .pre("-p task", ciJob: CIJobFacts(name: "agent", file: ".gitlab-ci.yml",
                                                      environment: [.init(name: "PATH", value: "bin:$PATH", file: ".gitlab-ci.yml", line: 3)],
                                                      throughRunner: true))
            },
            RuleExample("a name that only shares bash's prefix", violations: 0) {
                try .pre("BASH_IMAGE=bash:5 claude -p task")
            },
            RuleExample("a variable bash runs at start", violations: 1) {
                try .pre("BASH_ENV=./ci/env.sh claude -p task")
            },
            RuleExample("switches that only turn things off, and a project's own DISABLE_ variable", violations: 0) {
                try .pre("DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_RPI_BUILDS=true claude -p task")
            },
            RuleExample("a switch that turns claude.ai's MCP servers on", violations: 1) {
                try .pre("ENABLE_CLAUDEAI_MCP_SERVERS=1 claude -p task")
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        let allowed = Set(AgentEnvironment.runtime + AgentEnvironment.pipelineContext + policy.agent.environment)
        var settings: [(setting: EnvironmentSetting, fromJob: Bool)] = []
        if let job = facts.ciJob { settings += job.environment.map { ($0, true) } }
        let source = facts.invocationSource ?? "the claude command"
        settings += (facts.invocation?.environment ?? [:]).sorted { $0.key < $1.key }.map {
            (EnvironmentSetting(name: $0.key, value: $0.value, file: source), false)
        }
        var violations: [Violation] = []
        var reported: Set<String> = []
        for (setting, fromJob) in settings where AgentEnvironmentKnobs.configures(setting.name) {
            let location = Finding.Location(path: setting.file, line: setting.line)
            let key = "\(setting.name):\(setting.file):\(setting.line ?? 0)"
            if AgentEnvironmentKnobs.searchPaths.contains(setting.name.uppercased()) {
                let entries = AgentEnvironmentKnobs.checkoutEntries(setting.value, name: setting.name.uppercased(), checkout: facts.workspaceRoot)
                if !entries.isEmpty, reported.insert(key).inserted {
                    violations.append(Violation("\(setting.name) lets the checkout choose the program (\(entries.joined(separator: ", ")))",
                                                location: location, fingerprint: "environment.not-allowed:\(key)"))
                }
                continue
            }
            if allowed.contains(setting.name) || (fromJob && (facts.ciJob?.throughRunner ?? false)) { continue }
            guard reported.insert(key).inserted else { continue }
            let why = AgentEnvironmentKnobs.family(of: setting.name).map { "starts with \($0), a family of variables claude or its runtime reads," }
                ?? "configures claude"
            violations.append(Violation("\(setting.name) \(why) and is not in agent.environment (rename it, or list it there)",
                                        location: location, fingerprint: "environment.not-allowed:\(key)"))
        }
        return violations
    }
}
