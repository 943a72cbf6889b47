import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("ProtectedBranchPattern")
struct ProtectedBranchPatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let pattern: String
        let branch: String
        let expected: Bool
        var testDescription: String { "\(pattern) ~ \(branch) -> \(expected)" }
    }

    static let cases: [Case] = [
        Case(pattern: "main", branch: "main", expected: true),
        Case(pattern: "main", branch: "main2", expected: false),
        Case(pattern: "main", branch: "Main", expected: false),
        Case(pattern: "main", branch: "feature/main", expected: false),
        Case(pattern: "release/*", branch: "release/1.0", expected: true),
        Case(pattern: "release/*", branch: "release/a/b", expected: true),
        Case(pattern: "release/*", branch: "Release/1", expected: false),
        Case(pattern: "release/*", branch: "release", expected: false),
        Case(pattern: "release/*", branch: "release/", expected: true),
        Case(pattern: "release/*", branch: "pre-release/1", expected: false),
        Case(pattern: "*-stable", branch: "16-stable", expected: true),
        Case(pattern: "*-stable", branch: "-stable", expected: true),
        Case(pattern: "*-stable", branch: "16-stable/fix", expected: false),
        Case(pattern: "*-stable", branch: "16-STABLE", expected: false),
        Case(pattern: "*gitlab*", branch: "my-gitlab-branch", expected: true),
        Case(pattern: "*gitlab*", branch: "github", expected: false),
        Case(pattern: "production/*", branch: "production", expected: false),
        Case(pattern: "feature/*/wip", branch: "feature/x/y/wip", expected: true),
        Case(pattern: "feature/*/wip", branch: "feature/wip", expected: false),
        Case(pattern: "a.b", branch: "axb", expected: false),
        Case(pattern: "v?", branch: "v1", expected: false),
        Case(pattern: "*", branch: "anything/at/all", expected: true),
        Case(pattern: "a*a", branch: "a", expected: false),
        Case(pattern: "a*a", branch: "aa", expected: true),
        Case(pattern: "**", branch: "x", expected: true),
    ]

    @Test("GitLab's RefMatcher semantics", arguments: cases)
    func matches(_ testCase: Case) {
        #expect(ProtectedBranchPattern(testCase.pattern).matches(testCase.branch) == testCase.expected)
    }

    @Test("decodes from a string")
    func decodes() throws {
        let patterns = try JSONDecoder().decode([ProtectedBranchPattern].self, from: Data(#"["main","release/*"]"#.utf8))
        #expect(patterns.map(\.pattern) == ["main", "release/*"])
        #expect(patterns.map(\.isWildcard) == [false, true])
    }
}
