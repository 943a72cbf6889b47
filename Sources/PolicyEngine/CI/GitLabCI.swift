import Foundation

/// GitLab CI, the first CI system: its predefined variables (`CIContext`), `.gitlab-ci.yml` with its
/// includes, components and rules (`CIConfigurationReader`, `CIJobExtractor`), and merge-request notes,
/// labels and commit statuses (`GitLabAnnotator`).
public struct GitLabCI: CIProvider {
    /// The address (without `@version`) of the component the built-in template stands for.
    public var componentAddress: String

    /// Creates the provider.
    /// - Parameter componentAddress: the component address, if not the project's own.
    public init(componentAddress: String? = nil) {
        self.componentAddress = componentAddress ?? CIConfigurationReader.defaultComponentAddress
    }

    public func context(environment: [String: String]) -> CIContext {
        CIContext(environment: environment)
    }

    public func agentJob(file: String, job jobName: String, repository: String, environment: [String: String]) throws -> CIJobReading {
        typealias CollectError = PreStageCollector.CollectError
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CollectError(description: "\(file): cannot read the CI configuration")
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw CollectError(description: "\(file): the CI configuration is not valid UTF-8")
        }
        let reader = CIConfigurationReader(repository: repository, environment: environment, componentAddress: componentAddress)
        var readings = try reader.readings(file: file, text: yaml)
        let sources = readings.flatMap(\.sources)
        let ciFiles = Set(readings.flatMap(\.localFiles)).sorted()
        var ciPatterns: [String] = []
        for pattern in readings.flatMap(\.localPatterns) where !ciPatterns.contains(pattern) { ciPatterns.append(pattern) }
        // A configuration where an include with undecidable rules leaves the job out runs no agent.
        let present = readings.filter { $0.extractor.jobNames.contains(jobName) }
        if !present.isEmpty { readings = present }
        var invocations: [CIJobInvocation] = []
        for reading in readings {
            if let source = reading.extractor.dotenvSources(for: jobName, environment: environment).first {
                throw CollectError(description: "\(source.file):\(source.line): job '\(source.job)' hands '\(jobName)' a dotenv report, "
                                   + "whose variables (which can configure claude) only the running pipeline knows")
            }
            // Each parallel:matrix combination is a job of its own, judged on its own.
            for job in try reading.extractor.jobs(named: jobName) {
                let analysis = try reading.extractor.analyse(job, repository: repository, environment: environment)
                if let first = analysis.undecidable.first {
                    let more = analysis.undecidable.count > 1 ? " (and \(analysis.undecidable.count - 1) more)" : ""
                    throw CollectError(description: "\(first) in job '\(job.name)'; the gate cannot decide\(more)")
                }
                guard !analysis.commands.isEmpty else {
                    throw CollectError(description: "\(file):\(job.line): job '\(job.name)' runs no claude command")
                }
                invocations += analysis.commands.map { command in
                    var jobFacts = CIJobFacts(name: job.name, file: file, image: job.image,
                                              scriptLines: job.allLines.map { ($0.text, $0.line) },
                                              environment: command.environment,
                                              throughRunner: command.nesting.contains("policy-gate run"))
                    jobFacts.configurationFiles = ciFiles
                    jobFacts.configurationPatterns = ciPatterns
                    return CIJobInvocation(argv: command.argv, source: "\(command.file):\(command.line)", job: jobFacts,
                                           writes: analysis.writes)
                }
            }
        }
        return CIJobReading(invocations: invocations, sources: sources)
    }

    public func annotate(_ report: GateReport, environment: [String: String]) async -> AnnotationResult {
        await GitLabAnnotator.annotate(report, environment: environment)
    }
}
