import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate scan`: the secret scanner on its own.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan added lines of a diff, a commit range, the working tree, or a folder for secrets.",
        discussion: "Exit codes: 0 no secrets, 1 secrets found, 2 could not decide."
    )

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, json, sarif
    }

    @OptionGroup var repository: RepositoryOptions

    @Option(name: .long, help: "Rule file in gitleaks' TOML format (default: the built-in rules).")
    var rules: String?

    @Option(name: .long, help: "An existing gitleaks configuration file (same format as --rules).")
    var gitleaksConfig: String?

    @Option(name: .long, help: "A unified diff to scan: a file, or - for standard input.")
    var diff: String?

    @Option(name: .long, help: "Base revision of the range to scan.")
    var base: String?

    @Option(name: .long, help: "Head revision of the range to scan.")
    var head: String?

    @Flag(name: .long, help: "Scan the working tree (with untracked files) against --base (default HEAD).")
    var worktree = false

    @Option(name: .long, help: "Scan every text file under this folder.")
    var dir: String?

    @Option(name: .long, help: "File of accepted fingerprints (commit:path:rule:line or path:rule:line).")
    var ignoreFile: String?

    @Flag(name: .long, help: "Report findings on lines with a gitleaks:allow or policy-gate:allow marker too.")
    var ignoreInlineAllow = false

    @Option(name: .long, help: "Output format.")
    var format: Format = .text

    @Option(name: .long, help: "Write the report here instead of standard output.")
    var output: String?

    func validate() throws {
        if rules != nil && gitleaksConfig != nil {
            throw ValidationError("use either --rules or --gitleaks-config, not both")
        }
        let sources = [diff != nil, base != nil || head != nil || worktree, dir != nil].filter { $0 }.count
        if sources != 1 {
            throw ValidationError("give exactly one input: --diff, --base/--head (or --worktree), or --dir")
        }
        if head != nil && worktree {
            throw ValidationError("--head and --worktree cannot be used together")
        }
        if head != nil && base == nil {
            throw ValidationError("--head needs --base")
        }
        if base != nil && head == nil && !worktree {
            throw ValidationError("--base needs --head or --worktree")
        }
    }

    func run() throws {
        try GateExit.guarded {
            let environment = ProcessInfo.processInfo.environment
            let ruleFile = rules ?? gitleaksConfig
            let request: SecretScan.Input
            if let diff {
                request = .diff(path: diff)
            } else if let dir {
                request = .directory(path: dir, excluding: Set([ruleFile, ignoreFile].compactMap { $0 }))
            } else {
                request = .git(repository: repository.path(environment: environment), base: base ?? "HEAD",
                               head: worktree ? .workingTree : .revision(head ?? "HEAD"))
            }
            let outcome = try Gate.scan(request, ruleFile: ruleFile, ignoreFile: ignoreFile, honoursInlineAllowMarkers: !ignoreInlineAllow)
            try write(outcome)
            return outcome.result.findings.isEmpty ? GateExit.pass : GateExit.blocked
        }
    }

    private func write(_ outcome: Gate.ScanOutcome) throws {
        let text: String
        switch format {
        case .text:
            text = ScanTextReport.render(outcome.result)
        case .json:
            text = try ScanJSONReport.render(outcome.result)
        case .sarif:
            text = try SARIFReporter.render(findings: outcome.findings, rules: SARIFReporter.secretRuleDescriptors(outcome.ruleSet))
        }
        if let output, output != "-" {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                throw ReportWriteError(path: output, reason: error.localizedDescription)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// A report could not be written: the gate did not deliver what was asked, so it cannot pass.
struct ReportWriteError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): cannot write the report: \(reason)" }
}
