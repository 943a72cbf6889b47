import Foundation
import TestSupport

/// Runs `policy-gate post` on what a real-CLI run left: its commits since the branch point and its transcript.
enum RealCLIPost {
    /// Commits the working tree, then judges it with the run's transcript. Returns the outcome, the rule
    /// ids found (with their strongest action) and the audit record.
    static func judge(_ run: RealClaude.Run, in scratch: ScratchDirectory, git: GitCLI, base: String? = nil,
                      extra: [String] = []) throws -> (GateProcess.Outcome, [String: String], [String: Any]) {
        let files = scratch.path + "-gate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: files) }
        try run.stdout.write(toFile: files + "/transcript.jsonl", atomically: true, encoding: .utf8)
        let start = try base ?? git.run("rev-parse", "main").trimmingCharacters(in: .whitespacesAndNewlines)
        try git.run("add", "-A")
        try git.run("commit", "-q", "--allow-empty", "-m", "agent change")
        let outcome = try GateProcess.run(["post", "--repo", scratch.path, "--base", start, "--state", files + "/none.json",
                                           "--transcript", files + "/transcript.jsonl", "--report", "json=" + files + "/report.json"] + extra)
        let record = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: files + "/report.json")))) as? [String: Any] ?? [:]
        var rules: [String: String] = [:]
        for finding in record["findings"] as? [[String: Any]] ?? [] {
            if let rule = finding["rule"] as? String, let action = finding["action"] as? String {
                rules[rule] = rules[rule] == "block" ? "block" : action
            }
        }
        return (outcome, rules, record)
    }
}
