/// Everything the gate knows about one CI system: what the job's environment says about the pipeline,
/// how the agent's job reads from the CI configuration, and how the merge request is annotated. The
/// stages see only what a provider produces (`CIContext`, `CIJobReading`, `AnnotationResult`).
///
/// `GitLabCI` is the first conformer.
public protocol CIProvider: Sendable {
    /// The pipeline's context, from the job's environment.
    func context(environment: [String: String]) -> CIContext
    /// The agent commands of job `job` in the CI file `file`, and the configuration texts read for them
    /// (scanned for literal secrets).
    /// - Throws: a one-line error (file, line, reason) when the job cannot be read or decided.
    func agentJob(file: String, job: String, repository: String, environment: [String: String]) throws -> CIJobReading
    /// Writes the report to the pipeline's merge request. Never throws and never changes the decision:
    /// what fails is in `AnnotationResult.problems`.
    func annotate(_ report: GateReport, environment: [String: String]) async -> AnnotationResult
}

/// One command of a CI job that starts the agent.
public struct CIJobInvocation: Sendable {
    /// The command line, program first.
    public var argv: [String]
    /// Where it is written (`.gitlab-ci.yml:14`).
    public var source: String
    /// The job around it.
    public var job: CIJobFacts
    /// Files the job's scripts write before it (configuration the agent may read).
    public var writes: [ScriptFileWrite]

    /// Creates an invocation.
    public init(argv: [String], source: String, job: CIJobFacts, writes: [ScriptFileWrite] = []) {
        self.argv = argv
        self.source = source
        self.job = job
        self.writes = writes
    }
}

/// What a provider read for one job.
public struct CIJobReading: Sendable {
    /// Every command of the job that starts the agent (one per `parallel:matrix` combination and command).
    public var invocations: [CIJobInvocation]
    /// The configuration texts read, by name, for the secret scan.
    public var sources: [CIJobExtractor.SourceFile]

    /// Creates a reading.
    public init(invocations: [CIJobInvocation], sources: [CIJobExtractor.SourceFile]) {
        self.invocations = invocations
        self.sources = sources
    }
}
