import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

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

/// Defaults are stated once, in `rules/policy.yml`; the typed keys and origin.
@Suite struct PolicyDefaultsTests {
    /// The document with lines and the record of stated keys dropped, so two files' values compare.
    private static func values(_ document: PolicyDocument) -> String {
        var copy = document
        copy.statedPaths = []
        func strip(_ list: [PolicyDocument.Located<String>]) -> [PolicyDocument.Located<String>] {
            list.map { .init(value: $0.value, line: nil) }
        }
        copy.permissionModes = strip(copy.permissionModes)
        copy.allow = strip(copy.allow)
        copy.deny = strip(copy.deny)
        copy.writable = strip(copy.writable)
        copy.protected = strip(copy.protected)
        copy.protectedBranches = strip(copy.protectedBranches)
        copy.allowedHosts = strip(copy.allowedHosts)
        copy.agentEnvironment = strip(copy.agentEnvironment)
        return String(describing: copy)
    }

    @Test func theBuiltInPolicyMustStateEveryKey() throws {
        let complete = try PolicyDocument.readBuiltIn(text: EmbeddedDefaults.policyYAML, knownRuleIDs: RuleRegistry.ids)
        #expect(complete.statedPaths == Set(PolicyDocument.keyPaths))
        let missing = EmbeddedDefaults.policyYAML.replacingOccurrences(of: "  max_changed_lines: 10000\n", with: "")
        #expect(missing != EmbeddedDefaults.policyYAML)
        #expect(throws: PolicyError(file: "built-in", line: nil, reason: "the built-in policy does not state 'workspace.max_changed_lines'")) {
            try PolicyDocument.readBuiltIn(text: missing, knownRuleIDs: RuleRegistry.ids)
        }
    }

    @Test func theStarterFileSpellsOutTheDefaults() throws {
        let builtIn = try PolicyDocument.readBuiltIn(text: EmbeddedDefaults.policyYAML, knownRuleIDs: RuleRegistry.ids)
        let starter = try PolicyDocument.readBuiltIn(text: EmbeddedDefaults.starterPolicyYAML, knownRuleIDs: RuleRegistry.ids)
        #expect(Self.values(starter) == Self.values(builtIn))
        #expect(Self.values(starter).contains("maxChangedLines: 10000"))
    }

    @Test func theReadmeDocumentsEveryKey() throws {
        let readme = try String(contentsOfFile: PackagePaths.root + "/README.md", encoding: .utf8)
        for path in PolicyDocument.keyPaths where path != "version" && path != "rules" {
            #expect(readme.contains("| `\(path)` |"), "README's policy table lacks \(path)")
        }
    }

    @Test func keyEnumsDriveValidation() {
        #expect {
            _ = try PolicyLoader.load(text: "transcript:\n  allowed_host: [a]\n", source: "p.yml")
        } throws: { error in
            String(describing: error) == "policy p.yml:2: unknown key 'allowed_host' in 'transcript' (did you mean 'allowed_hosts'?)"
        }
    }

    /// A policy file whose name looks like `REV:path` is still a file: its rule file is read from disk beside
    /// it, never from that revision of the repository.
    @Test func aFileNamedLikeARevisionIsAFile() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: ["rules.toml": "[[rules]]\nid = \"from-git\"\nregex = '''gitrule_[a-z]{8}'''\n"])
        let policy = try PolicyLoader.load(text: "secrets:\n  rules: rules.toml\n", source: "HEAD:policy.yml")
        #expect(policy.origin == .file(path: "HEAD:policy.yml"))
        #expect(throws: SecretRulesError.self) { try PolicySource.secretRules(for: policy, repository: scratch.path) }

        let committed = try PolicyLoader.load(text: "secrets:\n  rules: rules.toml\n", origin: .commit(revision: "HEAD", path: ".policy-gate.yml"))
        #expect(committed.source == "HEAD:.policy-gate.yml")
        #expect(try PolicySource.secretRules(for: committed, repository: scratch.path).rule(id: "from-git") != nil)
        #expect(try PolicyLoader.builtIn().origin == .builtIn)
    }
}
