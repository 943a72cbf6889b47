import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate audit`: was every merged merge request of a project or group gated?
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit merged merge requests: did each merged head have a passing gate?",
        discussion: """
        Reads GitLab with POLICY_GATE_GITLAB_TOKEN (or GITLAB_TOKEN): read_api scope, Reporter role on every \
        project. Verdicts: gated, merged while blocked, no gate ran, gate job missing from the pipeline, \
        could not verify. Exit codes: 0 every merged merge request was gated; 1 one was merged while blocked, \
        without a gate or without the gate job; 2 only unverifiable ones, or the audit could not run.
        """)

    @Option(name: .long, help: ArgumentHelp("The project, by id or full path.", valueName: "ID|PATH"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("The group, by id or full path (subgroups included).", valueName: "ID|PATH"))
    var group: String?

    @Option(name: .long, help: ArgumentHelp("Merged on or after this date (2026-01-31) or time (ISO 8601).", valueName: "DATE"))
    var since: String

    @Option(name: .long, help: ArgumentHelp("Merged on or before this date, or before this time.", valueName: "DATE"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only merge requests with this label; a trailing * matches a prefix (policy-gate::*).",
                                            valueName: "LABEL"))
    var label: String?

    @Option(name: .long, help: ArgumentHelp("Only merge requests opened by this user (the agent's bot user).", valueName: "USERNAME"))
    var author: String?

    @Option(name: .long, help: ArgumentHelp("Verify each gate job's signed decision with this Ed25519 public key (PEM).",
                                            valueName: "FILE"))
    var publicKey: String?

    @Flag(name: .long, help: "With --public-key: a passing gate job without an attestation is 'could not verify'.")
    var requireAttestation = false

    @Option(name: .long, help: "The gate job's name.")
    var job = "policy-gate:post"

    @Option(name: .customLong("report"),
            help: ArgumentHelp("Write a report: json=PATH or csv=PATH (repeatable; - is standard output).", valueName: "KIND=PATH"))
    var reports: [String] = []

    @Option(name: .long, help: "The API root (default: $CI_API_V4_URL).")
    var gitlabURL: String?

    @Option(name: .long, help: "Merge requests examined at once (1-16).")
    var concurrency = 4

    @Option(name: .long, help: "Give up after this many minutes.")
    var maxMinutes = 240

    func validate() throws {
        guard (project == nil) != (group == nil) else { throw ValidationError("give one of --project or --group") }
        guard AuditQuery.parseDate(since) != nil else { throw ValidationError("--since takes a date (2026-01-31) or an ISO 8601 time") }
        if let until, AuditQuery.parseDate(until, endOfDay: true) == nil {
            throw ValidationError("--until takes a date (2026-01-31) or an ISO 8601 time")
        }
        if label != nil && author != nil { throw ValidationError("use either --label or --author, not both") }
        if requireAttestation && publicKey == nil { throw ValidationError("--require-attestation needs --public-key") }
        guard (1...16).contains(concurrency) else { throw ValidationError("--concurrency takes 1 to 16") }
        guard maxMinutes > 0 else { throw ValidationError("--max-minutes must be positive") }
        _ = try parsedReports()
    }

    func parsedReports() throws -> [(kind: String, path: String)] {
        let parsed = try reports.map { entry -> (kind: String, path: String) in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["json", "csv"].contains(parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--report takes json=PATH or csv=PATH")
            }
            return (parts[0], parts[1])
        }
        if parsed.filter({ $0.path == "-" }).count > 1 { throw ValidationError("at most one report may go to standard output") }
        return parsed
    }

    func run() async throws {
        try await GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let query = AuditQuery(scope: project.map { .project($0) } ?? .group(group ?? ""),
                                   since: AuditQuery.parseDate(since) ?? Date(),
                                   until: until.flatMap { AuditQuery.parseDate($0, endOfDay: true) },
                                   selection: label.map { .label($0) } ?? author.map { .author($0) } ?? .all, jobName: job)
            let audit = try MergeRequestAudit.connect(query: query, environment: environment, gitlabURL: gitlabURL,
                                                      publicKeyPath: publicKey, requireAttestation: requireAttestation,
                                                      concurrency: concurrency, maxMinutes: maxMinutes)
            try await audit.checkAccess()
            let output = try AuditOutput(reports: try parsedReports(), query: query)
            let started = Date()
            let summary = try await audit.run { row in try output.write(row) }
            try output.finish(summary, seconds: Date().timeIntervalSince(started))
            if summary.violations > 0 { return GateExit.blocked }
            return summary.notGated > 0 ? GateExit.couldNotDecide : GateExit.pass
        }
    }
}

/// The console table and the report files, written row by row.
final class AuditOutput {
    private let console: FileHandle
    private var files: [(kind: String, handle: FileHandle, path: String)] = []
    private var first = true

    init(reports: [(kind: String, path: String)], query: AuditQuery) throws {
        console = reports.contains { $0.path == "-" } ? .standardError : .standardOutput
        for (kind, path) in reports {
            let handle: FileHandle
            if path == "-" {
                handle = .standardOutput
            } else {
                do {
                    let url = URL(fileURLWithPath: path)
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    guard FileManager.default.createFile(atPath: path, contents: nil) else {
                        throw ReportWriteError(path: path, reason: "cannot create the file")
                    }
                    handle = try FileHandle(forWritingTo: url)
                } catch let error as ReportWriteError {
                    throw error
                } catch {
                    throw ReportWriteError(path: path, reason: error.localizedDescription)
                }
            }
            files.append((kind, handle, path))
            try emit(kind == "json" ? try AuditRendering.jsonOpening(query: query) : AuditRendering.csvLine(AuditRendering.csvColumns),
                     to: handle, path: path)
        }
        try emit(AuditRendering.consoleHeader + "\n", to: console, path: "-")
    }

    func write(_ row: AuditRow) throws {
        try emit(AuditRendering.consoleLines(row).joined(separator: "\n") + "\n", to: console, path: "-")
        for file in files {
            try emit(file.kind == "json" ? try AuditRendering.jsonElement(row, first: first) : AuditRendering.csvRecord(row),
                     to: file.handle, path: file.path)
        }
        first = false
    }

    func finish(_ summary: MergeRequestAudit.Summary, seconds: Double) throws {
        for file in files {
            if file.kind == "json" { try emit(try AuditRendering.jsonClosing(summary), to: file.handle, path: file.path) }
            if file.path != "-" { try file.handle.close() }
        }
        try emit(AuditRendering.consoleSummary(summary, seconds: seconds).joined(separator: "\n") + "\n", to: console, path: "-")
    }

    private func emit(_ text: String, to handle: FileHandle, path: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw ReportWriteError(path: path, reason: error.localizedDescription)
        }
    }
}
