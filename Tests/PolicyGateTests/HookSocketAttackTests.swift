import Foundation
import Testing
import TestSupport

/// The runner's hook socket under attack from the agent's side: `policy-gate run` (as root) starts
/// `Fixtures/hook-socket-attacker.py` in place of claude, as the agent's user in the agent's mount
/// namespace. It sends the socket fabricated calls and garbage, tries to remove or replace it, holds it
/// busy, and runs the hook command of the managed settings as Claude Code would. A hostile agent can
/// only make later answers stricter: a call the policy refuses is never let through.
@Suite(.serialized)
struct HookSocketAttackTests {
    struct Step {
        var name: String
        var fields: [String: Any]
        var status: Int? { fields["status"] as? Int }
        var stdout: String { fields["stdout"] as? String ?? "" }
        var denied: Bool { status == 0 && stdout.contains(#""permissionDecision":"deny""#) }
        var noDecision: Bool { status == 0 && stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        /// Exit 2 with nothing on stdout: Claude Code blocks the call.
        var blocked: Bool { status == 2 && stdout.isEmpty }
        var description: String { "\(name): \(fields)" }
    }

    struct Attack {
        var run: GateProcess.Outcome
        var report: [String: Any]
        var steps: [Step]

        /// The step of that name; a missing one has no fields, so every expectation on it fails.
        func step(_ name: String) -> Step {
            steps.first { $0.name == name } ?? Step(name: name + " (missing from the report)", fields: [:])
        }
    }

    static let policy = """
        version: 1
        agent:
          tools:
            allow: [Read, Write, Edit, "Bash(npm test:*)"]
            deny: []
        rules:
          tools.unscoped: off
        """

    /// Runs the attacker under `policy-gate run` with `scenario`.
    static func attack(_ scenario: String) async throws -> Attack {
        let tools = try ScratchDirectory()
        let checkout = try ScratchDirectory()
        _ = try GitCLI.repository(in: checkout, files: ["src/app.py": "print(1)\n", "package.json": #"{"scripts":{"test":"echo tests"}}"# + "\n",
                                                        ".gitlab-ci.yml": "test:\n  script: [make]\n", ".env": "API_PASSWORD=x\n"])
        try tools.write("policy.yml", policy)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/hook-socket-attacker.py"
        try tools.write("claude", try Data(contentsOf: URL(fileURLWithPath: source)))
        chmod(tools.path + "/claude", 0o755)
        chmod(tools.path, 0o755)
        let run = try await GateProcess.runOffPool(
            ["run", "--repo", checkout.path, "--policy", tools.path + "/policy.yml", "--", tools.path + "/claude", "-p", "x",
             "--permission-mode", "acceptEdits", "--allowedTools", "Read,Write,Edit,Bash(npm test:*)", "--output-format", "stream-json",
             "--verbose", scenario, checkout.path], timeout: 600)
        let line = try #require(run.stderr.split(separator: "\n").last { $0.hasPrefix("ATTACK-REPORT ") },
                                "the attacker reported nothing (exit \(run.status)):\n\(run.stderr.suffix(3000))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst("ATTACK-REPORT ".count).utf8)) as? [String: Any])
        let steps = (report["steps"] as? [[String: Any]] ?? []).map { Step(name: $0["name"] as? String ?? "", fields: $0) }
        // Whatever the agent sent, the gate itself came to a decision and did not crash.
        #expect(!run.wasSignaled && [0, 1].contains(run.status), "exit \(run.status):\n\(run.stderr.suffix(3000))")
        #expect(report["uid"] as? Int == 65532, "the attacker did not run as the agent user: \(report)")
        #expect((report["command"] as? [String])?.contains("--runner") == true)
        return Attack(run: run, report: report, steps: steps)
    }

    @Test func fabricatedCallsOnlyMakeLaterAnswersStricter() async throws {
        try #require(getuid() == 0, "the runner installs the live hook only when the gate runs as root")
        let attack = try await Self.attack("fabricate")
        #expect(attack.step("npm test before").noDecision, "\(attack.step("npm test before").description)")
        // A Write that never happened still counts once sent: npm test is refused from then on.
        let after = attack.step("npm test after the fabricated rewrite")
        #expect(after.denied && after.stdout.contains("transcript.runner-definition-changed"), "\(after.description)")
        // Nothing takes it back: a restoring write, reset-like messages and a flood of calls from other processes.
        for name in ["reset attempt reset", "reset attempt clear history", #"reset attempt {"reset":true}"#] {
            #expect(attack.step(name).fields["reply"] as? String ?? "" != "none", "\(attack.step(name).description)")
        }
        let later = attack.step("npm test after everything")
        #expect(later.denied && later.stdout.contains("transcript.runner-definition-changed"), "\(later.description)")
        // Calls the policy refuses stay refused, during the flood (denied, or blocked when the runner is busy) and after.
        for name in ["curl during the flood", "pipeline write during the flood"] {
            let step = attack.step(name)
            #expect(step.denied || step.blocked, "\(step.description)")
        }
        for name in ["curl after everything", "pipeline write after everything"] {
            #expect(attack.step(name).denied, "\(attack.step(name).description)")
        }
        #expect(attack.step("read after everything").noDecision, "\(attack.step("read after everything").description)")
    }

    @Test func theAgentCannotRemoveReplaceOrStarveTheSocketIntoAnAllow() async throws {
        try #require(getuid() == 0)
        let attack = try await Self.attack("replace")
        // The socket is root's, reachable by the agent's group only, in a folder of root's that others cannot write.
        let socket = try #require(attack.report["socket"] as? [String: Any])
        #expect(socket["uid"] as? Int == 0 && socket["gid"] as? Int == 65532 && socket["mode"] as? String == "0o660", "\(socket)")
        let folder = try #require(attack.report["folder"] as? [String: Any])
        #expect(folder["uid"] as? Int == 0 && folder["mode"] as? String == "0o755", "\(folder)")
        for name in ["unlink the socket", "rename the socket", "rename the folder", "chmod the socket", "create a file in the folder",
                     "bind a socket at the path", "rewrite the managed settings", "umount the settings"] {
            let step = attack.step(name)
            #expect(step.fields["result"] as? String != "done", "\(step.description)")
        }
        #expect(attack.step("curl after the attempts").denied, "\(attack.step("curl after the attempts").description)")
        #expect(attack.step("read after the attempts").noDecision, "\(attack.step("read after the attempts").description)")
        // A runner kept busy does not answer in time: the hook blocks even a call the policy would let through.
        for name in ["read while connections are held", "curl while connections are held", "read while the backlog is full",
                     "pipeline write while the backlog is full"] {
            #expect(attack.step(name).blocked, "\(attack.step(name).description)")
        }
        #expect((attack.report["flood_connections"] as? Int ?? 0) > 0)
        // Once the agent lets go, the runner answers again, with the same judgement.
        #expect(attack.step("read after the connections closed").noDecision,
                "\(attack.step("read after the connections closed").description)")
        #expect(attack.step("curl after the connections closed").denied)
    }

    @Test func garbageAndOversizedMessagesDoNotStopTheRunner() async throws {
        try #require(getuid() == 0)
        let attack = try await Self.attack("garbage")
        // Garbage got an error or no answer at all, never a decision; the huge but well-formed calls were judged or refused.
        for step in attack.steps where step.fields["kind"] as? String == "raw" {
            let reply = step.fields["reply"] as? String ?? ""
            if step.name.hasPrefix("a ") {
                #expect(reply == "none" || reply.hasPrefix("deny {") || reply.hasPrefix("error: "), "\(step.description)")
            } else {
                #expect(reply.isEmpty || reply.hasPrefix("error: "), "\(step.description)")
            }
        }
        #expect(attack.step("curl after the garbage").denied, "\(attack.step("curl after the garbage").description)")
        #expect(attack.step("read after the garbage").noDecision, "\(attack.step("read after the garbage").description)")
    }
}
