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

    /// Prints the console form and writes every requested report.
    /// - Throws: `ReportWriteError` when a report cannot be written (the gate then exits 2).
    func deliver(_ report: GateReport, started: Date, environment: [String: String]) throws {
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
        let start = SecretDetectionReporter.timestamp(started)
        let end = SecretDetectionReporter.timestamp(Date())
        for (kind, path) in requested {
            let text = try kind.render(report, startTime: start, endTime: end)
            try ReportFile.write(text, to: path)
        }
    }
}

/// Writes a report file (creating its folder) or standard output.
enum ReportFile {
    static func write(_ text: String, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
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
