import Foundation
import Testing
import TestSupport

@Suite struct PreCommandTests {
    static let seedCommand = """
    claude -p "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}" --permission-mode acceptEdits \
    --allowedTools "Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab" --debug
    """

    static let seedJob = """
    stages:
      - ai
    claude:
      stage: ai
      image: node:24-alpine3.21
      rules:
        - if: '$CI_PIPELINE_SOURCE == "web"'
        - if: '$CI_PIPELINE_SOURCE == "merge_request_event"'
      variables:
        GIT_STRATEGY: fetch
      before_script:
        - apk update
        - apk add --no-cache git curl bash
        - npm install -g @anthropic-ai/claude-code
      script:
        - /bin/gitlab-mcp-server || true
        - echo "$AI_FLOW_INPUT for $AI_FLOW_CONTEXT on $AI_FLOW_EVENT"
        - >
          claude
          -p "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}"
          --permission-mode acceptEdits
          --allowedTools "Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab"
          --debug
    """

    private func repository(files: [String: String] = [:]) throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: files.merging(["README.md": "x\n"]) { old, _ in old })
        return scratch
    }

    private func rules(in jsonReport: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: jsonReport))
        let record = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let findings = record?["findings"] as? [[String: Any]] ?? []
        var result: [String: String] = [:]
        for finding in findings {
            if let rule = finding["rule"] as? String, let action = finding["action"] as? String {
                result[rule] = result[rule] == "block" ? "block" : action
            }
        }
        return result
    }

    @Test func theSeedJobIsBlockedAsArgumentsAndAsACIJob() throws {
        let scratch = try repository()
        try scratch.write(".gitlab-ci.yml", Self.seedJob)
        for source in [["--claude-args", Self.seedCommand], ["--ci-config", scratch.path + "/.gitlab-ci.yml", "--job", "claude"]] {
            let report = scratch.path + "/pre.json"
            let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/state.json",
                                               "--report", "json=" + report] + source)
            #expect(outcome.status == 1, "\(outcome.stderr)")
            let found = try rules(in: report)
            #expect(found["tools.unscoped"] == "block")
            #expect(found["ci.debug-logging"] == "warn")
        }
    }

    @Test func aTightlyScopedInvocationPassesAndWritesTheState() throws {
        let scratch = try repository()
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/state.json", "--claude-args",
                                           "claude -p 'fix the test' --permission-mode dontAsk --allowedTools 'Read,Edit,Bash(swift test:*)' mcp__gitlab"])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/state.json"))) as? [String: Any]
        #expect((state?["baseline"] as? String)?.count == 40)
        #expect(state?["git_config_sha256"] is String)
    }

    @Test(arguments: [
        ("-p t --permission-mode bypassPermissions", [String: String](), [String: String](), "permission-mode.forbidden"),
        ("-p t --dangerously-skip-permissions", [:], [:], "permission-mode.forbidden"),
        ("-p t --permission-mode yolo", [:], [:], "permission-mode.forbidden"),
        ("-p t --allowedTools 'Bash(docker run:*)'", [:], [:], "tools.not-allowed"),
        ("-p t --allowedTools 'Bash(curl -s:*)'", [:], [:], "tools.denied"),
        ("-p t", [".claude/settings.json": #"{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"./h.sh"}]}]}}"#], [:], "settings.repo-grants"),
        ("-p t", [".mcp.json": #"{"mcpServers":{"x":{"command":"npx","args":["srv"]}}}"#], [:], "settings.repo-grants"),
        ("-p t --setting-sources user --settings ci/agent.json", ["ci/agent.json": #"{"permissions":{"allow":["Bash"]}}"#], [:],
         "settings.repo-grants"),
        ("-p t --strict-mcp-config --mcp-config ./ci/mcp.json", ["ci/mcp.json": #"{"mcpServers":{"x":{"command":"./srv"}}}"#], [:],
         "settings.repo-grants"),
        (#"-p t --settings '{"permissions":{"allow":["Bash(docker run:*)"]}}'"#, [:], [:], "tools.not-allowed"),
        ("-p 'use token TOKEN_HERE'", [:], [:], "ci.secret-in-config"),
        ("-p t", [:], ["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"], "branch.protected-target"),
        ("-p t", [:], ["CI_PIPELINE_SOURCE": "web", "CI_COMMIT_BRANCH": "release/1.4"], "branch.protected-target"),
    ])
    func eachRiskIsBlockedWithItsRule(arguments: String, files: [String: String], environment: [String: String], rule: String) throws {
        let scratch = try repository(files: files)
        let report = scratch.path + "/pre.json"
        let commandLine = "claude " + arguments.replacingOccurrences(of: "TOKEN_HERE", with: FakeSecrets.gitlabToken)
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json",
                                           "--report", "json=" + report, "--claude-args", commandLine], environment: environment)
        #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        #expect(try rules(in: report)[rule] == "block")
        #expect(!outcome.allOutput.contains(FakeSecrets.gitlabToken))
        #expect(!(try String(contentsOfFile: report, encoding: .utf8)).contains(FakeSecrets.gitlabToken))
    }

    @Test(arguments: [
        (["--policy", "POLICY"], "agent:\n  permision_modes: [plan]\n", "unknown key 'permision_modes'"),
        (["--policy", "POLICY"], "rules: [oops\n", "invalid YAML"),
        (["--ci-config", "/nonexistent/.gitlab-ci.yml", "--job", "claude"], "", "cannot read the CI configuration"),
        (["--ci-config", "CI", "--job", "no-such-job"], "", "no-such-job"),
    ])
    func undecidableInputsExitTwoWithOneLine(extra: [String], policy: String, expected: String) throws {
        let scratch = try repository()
        try scratch.write("policy.yml", policy)
        try scratch.write(".gitlab-ci.yml", Self.seedJob)
        var arguments = ["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json"]
        arguments += extra.map { $0 == "POLICY" ? scratch.path + "/policy.yml" : $0 == "CI" ? scratch.path + "/.gitlab-ci.yml" : $0 }
        if !extra.contains("--ci-config") { arguments += ["--claude-args", "claude -p t --permission-mode plan"] }
        let outcome = try GateProcess.run(arguments)
        #expect(outcome.status == 2, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test func policyRefReadsThePolicyFromThatCommit() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: [".policy-gate.yml": "agent:\n  permission_modes: [plan]\n"])
        try git.run("checkout", "-q", "-b", "agent")
        try scratch.write(".policy-gate.yml", "agent:\n  permission_modes: [plan, acceptEdits]\n")
        _ = try git.commitAll()
        let arguments = ["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json", "--claude-args", "claude -p t --permission-mode acceptEdits"]
        #expect(try GateProcess.run(arguments).status == 0)
        #expect(try GateProcess.run(arguments + ["--policy-ref", "main"]).status == 1)
    }

    @Test func explainListsEveryRuleAndUnknownIDsExitTwo() throws {
        let catalogue = try GateProcess.run(["explain"])
        #expect(catalogue.status == 0)
        #expect(catalogue.stdout.contains("`tools.unscoped`"))
        let unknown = try GateProcess.run(["explain", "secret.leak"])
        #expect(unknown.status == 2)
    }
}
