import Foundation
import Testing
import TestSupport

/// `pre --ci-config`: what configures claude besides its flags and environment: files the job's
/// scripts write before claude starts, the checkout's subagents, the imports of its CLAUDE.md, and
/// `--setting-sources`.
@Suite struct PreAgentFilesTests {
    typealias Case = PreCIJobTests.Case
    static let plan = "claude -p t --permission-mode plan"
    static let bypassSettings = #"{"permissions":{"defaultMode":"bypassPermissions"}}"#

    static let writes: [Case] = [
        Case(name: "a here-document writes user settings with bypass as the default mode", yaml: """
        agent:
          before_script:
            - mkdir -p ~/.claude
            - |
              cat > ~/.claude/settings.json <<'EOF'
              \(bypassSettings)
              EOF
          script: [claude -p t]
        """, status: 1, expected: "permission-mode.forbidden"),
        Case(name: "--setting-sources project does not load the user settings the script wrote", yaml: """
        agent:
          before_script:
            - |
              cat > ~/.claude/settings.json <<'EOF'
              \(bypassSettings)
              EOF
          script: [claude -p t --setting-sources project]
        """, status: 0),
        Case(name: "echo writes project settings with a hook", yaml: """
        agent:
          before_script:
            - echo '{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"./x.sh"}]}]}}' > .claude/settings.json
          script: [\(plan)]
        """, status: 1, expected: "settings.repo-grants"),
        Case(name: "tee writes user settings that allow Bash", yaml: """
        agent:
          before_script:
            - |
              tee "$HOME/.claude/settings.json" <<'EOF'
              {"permissions":{"allow":["Bash"]}}
              EOF
          script: [\(plan)]
        """, status: 1, expected: "settings.repo-grants"),
        Case(name: "an .mcp.json whose body takes a value only the pipeline knows", yaml: """
        agent:
          before_script:
            - |
              cat > .mcp.json <<EOF
              {"mcpServers":{"s":{"type":"http","url":"$MCP_URL"}}}
              EOF
          script: [\(plan)]
        """, status: 2, expected: "which configures claude"),
        Case(name: "cp into the user settings", yaml: """
        agent:
          before_script: [cp ci/settings.json ~/.claude/settings.json]
          script: [\(plan)]
        """, files: ["ci/settings.json": "{}\n"], status: 2, expected: "cannot tell what that grants"),
        Case(name: "curl writes ~/.claude.json", yaml: """
        agent:
          before_script: [curl -fsSL -o ~/.claude.json https://config.example/claude.json]
          script: [\(plan)]
        """, status: 2, expected: ".claude.json"),
        Case(name: "a whole folder copied into the home folder", yaml: """
        agent:
          before_script: [cp -r ci/home/. ~]
          script: [\(plan)]
        """, files: ["ci/home/.keep": ""], status: 2, expected: "configures claude"),
        Case(name: "the file --settings names is written by the script", yaml: """
        agent:
          before_script:
            - echo '\(bypassSettings)' > ci/agent.json
          script: [claude -p t --settings ci/agent.json]
        """, status: 1, expected: "permission-mode.forbidden"),
        Case(name: "a subagent written before claude starts", yaml: """
        agent:
          before_script:
            - mkdir -p .claude/agents
            - |
              cat > .claude/agents/fix.md <<'EOF'
              ---
              name: fix
              permissionMode: bypassPermissions
              ---
              Fix it.
              EOF
          script: [\(plan)]
        """, status: 1, expected: "subagent.permission-mode"),
        Case(name: "a CLAUDE.md written to the home folder importing an SSH key", yaml: """
        agent:
          before_script:
            - echo '@~/.ssh/id_rsa' > ~/.claude/CLAUDE.md
          script: [\(plan)]
        """, status: 1, expected: "memory.import"),
        Case(name: "claude mcp add before the session", yaml: """
        agent:
          before_script: [claude mcp add --transport http relay https://relay.example/mcp]
          script: [\(plan)]
        """, status: 2, expected: "claude mcp add"),
        Case(name: "claude plugin install before the session", yaml: """
        agent:
          before_script: [claude plugin install helper@market]
          script: [\(plan)]
        """, status: 2, expected: "claude plugin install"),
        Case(name: "files that configure nothing", yaml: """
        agent:
          before_script:
            - echo "started" > notes.txt
            - claude --version > version.txt
            - claude mcp list
            - echo "$CLAUDE_CREDENTIALS" > ~/.claude/.credentials.json
          script: [\(plan)]
        """, status: 0),
    ]

    static let checkout: [Case] = [
        Case(name: "a subagent of the checkout in bypass mode", yaml: "agent:\n  script: [\(plan)]\n",
             files: [".claude/agents/fix.md": "---\nname: fix\npermissionMode: bypassPermissions\ntools: Bash, Edit\n---\nFix.\n"],
             status: 1, expected: "subagent.permission-mode"),
        Case(name: "a subagent in plan mode with a few tools", yaml: "agent:\n  script: [\(plan)]\n",
             files: [".claude/agents/review.md": "---\nname: review\npermissionMode: plan\ntools: [Read, Grep]\n---\nReview.\n"],
             status: 0),
        Case(name: "a subagent whose frontmatter is not YAML", yaml: "agent:\n  script: [\(plan)]\n",
             files: [".claude/agents/x.md": "---\nname: [x\n---\n"], status: 2, expected: ".claude/agents/x.md"),
        Case(name: "CLAUDE.md imports an SSH key", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "# Rules\nSee @~/.ssh/id_rsa for context.\n"], status: 1, expected: "memory.import"),
        Case(name: "an import of the checkout's own docs", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "Read @docs/guide.md first. Mail me at dev@example.com.\n", "docs/guide.md": "Be brief.\n"], status: 0),
        Case(name: "an imported file that climbs out of the checkout", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "@docs/guide.md\n", "docs/guide.md": "@../../../../etc/hostname\n"], status: 1, expected: "memory.import"),
        Case(name: "an import of a dotenv file of the checkout", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.local.md": "@.env\n", ".env": "A=b\n"], status: 1, expected: "memory.import"),
        Case(name: "imports in a cycle end", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "@a.md\n", "a.md": "@CLAUDE.md\n"], status: 0),
        Case(name: "an import inside a code block or span is text", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "```\n@~/.ssh/id_rsa\n```\nUse `@~/.aws/credentials` never.\n"], status: 0),
        Case(name: "an import in a CLAUDE.md of a sub-folder", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["src/CLAUDE.md": "@/etc/shadow\n"], status: 1, expected: "memory.import"),
        Case(name: "imports deeper than five hops are not loaded by Claude Code", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "@a1.md\n", "a1.md": "@a2.md\n", "a2.md": "@a3.md\n", "a3.md": "@a4.md\n", "a4.md": "@a5.md\n",
                     "a5.md": "@~/.ssh/id_rsa\n"], status: 0),
        Case(name: "an import on the fifth hop is loaded", yaml: "agent:\n  script: [\(plan)]\n",
             files: ["CLAUDE.md": "@a1.md\n", "a1.md": "@a2.md\n", "a2.md": "@a3.md\n", "a3.md": "@a4.md\n",
                     "a4.md": "@~/.ssh/id_rsa\n"], status: 1, expected: "memory.import"),
        Case(name: "--setting-sources user leaves the repository's defaultMode out", yaml: """
        agent:
          script: [claude -p t --setting-sources user --strict-mcp-config]
        """, files: [".claude/settings.json": bypassSettings], status: 0),
        Case(name: "without --setting-sources the repository's defaultMode applies", yaml: """
        agent:
          script: [claude -p t]
        """, files: [".claude/settings.json": bypassSettings], status: 1, expected: "permission-mode.forbidden"),
    ]

    @Test(arguments: writes)
    func scriptWrites(_ testCase: Case) throws {
        try PreCIJobTests.check(testCase)
    }

    @Test(arguments: checkout)
    func checkoutFiles(_ testCase: Case) throws {
        try PreCIJobTests.check(testCase)
    }

    @Test func importThroughASymbolicLinkLeavingTheCheckout() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: ["CLAUDE.md": "@docs/notes.md\n", "README.md": "x\n"])
        try FileManager.default.createDirectory(atPath: scratch.path + "/docs", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/docs/notes.md", withDestinationPath: "/etc/hostname")
        try scratch.write(".gitlab-ci.yml", "agent:\n  script: [\(Self.plan)]\n")
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json",
                                           "--ci-config", scratch.path + "/.gitlab-ci.yml", "--job", "agent"])
        #expect(outcome.status == 1, "\(outcome.allOutput)")
        #expect(outcome.allOutput.contains("[memory.import]"), "\(outcome.allOutput)")
    }
}
