import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// Bad input gives a clear error, never a crash (DESIGN.md section 8).
@Suite("Hostile input")
struct HostileInputTests {
    @Test("deeply nested substitutions are refused")
    func deepShell() {
        let text = String(repeating: "$(", count: 5_000) + "x" + String(repeating: ")", count: 5_000)
        #expect(throws: ShellWordsError.self) { try ShellWords.split(text) }
        let quoted = String(repeating: "\"$(", count: 5_000)
        #expect(throws: ShellWordsError.self) { try ShellWords.split(quoted) }
    }

    @Test("moderate nesting still works")
    func moderateShell() throws {
        let text = String(repeating: "$(", count: 20) + "x" + String(repeating: ")", count: 20)
        #expect(try ShellWords.split(text).count == 1)
    }

    @Test("deeply nested JSON is refused with a position")
    func deepJSON() {
        let json = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect {
            _ = try ClaudeSettings.decode(json, path: "s.json")
        } throws: { error in
            String(describing: error).contains("nesting deeper than 512 levels")
        }
        let fine = Data((String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).utf8)
        #expect(throws: ClaudeSettingsError.invalidValue(path: "s.json", line: 1, key: "(top level)", reason: "must be an object, found an array")) {
            try ClaudeSettings.decode(fine, path: "s.json")
        }
    }

    @Test("deeply nested YAML flow collections are refused before parsing")
    func deepYAML() {
        let yaml = "job:\n  script: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            _ = try CIJobExtractor(yaml: yaml, fileName: "ci.yml")
        } throws: { error in
            String(describing: error) == "ci.yml:2: brackets nested more than 200 levels deep"
        }
    }

    @Test("long lines are handled in linear-ish time")
    func longLines() throws {
        let long = "claude -p " + String(repeating: "a", count: 200_000) + " --max-turns 3"
        let words = try ShellWords.split(long)
        #expect(words.count == 5)
        let rule = PermissionRule("Bash(claude *)")
        #expect(rule.matches(toolName: "Bash", bashCommand: long))
        #expect(!PermissionRule("Bash(*b*)").matches(toolName: "Bash", bashCommand: String(repeating: "a", count: 20_000)))
    }

    @Test("binary garbage is an error, not a crash")
    func garbage() {
        let bytes = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        #expect(throws: ClaudeSettingsError.self) { try ClaudeSettings.decode(bytes, path: "s.json") }
        #expect(throws: (any Error).self) {
            _ = try CIJobExtractor(yaml: "job: \"\u{0}\u{1}", fileName: "ci.yml").job(named: "job")
        }
    }
}
