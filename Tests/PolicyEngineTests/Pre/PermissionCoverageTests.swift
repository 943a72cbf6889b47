import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("PermissionCoverage")
struct PermissionCoverageTests {
    struct Pair: Sendable, CustomTestStringConvertible {
        let granted: String
        let other: String
        let expected: Bool
        var context: PermissionRule.PathContext?
        var testDescription: String { "\(granted) vs \(other) -> \(expected)" }
    }

    static let coverage: [Pair] = [
        // Required cases.
        Pair(granted: "Bash(git status:*)", other: "Bash(git:*)", expected: true),
        Pair(granted: "Bash(git:*)", other: "Bash", expected: true),
        Pair(granted: "Bash(git status:*)", other: "Bash", expected: true),
        Pair(granted: "Bash(swift test *)", other: "Bash(swift test:*)", expected: true),
        Pair(granted: "Bash(swift test:*)", other: "Bash(swift test *)", expected: true),
        Pair(granted: "Bash(npm test:*)", other: "Bash(npm:*)", expected: true),
        Pair(granted: "Bash(npm test:*)", other: "Bash", expected: true),
        Pair(granted: "Bash", other: "Bash", expected: true),
        Pair(granted: "Bash", other: "Bash(*)", expected: true),
        Pair(granted: "Bash(*)", other: "Bash", expected: true),
        Pair(granted: "Bash(*)", other: "Bash(*)", expected: true),
        Pair(granted: "Bash", other: "Bash(git:*)", expected: false),
        Pair(granted: "Bash(*)", other: "Bash(git:*)", expected: false),
        Pair(granted: "Bash(*)", other: "Bash(npm *)", expected: false),
        Pair(granted: "Bash(gitk *)", other: "Bash(git *)", expected: false),
        Pair(granted: "Bash(gitk *)", other: "Bash(git*)", expected: true),
        Pair(granted: "Edit(src/**)", other: "Edit", expected: true),
        Pair(granted: "Edit(src/a/**)", other: "Edit(src/**)", expected: true),
        Pair(granted: "Read(src/**)", other: "Read(docs/**)", expected: false),
        Pair(granted: "mcp__gitlab__get_issue", other: "mcp__gitlab", expected: true),
        Pair(granted: "mcp__gitlab__get_issue", other: "mcp__gitlab__*", expected: true),
        Pair(granted: "mcp__gitlab", other: "mcp__gitlab__get_issue", expected: false),
        Pair(granted: "WebFetch(domain:api.x.com)", other: "WebFetch(domain:*.x.com)", expected: true),
        Pair(granted: "WebFetch(domain:*.x.com)", other: "WebFetch", expected: true),
        Pair(granted: "WebFetch(domain:api.x.com)", other: "WebFetch", expected: true),
        Pair(granted: "WebFetch(domain:x.com)", other: "WebFetch(domain:*.x.com)", expected: false),
        // More.
        Pair(granted: "Bash(git status)", other: "Bash(git status:*)", expected: true),
        Pair(granted: "Bash(git status)", other: "Bash(git:*)", expected: true),
        Pair(granted: "Bash(git:*)", other: "Bash(git status:*)", expected: false),
        Pair(granted: "Bash(git diff *)", other: "Bash(git *)", expected: true),
        Pair(granted: "Bash(npm run test:*)", other: "Bash(npm run *)", expected: true),
        Pair(granted: "Bash(git * main)", other: "Bash(git *)", expected: true),
        Pair(granted: "Bash(git *)", other: "Bash(git * main)", expected: false),
        Pair(granted: "Bash(git:*)", other: "PowerShell", expected: false),
        Pair(granted: "Bash(git:*)", other: "*", expected: true),
        Pair(granted: "*", other: "Bash", expected: false),
        Pair(granted: "*", other: "*", expected: true),
        Pair(granted: "Edit", other: "Edit(src/**)", expected: false),
        Pair(granted: "Edit", other: "Edit(//**)", expected: true),
        Pair(granted: "Edit(src/**)", other: "Edit(src/**)", expected: true),
        Pair(granted: "Edit(src/*.swift)", other: "Edit(src/**)", expected: true),
        Pair(granted: "Edit(src/**)", other: "Edit(src/*)", expected: false),
        Pair(granted: "Write(src/**)", other: "Edit(src/**)", expected: true),
        Pair(granted: "Read(src/**)", other: "Edit(src/**)", expected: true),
        Pair(granted: "Edit(src/**)", other: "Write(src/**)", expected: false),
        Pair(granted: "Read(.env)", other: "Read(**)", expected: true),
        Pair(granted: "Read(src/**)", other: "Read(/src/**)", expected: false),
        Pair(granted: "Read(src/**)", other: "Read(/src/**)", expected: true,
             context: PermissionRule.PathContext(workingDirectory: "/repo")),
        Pair(granted: "Read(//etc/hosts)", other: "Read(//etc/**)", expected: true),
        Pair(granted: "Read(~/x)", other: "Read(//**)", expected: true),
        Pair(granted: "Read(~/x)", other: "Read(src/**)", expected: false),
        Pair(granted: "mcp__gitlab__*", other: "mcp__gitlab", expected: true),
        Pair(granted: "mcp__gitlab", other: "mcp__gitlab__*", expected: true),
        Pair(granted: "mcp__gitlab", other: "mcp__*", expected: true),
        Pair(granted: "mcp__*", other: "mcp__gitlab", expected: false),
        Pair(granted: "mcp__gitlab__get_issue", other: "mcp__github", expected: false),
        Pair(granted: "mcp__gitlab__get_issue", other: "Bash", expected: false),
        Pair(granted: "WebFetch", other: "WebFetch(domain:*.x.com)", expected: false),
        Pair(granted: "WebFetch", other: "WebFetch(domain:*)", expected: true),
        Pair(granted: "WebFetch(domain:*.a.x.com)", other: "WebFetch(domain:*.x.com)", expected: true),
        Pair(granted: "WebFetch(domain:*.x.com)", other: "WebFetch(domain:x.com)", expected: false),
        Pair(granted: "WebFetch(domain:x.com)", other: "WebFetch(domain:x.com)", expected: true),
        Pair(granted: "Task", other: "Agent", expected: true),
        Pair(granted: "Agent(Explore)", other: "Agent", expected: true),
        Pair(granted: "Agent", other: "Agent(Explore)", expected: false),
        Pair(granted: "Bash(git", other: "Bash", expected: false),
        Pair(granted: "Bash", other: "Bash(git", expected: false),
    ]

    @Test("isCovered(_:by:)", arguments: coverage)
    func covered(_ pair: Pair) {
        let result = PermissionCoverage.isCovered(PermissionRule(pair.granted), by: PermissionRule(pair.other), context: pair.context)
        #expect(result == pair.expected)
    }

    static let denies: [Pair] = [
        // Required cases.
        Pair(granted: "Bash(curl:*)", other: "Bash(curl -s https://x)", expected: true),
        Pair(granted: "Bash", other: "Bash(curl:*)", expected: true),
        Pair(granted: "Bash(git push:*)", other: "Bash(git push --force:*)", expected: true),
        Pair(granted: "Bash(git status)", other: "Bash(curl:*)", expected: false),
        Pair(granted: "WebFetch", other: "WebFetch", expected: true),
        // More.
        Pair(granted: "Bash(*)", other: "Bash(curl:*)", expected: true),
        Pair(granted: "Bash(git *)", other: "Bash(curl:*)", expected: false),
        Pair(granted: "Bash(git*)", other: "Bash(git push --force:*)", expected: true),
        Pair(granted: "Bash(gitk *)", other: "Bash(git push:*)", expected: false),
        Pair(granted: "Bash(FOO=1 curl *)", other: "Bash(curl:*)", expected: true),
        Pair(granted: "Bash(timeout 5 curl *)", other: "Bash(curl:*)", expected: true),
        Pair(granted: "Bash(* --version)", other: "Bash(curl:*)", expected: true),
        Pair(granted: "Bash(git status)", other: "Bash", expected: true),
        Pair(granted: "Bash(git status)", other: "PowerShell", expected: false),
        Pair(granted: "Bash(git status)", other: "WebFetch", expected: false),
        Pair(granted: "Bash(curl:*)", other: "*", expected: true),
        Pair(granted: "*", other: "WebFetch", expected: true),
        Pair(granted: "Read(src/**)", other: "Read(.env)", expected: true),
        // A pattern also grants the contents of a directory it names, so `src/x.swift/.env` is in reach.
        Pair(granted: "Read(src/*.swift)", other: "Read(.env)", expected: true),
        Pair(granted: "Read(//repo/src/**)", other: "Read(//etc/**)", expected: false),
        Pair(granted: "Read(//repo/src/*.swift)", other: "Read(//repo/docs/**)", expected: false),
        Pair(granted: "Edit(src/**)", other: "Read(.env)", expected: true),
        Pair(granted: "Read(src/**)", other: "Edit(.env)", expected: false),
        Pair(granted: "Write(src/**)", other: "Edit(src/secrets/**)", expected: true),
        Pair(granted: "Edit(lib/**)", other: "Edit(src/**)", expected: true),
        Pair(granted: "Edit(lib/**)", other: "Edit(/src/**)", expected: false,
             context: PermissionRule.PathContext(workingDirectory: "/repo")),
        Pair(granted: "Read(docs/**)", other: "Read(//etc/**)", expected: true),
        Pair(granted: "Read(docs/**)", other: "Read(//etc/**)", expected: false,
             context: PermissionRule.PathContext(workingDirectory: "/repo", home: "/root")),
        Pair(granted: "Read(docs/**)", other: "Read(//**/.env)", expected: true,
             context: PermissionRule.PathContext(workingDirectory: "/repo")),
        Pair(granted: "Read", other: "Read(.env)", expected: true),
        Pair(granted: "mcp__gitlab__get_issue", other: "mcp__gitlab", expected: true),
        Pair(granted: "mcp__gitlab", other: "mcp__gitlab__delete_project", expected: true),
        Pair(granted: "mcp__gitlab__get_issue", other: "mcp__gitlab__delete_*", expected: false),
        Pair(granted: "mcp__gitlab", other: "mcp__github", expected: false),
        Pair(granted: "mcp__gitlab", other: "mcp__*", expected: true),
        Pair(granted: "mcp__gitlab", other: "Bash", expected: false),
        Pair(granted: "WebFetch(domain:api.x.com)", other: "WebFetch(domain:*.x.com)", expected: true),
        Pair(granted: "WebFetch(domain:x.com)", other: "WebFetch(domain:*.x.com)", expected: false),
        Pair(granted: "WebFetch(domain:*.x.com)", other: "WebFetch(domain:*.y.com)", expected: false),
        Pair(granted: "WebFetch(domain:*.x.com)", other: "WebFetch(domain:*.a.x.com)", expected: true),
        Pair(granted: "Bash(git status)", other: "Bash(run_in_background:true)", expected: true),
        Pair(granted: "Bash(git", other: "Bash(curl:*)", expected: true),
    ]

    @Test("meets(_:deny:)", arguments: denies)
    func meets(_ pair: Pair) {
        let result = PermissionCoverage.meets(PermissionRule(pair.granted), deny: PermissionRule(pair.other), context: pair.context)
        #expect(result == pair.expected)
    }

    @Test("list helpers")
    func listHelpers() {
        let allowed = ["Read", "Edit", "Bash(swift test:*)", "mcp__gitlab"].map(PermissionRule.init)
        let denied = ["Bash(curl:*)", "Bash(git push --force:*)", "WebFetch", "WebSearch"].map(PermissionRule.init)
        #expect(PermissionCoverage.isCovered(PermissionRule("Bash(swift test --parallel)"), byAnyOf: allowed))
        #expect(!PermissionCoverage.isCovered(PermissionRule("Bash(swift build)"), byAnyOf: allowed))
        #expect(PermissionCoverage.deniesMet(by: PermissionRule("Bash(git:*)"), in: denied).map(\.text) == ["Bash(git push --force:*)"])
        #expect(PermissionCoverage.deniesMet(by: PermissionRule("Bash"), in: denied).map(\.text) == ["Bash(curl:*)", "Bash(git push --force:*)"])
        #expect(PermissionCoverage.deniesMet(by: PermissionRule("Read"), in: denied).isEmpty)
    }

    @Test("the GitLab sample's grants against the default policy of DESIGN.md")
    func gitLabSampleAgainstDefaultPolicy() throws {
        let invocation = try ClaudeArgumentParser.parse(ClaudeArgumentParserTests.gitLabExample)
        let allowed = ["Read", "Glob", "Grep", "LS", "Edit", "Write", "Bash(swift test:*)", "mcp__gitlab"].map(PermissionRule.init)
        let denied = ["Bash(curl:*)", "Bash(git push --force:*)", "WebFetch", "WebSearch"].map(PermissionRule.init)
        let notAllowed = invocation.allowedTools.filter { !PermissionCoverage.isCovered($0, byAnyOf: allowed) }
        let meetingDeny = invocation.allowedTools.filter { !PermissionCoverage.deniesMet(by: $0, in: denied).isEmpty }
        #expect(notAllowed.map(\.text) == ["Bash(*)"])
        #expect(meetingDeny.map(\.text) == ["Bash(*)"])
    }
}
