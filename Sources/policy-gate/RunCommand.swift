import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate run -- COMMAND ARGS…`: pre on the command's own argv, the agent (only if pre passes) with
/// its stdout captured as the transcript, then post on the working tree. The exit code is the decision.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run pre, then the agent command, then post, in one step.",
        discussion: "Exit codes: 0 pass, 1 blocked (by pre or post), 2 could not decide. A failed or killed agent is reported.")

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var policy: PolicyOptions
    @OptionGroup var reporting: ReportOptions
    @OptionGroup var annotation: AnnotateOptions
    @OptionGroup var attestation: AttestOptions
    @OptionGroup var statusCheck: StatusCheckOptions

    @Option(name: .long, help: "Where to write the pre state (default: policy-gate-state.json).")
    var state: String = "policy-gate-state.json"

    @Option(name: .long, help: "Where to keep the agent's output (default: policy-gate-transcript.jsonl).")
    var transcript: String = "policy-gate-transcript.jsonl"

    @Argument(parsing: .postTerminator, help: "The agent command, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the agent command after --, e.g. -- claude -p \"…\" --output-format stream-json --verbose") }
        try statusCheck.validate(annotate: annotation.annotate)
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let root = repository.path(environment: environment)
            let pre = try PreStage.run(repository: root, policySource: policy.source(repository: root), invocation: .argv(command),
                                       environment: environment, statePath: state)
            guard pre.report.decision != .block else {
                StandardError.write("policy-gate run: pre blocked the agent; it was not started")
                return try await Delivery.deliver(pre.report, started: pre.started, reporting: reporting, annotation: annotation,
                                                  attestation: attestation, statusCheck: statusCheck, environment: environment)
            }
            let status = try AgentProcess.run(command, transcriptPath: transcript, directory: root)
            let post = try PostStage.run(
                request: .init(repository: root, worktree: true, transcriptPath: transcript, agentExitStatus: status, environment: environment),
                policy: policy, statePath: state)
            var combined = post.report
            combined.findings = (pre.report.findings + post.report.findings).sorted(by: Finding.reportOrder)
            combined.evaluatedRules = pre.report.evaluatedRules + post.report.evaluatedRules.filter { rule in
                !pre.report.evaluatedRules.contains { $0.id == rule.id }
            }
            combined.inputs["invocation"] = pre.report.inputs["invocation"]
            return try await Delivery.deliver(combined, started: pre.started, reporting: reporting, annotation: annotation,
                                              attestation: attestation, statusCheck: statusCheck, environment: environment)
        }
    }
}

/// Runs the agent with its standard output written to the transcript file and summarised on stderr.
enum AgentProcess {
    /// Runs the command and returns its exit status (128 + signal when it was killed).
    static func run(_ command: [String], transcriptPath: String, directory: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        guard FileManager.default.createFile(atPath: transcriptPath, contents: nil),
              let file = FileHandle(forWritingAtPath: transcriptPath) else {
            throw StateError(description: "\(transcriptPath): cannot create the transcript file")
        }
        defer { try? file.close() }
        do {
            try process.run()
        } catch {
            throw StateError(description: "\(command[0]): cannot start the agent: \(error.localizedDescription)")
        }
        var pending = Data()
        while true {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            try file.write(contentsOf: chunk)
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                summarize(pending[pending.startIndex..<newline])
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        if status != 0 {
            StandardError.write("policy-gate run: the agent exited with status \(status)")
        }
        return status
    }

    /// One line per event, with tool names only: inputs may hold secrets and are never echoed.
    static func summarize(_ line: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let type = object["type"] as? String else {
            return
        }
        switch type {
        case "assistant":
            let content = (object["message"] as? [String: Any])?["content"] as? [[String: Any]] ?? []
            for block in content where block["type"] as? String == "tool_use" {
                StandardError.write("[agent] tool: \(block["name"] as? String ?? "?")")
            }
        case "result":
            StandardError.write("[agent] result: \(object["subtype"] as? String ?? "?")")
        case "system":
            StandardError.write("[agent] session started")
        default:
            break
        }
    }
}
