import Foundation

/// The pinned Claude Code CLI, run against the scripted Messages API of `Tests/RealCLI/fake_messages_api.py`
/// through `Tests/RealCLI/run-claude.sh` (throw-away HOME and TMPDIR, loopback-only network namespace when
/// the system allows one). `scripts/fetch-claude.sh` puts the binary in place; `.ci/run` calls it.
public enum RealClaude {
    public static let version = "2.1.332"

    /// The repository this file belongs to (tests read nothing outside it).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var launcher: String { repositoryRoot + "/Tests/RealCLI/run-claude.sh" }

    /// `$POLICY_GATE_CLAUDE`, else the cached binary of `scripts/fetch-claude.sh`.
    public static var binary: String {
        ProcessInfo.processInfo.environment["POLICY_GATE_CLAUDE"]
            ?? repositoryRoot + "/.cache/claude/\(version)/claude"
    }

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Whether a real-CLI test should run: always in CI (where a missing binary is a failure, not a skip),
    /// elsewhere only when the binary is there.
    public static var shouldRun: Bool { isInstalled || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why a real-CLI test is skipped, for the test's `.enabled(if:)` comment.
    public static let skipReason = "the pinned claude binary is missing: run scripts/fetch-claude.sh (CI always runs these tests)"

    /// Runs `command` (first word `claude` means the pinned binary) in `directory` against `turns`.
    public static func run(_ command: [String], turns: [Turn], in directory: String,
                           environment: [String: String] = [:], stdin: String? = nil,
                           timeout: Int = 90) throws -> Run {
        guard isInstalled else { throw Missing(path: binary) }
        let state = FileManager.default.temporaryDirectory
            .appendingPathComponent("policy-gate-claude").appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let script = state + "/turns.json"
        try JSONEncoder().encode(["turns": turns]).write(to: URL(fileURLWithPath: script))
        var arguments = ["--script", script, "--state", state + "/run", "--work", directory, "--timeout", String(timeout)]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--env", "\(name)=\(value)"] }
        let outcome = try ChildProcess.run(launcher, arguments + ["--"] + command, stdin: stdin.map { Data($0.utf8) },
                                           environment: ["POLICY_GATE_CLAUDE": binary], timeout: TimeInterval(timeout + 30))
        let requests = (try? String(contentsOfFile: state + "/run/requests.jsonl", encoding: .utf8)) ?? ""
        let isolation = (try? String(contentsOfFile: state + "/run/isolation", encoding: .utf8)) ?? ""
        defer { try? FileManager.default.removeItem(atPath: state) }
        return Run(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr,
                   requests: requests.split(separator: "\n").compactMap {
                       try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                   },
                   isolated: isolation.hasPrefix("netns"))
    }

    /// The usual print-mode command line: `claude -p PROMPT --output-format stream-json --verbose` + `extra`.
    public static func printMode(_ extra: [String], prompt: String = "do the task") -> [String] {
        ["claude", "-p", prompt, "--output-format", "stream-json", "--verbose"] + extra
    }

    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public init(path: String) { self.path = path }
        public var description: String { "no claude binary at \(path): run scripts/fetch-claude.sh" }
    }

    /// What one run did.
    public struct Run: @unchecked Sendable {
        public var status: Int32
        /// The transcript when the command was `claude … --output-format stream-json --verbose`.
        public var stdout: String
        public var stderr: String
        /// Every request the CLI sent to the fake API, as `{"path", "turn", "body"}` (`turn` is null for
        /// the CLI's own side requests).
        public var requests: [[String: Any]]
        /// Whether the run was inside a loopback-only network namespace.
        public var isolated: Bool

        /// The transcript's events.
        public var events: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        /// The `tool_result` blocks the model was sent (from the last request), by tool_use id.
        public var toolResultsSent: [String: [String: Any]] {
            var results: [String: [String: Any]] = [:]
            for request in requests {
                let body = request["body"] as? [String: Any]
                for message in body?["messages"] as? [[String: Any]] ?? [] {
                    for block in message["content"] as? [[String: Any]] ?? [] where block["type"] as? String == "tool_result" {
                        if let id = block["tool_use_id"] as? String { results[id] = block }
                    }
                }
            }
            return results
        }

        /// The text of the tool_result the model was sent for `id`.
        public func toolResultText(_ id: String) -> String? {
            guard let block = toolResultsSent[id] else { return nil }
            if let text = block["content"] as? String { return text }
            return (block["content"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined(separator: "\n")
        }

        /// The `result` events, in order.
        public var results: [[String: Any]] { events.filter { $0["type"] as? String == "result" } }
    }
}
