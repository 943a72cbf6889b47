import Foundation
import Testing
import TestSupport

/// The option table the gate parses claude command lines with is the pinned binary's own.
@Suite(.enabled(if: RealClaude.shouldRun, Comment(rawValue: RealClaude.skipReason)))
struct RealCLIOptionTableTests {
    @Test func theTableIsGeneratedFromThePinnedBinary() throws {
        guard RealClaude.isInstalled else { throw RealClaude.Missing(path: RealClaude.binary) }
        let generated = try ChildProcess.run("/usr/bin/env", ["python3", RealClaude.repositoryRoot + "/scripts/claude-options.py", RealClaude.binary])
        #expect(generated.status == 0, "\(generated.stderr)")
        let checkedIn = try String(contentsOfFile: RealClaude.repositoryRoot + "/Sources/PolicyEngine/Collect/ClaudeOptionTable.swift",
                                   encoding: .utf8)
        #expect(generated.stdout == checkedIn, "the pinned claude's options changed: run scripts/claude-options.py > Sources/PolicyEngine/Collect/ClaudeOptionTable.swift")
        // Every option `claude --help` shows is in the table (the hidden ones come on top).
        let help = try ChildProcess.run(RealClaude.binary, ["--help"], environment: ["HOME": NSTemporaryDirectory()])
        let shown = help.stdout.split(separator: "\n").compactMap { line -> String? in
            // Option lines are indented by two spaces; their wrapped descriptions by more.
            guard line.hasPrefix("  -") else { return nil }
            let trimmed = line.dropFirst(2)
            let first = trimmed.split(separator: " ").first.map(String.init) ?? ""
            let long = trimmed.split(separator: " ").map(String.init).first { $0.hasPrefix("--") } ?? first
            return long.trimmingCharacters(in: CharacterSet(charactersIn: ",")).split(separator: "[").first.map(String.init)
        }
        #expect(shown.count >= 60)
        for option in shown {
            #expect(checkedIn.contains("\"\(option)\""), "\(option) is missing from the table")
        }
    }
}
