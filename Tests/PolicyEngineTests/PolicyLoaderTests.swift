import Testing
@testable import PolicyEngine

@Suite struct PolicyLoaderTests {
    @Test func builtInPolicyLoads() throws {
        let policy = try PolicyLoader.builtIn()
        #expect(policy.agent.permissionModes.contains(.acceptEdits))
        #expect(!policy.agent.permissionModes.contains(.bypassPermissions))
        #expect(policy.workspace.protected.match(".gitlab-ci.yml") != nil)
        #expect(policy.protectedBranches.contains { $0.matches("release/1.0") })
        #expect(policy.ruleActions["diff.too-large"] == nil || policy.ruleActions["diff.too-large"] == .warn)
    }

    @Test func absentKeysKeepTheDefaults() throws {
        let policy = try PolicyLoader.load(text: "workspace:\n  max_changed_files: 5\n", source: "p.yml")
        #expect(policy.workspace.maxChangedFiles == 5)
        #expect(policy.workspace.maxChangedLines == 10_000)
        #expect(!policy.agent.allow.isEmpty)
    }

    @Test(arguments: [
        ("agent:\n  permision_modes: [plan]\n", "policy p.yml:2: unknown key 'permision_modes' in 'agent' (did you mean 'permission_modes'?)"),
        ("rules:\n  secret.leak: warn\n", "policy p.yml:2: unknown rule id 'secret.leak'"),
        ("rules:\n  tools.unscoped: maybe\n", "action 'maybe' is not one of block, warn, off"),
        ("version: 2\n", "version 2 is not supported"),
        ("agent:\n  permission_modes: [yolo]\n", "policy p.yml:2: unknown permission mode 'yolo'"),
        ("agent:\n  tools:\n    allow: [\"Bash(git\"]\n", "is not a permission rule"),
        ("workspace:\n  max_changed_files: lots\n", "must be a whole number"),
        ("agent: [1, 2\n", "invalid YAML"),
        ("a: &a [x, x]\nb: *a\n", "unknown key 'a'"),
        ("workspace:\n  writable: [1, [2]]\n", "'workspace.writable' entries must be text"),
    ])
    func invalidPoliciesFailWithFileLineAndReason(yaml: String, expected: String) {
        #expect {
            _ = try PolicyLoader.load(text: yaml, source: "p.yml")
        } throws: { error in
            let text = String(describing: error)
            return text.contains(expected) && !text.contains("\n")
        }
    }

    @Test func exponentialAliasesAreRefusedQuickly() {
        var yaml = "x0: &x0 [\"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\"]\n"
        for level in 1...9 {
            yaml += "x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += "workspace:\n  protected: *x9\n"
        #expect(throws: PolicyError.self) { try PolicyLoader.load(text: yaml, source: "laughs.yml") }
    }

    @Test(arguments: [
        (".env", "**/.env", true), ("config/.env", "**/.env", true), ("src/app.py", "**/.env", false),
        (".gitlab-ci.yml", ".gitlab-ci.yml", true), ("sub/.gitlab-ci.yml", "/.gitlab-ci.yml", false),
        ("sub/CODEOWNERS", "CODEOWNERS", true), (".claude/settings.json", ".claude/**", true),
        (".claude/settings.json", ".claude/", true), ("docs/a/b.md", "docs/*.md", false), ("docs/b.md", "docs/*.md", true),
        ("key.pem", "**/*.pem", true), ("a/b/c.pem", "*.pem", true), ("src/x.swift", "src", true), ("srcx/y", "src", false),
    ])
    func workspaceGlobsFollowGitignore(path: String, pattern: String, matches: Bool) throws {
        #expect(try WorkspaceGlob(pattern).matches(path) == matches)
    }

    @Test func negatedPatternsUnmatch() throws {
        let list = WorkspaceGlobList([try WorkspaceGlob("**/.env*"), try WorkspaceGlob("!.env.example")])
        #expect(list.match("app/.env.local") != nil)
        #expect(list.match(".env.example") == nil)
    }
}
