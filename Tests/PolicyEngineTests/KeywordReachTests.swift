import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct KeywordReachTests {
    static let generic = #"(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)"#
    static let genericKeywords = ["access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"]

    @Test(arguments: [
        (generic, genericKeywords, 60),
        (#"(?i)[\w.-]{0,50}?(?:adafruit)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>)([a-z0-9_-]{32})"#, ["adafruit"], 58),
        (#"[\w.-]{0,10}(?:glpat-|gldt-)x"#, ["glpat-", "gldt-"], 16),
        (#"[\w.-]{0,10}(?:key)(?:a|[|]|\|)x"#, ["key"], 13),
    ])
    func theReachOfTheSemiGenericShape(pattern: String, keywords: [String], reach: Int) {
        #expect(KeywordReach.of(pattern: pattern, keywords: keywords) == reach)
    }

    @Test(arguments: [
        // An alternative without a keyword: a match need not contain one near its start.
        (generic, ["access", "api", "auth", "key", "credential", "creds", "passwd", "secret", "token"]),
        (#"(?i)[\w.-]{0,50}?(?:apikey|[a-z]+)=(\w+)"#, ["apikey"]),
        (#"(?i)[\w.-]{0,50}?(?:api\w*key)=(\w+)"#, ["api"]),
        (#"(?i)[\w\s.-]{0,50}?(?:apikey)=(\w+)"#, ["apikey"]),
        (#"(?i)\b(?:apikey)=(\w+)"#, ["apikey"]),
        (#"(?i)[\w.-]{0,50}?(?:apikey"#, ["apikey"]),
        // The group is not in every match: optional, repeated, or one side of a top-level alternation.
        (#"(?i)[\w.-]{0,50}?(?:apikey)?=(\w+)"#, ["apikey"]),
        (#"(?i)[\w.-]{0,50}?(?:apikey){0,2}=(\w+)"#, ["apikey"]),
        (#"(?i)[\w.-]{0,50}?(?:apikey)=(\w+)|token_(\w+)"#, ["apikey", "token_"]),
    ])
    func patternsOfAnotherShapeKeepTheLineWindows(pattern: String, keywords: [String]) {
        #expect(KeywordReach.of(pattern: pattern, keywords: keywords) == nil)
    }

    static func fixtureRules() throws -> SecretRuleSet {
        try SecretRulesLoader.load(path: PackagePaths.fixtures + "/gitleaks-format/rules.toml")
    }

    @Test func semiGenericRulesOfAGitleaksFileGetAReach() throws {
        let rules = try Self.fixtureRules()
        let reach = Dictionary(uniqueKeysWithValues: rules.rules.indices.map { (rules.rules[$0].id, rules.keywordReach[$0]) })
        #expect(reach["zephyr-api-key"] == 50 + "zephyr".count)
        #expect(reach["loose-assignment"] == 50 + "credential".count)
        #expect(reach["orbit-deploy-token"] == .some(nil))
        #expect(reach["quill-client-secret"] == .some(nil))
    }

    /// The narrower windows find exactly what the line windows find, on text built to put keywords far
    /// from the match start, several per line, at line starts and across lines.
    @Test func findingsAreTheSameWithAndWithoutReach() throws {
        let withReach = try Self.fixtureRules()
        #expect(withReach.keywordReach.contains { $0 != nil }, "some rule should have a reach")
        var withoutReach = withReach
        withoutReach.keywordReach = Array(repeating: nil, count: withReach.rules.count)
        var generator = SeededGenerator(state: 42)
        let words = ["api", "key", "token", "secret", "SECRET", "auth", "password", "passwd", "credential", "zephyr",
                     "access", "creds", "x", "value", "my_service"]
        var lines: [String] = []
        for _ in 0..<4000 {
            let name = (0..<Int.random(in: 1...6, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                .joined(separator: ["_", ".", "-", ""].randomElement(using: &generator)!)
            let padding = String(repeating: "a", count: Int.random(in: 0...70, using: &generator))
            let value = String((0..<Int.random(in: 4...40, using: &generator)).map { _ in
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-".randomElement(using: &generator)!
            })
            let separator = [" = ", ": ", "=", " => ", ":=", "\n= ", "\t"].randomElement(using: &generator)!
            lines.append([padding + name + separator + "\"" + value + "\"", name + separator + value, "# " + name,
                          name + " " + name + separator + value].randomElement(using: &generator)!)
        }
        let fragment = ScanFragment(path: "config/app.env", bytes: Array(lines.joined(separator: "\n").utf8), firstLine: 1)
        let expected = try SecretScanner(ruleSet: withoutReach).scan(fragment).map { "\($0.ruleID) \($0.line):\($0.column) \($0.secretHash)" }
        let found = try SecretScanner(ruleSet: withReach).scan(fragment).map { "\($0.ruleID) \($0.line):\($0.column) \($0.secretHash)" }
        #expect(expected.count > 100, "the text should hold many candidates")
        #expect(found == expected)
    }
}
