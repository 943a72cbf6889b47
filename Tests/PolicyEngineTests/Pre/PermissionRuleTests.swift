import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("PermissionRule")
struct PermissionRuleTests {
    struct ParseCase: Sendable, CustomTestStringConvertible {
        let text: String
        let tool: String
        let kind: PermissionRule.Kind
        var testDescription: String { text.isEmpty ? "(empty)" : text }
    }

    static let parseCases: [ParseCase] = [
        ParseCase(text: "Bash", tool: "Bash", kind: .tool),
        ParseCase(text: " Read ", tool: "Read", kind: .tool),
        ParseCase(text: "Bash(npm run test:*)", tool: "Bash", kind: .command("npm run test *")),
        ParseCase(text: "Bash(git:*)", tool: "Bash", kind: .command("git *")),
        ParseCase(text: "Bash(git:* push)", tool: "Bash", kind: .command("git:* push")),
        ParseCase(text: "Bash( git   diff  * )", tool: "Bash", kind: .command("git diff *")),
        ParseCase(text: "Bash(*)", tool: "Bash", kind: .command("*")),
        ParseCase(text: "PowerShell(Get-ChildItem *)", tool: "PowerShell", kind: .command("Get-ChildItem *")),
        ParseCase(text: "Read(//etc/**)", tool: "Read", kind: .path(.init("//etc/**"))),
        ParseCase(text: "Read(~/.ssh/**)", tool: "Read", kind: .path(.init("~/.ssh/**"))),
        ParseCase(text: "Edit(/src/**)", tool: "Edit", kind: .path(.init("/src/**"))),
        ParseCase(text: "Edit(./src/**)", tool: "Edit", kind: .path(.init("./src/**"))),
        ParseCase(text: "Read(.env)", tool: "Read", kind: .path(.init(".env"))),
        ParseCase(text: "WebFetch(domain:Example.COM)", tool: "WebFetch", kind: .domain("example.com")),
        ParseCase(text: "WebFetch(domain:*.x.com)", tool: "WebFetch", kind: .domain("*.x.com")),
        ParseCase(text: "mcp__gitlab", tool: "mcp__gitlab", kind: .mcp(server: "gitlab", tool: nil)),
        ParseCase(text: "mcp__gitlab__get_issue", tool: "mcp__gitlab__get_issue", kind: .mcp(server: "gitlab", tool: "get_issue")),
        ParseCase(text: "mcp__gitlab__*", tool: "mcp__gitlab__*", kind: .mcp(server: "gitlab", tool: "*")),
        ParseCase(text: "mcp__claude_ai_Gmail__search", tool: "mcp__claude_ai_Gmail__search", kind: .mcp(server: "claude_ai_Gmail", tool: "search")),
        ParseCase(text: "mcp__*", tool: "mcp__*", kind: .mcp(server: "*", tool: nil)),
        ParseCase(text: "*", tool: "*", kind: .allTools),
        ParseCase(text: "Bash(run_in_background:true)", tool: "Bash", kind: .parameter(name: "run_in_background", value: "true")),
        ParseCase(text: "Agent(model:opus)", tool: "Agent", kind: .parameter(name: "model", value: "opus")),
        ParseCase(text: "Agent(Explore)", tool: "Agent", kind: .other("Explore")),
        ParseCase(text: "Skill(deploy *)", tool: "Skill", kind: .other("deploy *")),
        ParseCase(text: "Bash(git", tool: "Bash", kind: .invalid("missing closing parenthesis")),
        ParseCase(text: "Bash(git diff *) Read", tool: "Bash", kind: .invalid("text after the closing parenthesis")),
        ParseCase(text: "comment:*)", tool: "comment:*)", kind: .invalid("invalid tool name 'comment:*)'")),
        ParseCase(text: "Bash()", tool: "Bash", kind: .invalid("empty parentheses")),
        ParseCase(text: "", tool: "", kind: .invalid("empty rule")),
        ParseCase(text: "Web*", tool: "Web*", kind: .invalid("a wildcard in a tool name is only accepted as '*' or in an mcp__ name")),
    ]

    @Test("parses tool names and specifier kinds", arguments: parseCases)
    func parse(_ testCase: ParseCase) {
        let rule = PermissionRule(testCase.text)
        #expect(rule.toolName == testCase.tool)
        #expect(rule.kind == testCase.kind)
        #expect(rule.description == testCase.text.trimmingCharacters(in: .whitespaces))
    }

    @Test("path anchors")
    func pathAnchors() {
        let expectations: [(String, PermissionRule.PathAnchor, String, Bool)] = [
            ("//etc/**", .filesystemRoot, "etc/**", false),
            ("~/.ssh/**", .home, ".ssh/**", false),
            ("~", .home, "", false),
            ("/src/**", .settingsSource, "src/**", false),
            ("./src/**", .workingDirectory, "src/**", false),
            ("./.env", .workingDirectory, ".env", false),
            (".env", .workingDirectory, ".env", true),
            ("build/", .workingDirectory, "build/", true),
            ("src/**", .workingDirectory, "src/**", false),
        ]
        for (raw, anchor, pattern, anyDepth) in expectations {
            let parsed = PermissionRule.PathPattern(raw)
            #expect(parsed.anchor == anchor, "\(raw)")
            #expect(parsed.pattern == pattern, "\(raw)")
            #expect(parsed.matchesAtAnyDepth == anyDepth, "\(raw)")
        }
    }

    static let blanketRules = [
        "Bash", "Bash(*)", "Bash(**)", "*", "mcp__*", "WebFetch", "WebFetch(domain:*)", "Read(**)", "Edit(**)", "Write(**)",
        "Read(*)", "Edit(*)", "Write(*)", "Read(//**)", "Read(~/**)", "Edit(/**)", "Read", "Edit", "Write", "PowerShell",
        "Bash(sh *)", "Bash(bash:*)", "Bash(bash -c *)", "Bash(python *)", "Bash(python3 -c *)", "Bash(python3.12 *)",
        "Bash(node *)", "Bash(node:*)", "Bash(eval *)", "Bash(python*)", "Bash(py*)", "Bash(/usr/bin/python3 *)",
        "Bash(* --version)", "Bash(env *)", "Bash(npx *)", "Bash(sudo *)", "Bash(xargs *)", "Bash(perl -e *)",
    ]

    @Test("blanket grants", arguments: blanketRules)
    func blanket(_ text: String) {
        let rule = PermissionRule(text)
        #expect(rule.isBlanket)
        #expect(rule.blanketReason?.isEmpty == false)
    }

    static let scopedRules = [
        "Bash(git status)", "Bash(npm test:*)", "Bash(python3 -m pytest *)", "Bash(python script.py)",
        "Bash(python script.py *)", "Bash(bash)", "Bash(git *)", "Bash(gitk *)", "Edit(src/**)", "Read(.env)",
        "Read(//etc/**)", "mcp__gitlab", "mcp__gitlab__*", "WebFetch(domain:*.x.com)", "Glob", "Grep", "WebSearch",
        "Agent", "Bash(run_in_background:true)", "Bash(git", "Edit(src/*.swift)",
    ]

    @Test("scoped (non-blanket) rules", arguments: scopedRules)
    func scoped(_ text: String) {
        #expect(!PermissionRule(text).isBlanket)
    }

    @Test("list splitting respects parentheses")
    func splitList() {
        #expect(PermissionRule.splitList("Bash(git diff *),Bash(git log *) Read , Edit") == ["Bash(git diff *)", "Bash(git log *)", "Read", "Edit"])
        #expect(PermissionRule.splitList("Bash(echo a, b)") == ["Bash(echo a, b)"])
        #expect(PermissionRule.splitList(" , ") == [])
    }

    @Test("Write(path) and friends are never consulted")
    func ignoredPathRules() {
        #expect(PermissionRule("Write(test.txt)").isIgnoredPathRule)
        #expect(PermissionRule("Glob(src/**)").isIgnoredPathRule)
        #expect(!PermissionRule("Edit(test.txt)").isIgnoredPathRule)
        #expect(!PermissionRule("Write").isIgnoredPathRule)
    }

    @Test("rules round-trip through Codable as strings")
    func codable() throws {
        let rules = [PermissionRule("Bash(git diff *)"), PermissionRule("mcp__gitlab")]
        let data = try JSONEncoder().encode(rules)
        #expect(String(decoding: data, as: UTF8.self) == #"["Bash(git diff *)","mcp__gitlab"]"#)
        #expect(try JSONDecoder().decode([PermissionRule].self, from: data) == rules)
    }

    struct MatchCase: Sendable, CustomTestStringConvertible {
        let rule: String
        let tool: String
        var command: String?
        var path: String?
        var host: String?
        var role: PermissionRule.Role = .allow
        let expected: Bool
        var testDescription: String {
            "\(rule) \(role.rawValue) \(tool) \(command ?? path ?? host ?? "") -> \(expected)"
        }
    }

    static let context = PermissionRule.PathContext(workingDirectory: "/repo", home: "/home/u")

    static let matchCases: [MatchCase] = [
        MatchCase(rule: "Bash(ls *)", tool: "Bash", command: "ls -la", expected: true),
        MatchCase(rule: "Bash(ls *)", tool: "Bash", command: "ls", expected: true),
        MatchCase(rule: "Bash(ls *)", tool: "Bash", command: "lsof", expected: false),
        MatchCase(rule: "Bash(ls*)", tool: "Bash", command: "lsof", expected: true),
        MatchCase(rule: "Bash(npm run test:*)", tool: "Bash", command: "npm run test --watch", expected: true),
        MatchCase(rule: "Bash(npm run test:*)", tool: "Bash", command: "npm run testing", expected: false),
        MatchCase(rule: "Bash(git * main)", tool: "Bash", command: "git push origin main", expected: true),
        MatchCase(rule: "Bash(* --version)", tool: "Bash", command: "node --version", expected: true),
        MatchCase(rule: "Bash(git:* push)", tool: "Bash", command: "git:x push", expected: true),
        MatchCase(rule: "Bash(git:* push)", tool: "Bash", command: "git x push", expected: false),
        MatchCase(rule: "Bash(git status)", tool: "Bash", command: "git status", expected: true),
        MatchCase(rule: "Bash(git status)", tool: "Bash", command: "git status -s", expected: false),
        MatchCase(rule: "Bash(git status)", tool: "Bash", command: "timeout 5 git  status", expected: true),
        MatchCase(rule: "Bash(curl:*)", tool: "Bash", command: "FOO=1 curl https://x", role: .deny, expected: true),
        MatchCase(rule: "Bash(curl:*)", tool: "Bash", command: "FOO=1 curl https://x", role: .allow, expected: false),
        MatchCase(rule: "Bash", tool: "Bash", command: "rm -rf /", expected: true),
        MatchCase(rule: "Bash(*)", tool: "Bash", command: "anything at all", expected: true),
        MatchCase(rule: "Bash(git *)", tool: "PowerShell", command: "git status", expected: false),
        MatchCase(rule: "Read(.env)", tool: "Read", path: "/repo/a/.env", expected: true),
        MatchCase(rule: "Read(.env)", tool: "Read", path: "/repo/.env.local", expected: false),
        MatchCase(rule: "Read(src/**)", tool: "Read", path: "/repo/src/a/b.swift", expected: true),
        MatchCase(rule: "Read(src/**)", tool: "Read", path: "/repo/lib/src/a.swift", expected: false),
        MatchCase(rule: "Read(src/**)", tool: "Read", path: "/repo/lib/src/a.swift", role: .deny, expected: true),
        MatchCase(rule: "Read(src)", tool: "Read", path: "/repo/x/src/a.swift", expected: true),
        MatchCase(rule: "Read(*.pem)", tool: "Read", path: "/repo/certs/key.pem", expected: true),
        MatchCase(rule: "Read(src/*.swift)", tool: "Read", path: "/repo/src/a/b.swift", expected: false),
        MatchCase(rule: "Read(src/**/*.swift)", tool: "Read", path: "/repo/src/b.swift", expected: true),
        MatchCase(rule: "Read(./docs/**)", tool: "Read", path: "docs/readme.md", expected: true),
        MatchCase(rule: "Read(//etc/**)", tool: "Read", path: "/etc/passwd", expected: true),
        MatchCase(rule: "Read(//etc/**)", tool: "Read", path: "/repo/../etc/passwd", expected: true),
        MatchCase(rule: "Read(~/.ssh/**)", tool: "Read", path: "/home/u/.ssh/id_ed25519", expected: true),
        MatchCase(rule: "Read(~/.ssh/**)", tool: "Read", path: "~/.ssh/id_rsa", expected: true),
        MatchCase(rule: "Edit(/src/**)", tool: "Edit", path: "/repo/src/x.swift", expected: true),
        MatchCase(rule: "Edit(src/**)", tool: "Write", path: "/repo/src/x.swift", expected: true),
        MatchCase(rule: "Edit(src/**)", tool: "NotebookEdit", path: "/repo/src/n.ipynb", expected: true),
        MatchCase(rule: "Write(src/**)", tool: "Write", path: "/repo/src/x.swift", expected: false),
        MatchCase(rule: "Write", tool: "Write", path: "/repo/src/x.swift", expected: true),
        MatchCase(rule: "Read(.env)", tool: "Edit", path: "/repo/.env", role: .deny, expected: true),
        MatchCase(rule: "Read(.env)", tool: "Edit", path: "/repo/.env", role: .allow, expected: false),
        MatchCase(rule: "Read(src/**)", tool: "Grep", path: "/repo/src/sub", expected: true),
        MatchCase(rule: "WebFetch(domain:*.x.com)", tool: "WebFetch", host: "api.x.com", expected: true),
        MatchCase(rule: "WebFetch(domain:*.x.com)", tool: "WebFetch", host: "x.com", expected: false),
        MatchCase(rule: "WebFetch(domain:x.com)", tool: "WebFetch", host: "X.com", expected: true),
        MatchCase(rule: "WebFetch", tool: "WebFetch", host: "evil.example", expected: true),
        MatchCase(rule: "WebFetch(domain:*)", tool: "WebFetch", host: "evil.example", expected: true),
        MatchCase(rule: "mcp__gitlab", tool: "mcp__gitlab__get_issue", expected: true),
        MatchCase(rule: "mcp__gitlab__*", tool: "mcp__gitlab__get_issue", expected: true),
        MatchCase(rule: "mcp__gitlab__get_issue", tool: "mcp__gitlab__list_issues", expected: false),
        MatchCase(rule: "mcp__gitlab__get_*", tool: "mcp__gitlab__get_issue", expected: true),
        MatchCase(rule: "mcp__github", tool: "mcp__gitlab__get_issue", expected: false),
        MatchCase(rule: "mcp__*", tool: "mcp__any__tool", expected: true),
        MatchCase(rule: "*", tool: "Bash", command: "anything", expected: true),
        MatchCase(rule: "Task", tool: "Agent", expected: true),
        MatchCase(rule: "Bash(git", tool: "Bash", command: "git", expected: false),
    ]

    @Test("matches concrete calls", arguments: matchCases)
    func matches(_ testCase: MatchCase) {
        let rule = PermissionRule(testCase.rule)
        let result = rule.matches(
            toolName: testCase.tool, bashCommand: testCase.command, path: testCase.path, url: testCase.host,
            role: testCase.role, context: Self.context)
        #expect(result == testCase.expected)
    }

    @Test("without a context, relative patterns match only relative paths")
    func noContext() {
        let rule = PermissionRule("Read(src/**)")
        #expect(rule.matches(toolName: "Read", path: "src/a.swift"))
        #expect(!rule.matches(toolName: "Read", path: "/repo/src/a.swift"))
        #expect(PermissionRule("Read(//etc/**)").matches(toolName: "Read", path: "/etc/hosts"))
    }

    @Test("permission modes")
    func modes() throws {
        #expect(PermissionMode(parsing: "manual") == .default)
        #expect(PermissionMode(parsing: " plan ") == .plan)
        #expect(PermissionMode(parsing: "other").isKnown == false)
        #expect(PermissionMode.knownModes.count == 6)
        let data = try JSONEncoder().encode([PermissionMode.acceptEdits, .unknown("x")])
        #expect(try JSONDecoder().decode([PermissionMode].self, from: data) == [.acceptEdits, .unknown("x")])
    }
}
