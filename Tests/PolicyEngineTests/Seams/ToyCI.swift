import Foundation
@_spi(Fuzzing) @testable import PolicyEngine

/// A second CI system, made up, to show what a `CIProvider` must say. Its environment is `TOYCI_*`; its
/// configuration is a text file of `job NAME`, `image REF` and `run COMMAND` lines; its annotations are
/// kept in memory.
final class ToyCI: CIProvider, @unchecked Sendable {
    /// One annotation: the change it was written to and what it said.
    struct Annotation: Equatable {
        var change: String?
        var decision: Decision
        var rules: [String]
    }

    private let lock = NSLock()
    private var recorded: [Annotation] = []

    /// The annotations written so far.
    var annotations: [Annotation] { lock.withLock { recorded } }

    func context(environment: [String: String]) -> CIContext {
        var context = CIContext()
        context.pipelineSource = environment["TOYCI_CHANGE"] == nil ? "push" : "merge_request_event"
        context.commitBranch = environment["TOYCI_BRANCH"]
        context.mergeRequestIID = environment["TOYCI_CHANGE"]
        context.targetBranch = environment["TOYCI_TARGET"]
        context.jobID = environment["TOYCI_JOB"]
        return context
    }

    func agentJob(file: String, job: String, repository: String, environment: [String: String]) throws -> CIJobReading {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ToyAgent.ToyError(description: "\(file): unreadable") }
        var current: String?
        var image: String?
        var lines: [(text: String, line: Int)] = []
        var commands: [(argv: [String], line: Int)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let (keyword, rest) = (line.prefix { $0 != " " }, String(line.drop { $0 != " " }.dropFirst()))
            if keyword == "job" { current = rest }
            guard current == job else { continue }
            if keyword == "image" { image = rest }
            if keyword == "run" {
                lines.append((rest, index + 1))
                let words = try ShellWords.split(rest, source: file)
                if words.first == "toy" { commands.append((words, index + 1)) }
            }
        }
        guard !commands.isEmpty else { throw ToyAgent.ToyError(description: "\(file): job '\(job)' runs no agent") }
        let facts = CIJobFacts(name: job, file: file, image: image, scriptLines: lines)
        return CIJobReading(invocations: commands.map { CIJobInvocation(argv: $0.argv, source: "\(file):\($0.line)", job: facts) },
                            sources: [.init(name: file, text: text)])
    }

    func annotate(_ report: GateReport, environment: [String: String]) async -> AnnotationResult {
        let annotation = Annotation(change: report.ci.mergeRequestIID, decision: report.decision,
                                    rules: Array(Set(report.findings.map(\.rule))).sorted())
        lock.withLock { recorded.append(annotation) }
        return AnnotationResult(actions: ["noted change \(annotation.change ?? "none")"])
    }
}
