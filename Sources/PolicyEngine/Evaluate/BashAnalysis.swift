import Foundation

/// What `BashCommandAnalyzer` found in one command string.
public struct BashAnalysis: Sendable, Hashable {
    /// The argv of every simple command, in order, after wrappers (`timeout`, `env`, `sudo`, …)
    /// and leading assignments are stripped, including commands nested in subshells,
    /// substitutions and `bash -c` strings; for the permission audit, where each must be
    /// allowed on its own.
    var simpleCommands: [[String]]
    /// The dangers found, without duplicates, in the order found.
    public var findings: [DangerousCommandFinding]
    /// The files the command writes (redirections, `tee`, `cp`, `sed -i`, `--output`, …), resolved
    /// against the working directory where possible, in order.
    var writtenPaths: [String]

    /// Creates an analysis.
    /// - Parameters:
    ///   - simpleCommands: the argv of each simple command.
    ///   - findings: the dangers found.
    ///   - writtenPaths: the files written.
    public init(simpleCommands: [[String]], findings: [DangerousCommandFinding], writtenPaths: [String] = []) {
        self.simpleCommands = simpleCommands
        self.findings = findings
        self.writtenPaths = writtenPaths
    }

    /// Whether nothing dangerous was found.
    var isClean: Bool { findings.isEmpty }

    /// Whether the command parsed without errors.
    var isParseable: Bool { !findings.contains { $0.kind == .unparseable } }

    /// The distinct kinds found.
    var kinds: Set<DangerousCommandFinding.Kind> { Set(findings.map(\.kind)) }
}
