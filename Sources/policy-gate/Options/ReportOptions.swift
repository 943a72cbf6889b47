import ArgumentParser
import Foundation
import PolicyEngine

/// `--report KIND=PATH` (repeatable; `-` is standard output, at most once) and the console.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("report"),
            help: ArgumentHelp("Write a report: KIND=PATH with KIND one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", ")); PATH - is standard output.",
                               valueName: "KIND=PATH"))
    var reports: [String] = []

    @Option(name: .long, help: "Colour: auto, always or never.")
    var color: String = "auto"

    func validate() throws {
        _ = try parsed()
        guard ["auto", "always", "never"].contains(color) else {
            throw ValidationError("--color must be auto, always or never")
        }
    }

    func parsed() throws -> [(kind: ReportKind, path: String)] {
        var result: [(kind: ReportKind, path: String)] = []
        for entry in reports {
            guard let equals = entry.firstIndex(of: "="), let kind = ReportKind(rawValue: String(entry[..<equals])) else {
                throw ValidationError("--report takes KIND=PATH with KIND one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let path = String(entry[entry.index(after: equals)...])
            guard !path.isEmpty else { throw ValidationError("--report \(kind.rawValue)= needs a path") }
            result.append((kind, path))
        }
        if result.filter({ $0.path == "-" }).count > 1 {
            throw ValidationError("at most one report may go to standard output")
        }
        return result
    }

    /// The scan times written into the reports, kept so a report written again says the same.
    struct Times {
        var start: String
        var end: String
    }

    /// Prints the console form and writes every requested report.
    /// - Returns: the scan times used, for `rewriteAuditRecords(_:times:)`.
    /// - Throws: `ReportWriteError` when a report cannot be written (the gate then exits 2).
    @discardableResult
    func deliver(_ report: GateReport, started: Date, environment: [String: String], checkout: String? = nil) throws -> Times {
        let requested = try parsed()
        let stdoutTaken = requested.contains { $0.path == "-" }
        let isTerminal = isatty(stdoutTaken ? 2 : 1) == 1
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let useColor = color == "always" || (color == "auto" && isTerminal && !noColor && environment["TERM"] != "dumb")
        let console = ConsoleReporter.render(report, style: .init(
            color: useColor, gitLabSections: environment["GITLAB_CI"] == "true", timestamp: Int(Date().timeIntervalSince1970)))
        if stdoutTaken {
            StandardError.write(console)
        } else {
            FileHandle.standardOutput.write(Data(console.utf8))
        }
        let times = Times(start: SecretDetectionReporter.timestamp(started), end: SecretDetectionReporter.timestamp(Date()))
        for (kind, path) in requested {
            let text = try kind.render(report, startTime: times.start, endTime: times.end)
            try ReportFile.write(text, to: path, checkout: checkout)
        }
        return times
    }

    /// Writes the JSON audit records again (files only: standard output is already written), after
    /// something was added to the report's notes.
    /// - Throws: `ReportWriteError` when a record cannot be written.
    func rewriteAuditRecords(_ report: GateReport, times: Times, checkout: String? = nil) throws {
        for (kind, path) in try parsed() where kind == .json && path != "-" {
            try ReportFile.write(try kind.render(report, startTime: times.start, endTime: times.end), to: path, checkout: checkout)
        }
    }
}

/// Writes a report file (creating its folder) or standard output.
enum ReportFile {
    /// - Parameter checkout: a checkout the agent owned: a report inside it is written without
    ///   following any link the agent may have left on its path.
    static func write(_ text: String, to path: String, checkout: String? = nil) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        if let checkout {
            try WorkspaceFile.write(Data(text.utf8), to: path, checkout: checkout)
            return
        }
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        } catch {
            throw ReportWriteError(path: path, reason: error.localizedDescription)
        }
    }
}
