/// What the gate learned from the agent's CI job definition (when given with `--ci-config --job`).
public struct CIJobFacts: Sendable, Equatable {
    /// The job name.
    public var name: String
    /// The CI file.
    public var file: String
    /// The job's effective image, if any.
    public var image: String?
    /// Every script line the runner executes (`before_script`, `script`, `after_script`), with its line.
    public var scriptLines: [(text: String, line: Int)]
    /// The variables the job sets before this claude command starts (YAML `variables:` first, then
    /// script assignments in order).
    public var environment: [EnvironmentSetting]
    /// Whether the claude command runs under `policy-gate run`, which passes the agent only the
    /// variables of the allow-list.
    public var throughRunner: Bool
    /// The repository's CI files the job was read from (see ``PreState/ciFiles``).
    public var configurationFiles: [String] = []
    /// The local wildcard includes, as written.
    public var configurationPatterns: [String] = []

    /// Creates the facts.
    public init(name: String, file: String, image: String? = nil, scriptLines: [(text: String, line: Int)] = [],
                environment: [EnvironmentSetting] = [], throughRunner: Bool = false) {
        self.name = name
        self.file = file
        self.image = image
        self.scriptLines = scriptLines
        self.environment = environment
        self.throughRunner = throughRunner
    }

    public static func == (lhs: CIJobFacts, rhs: CIJobFacts) -> Bool {
        lhs.name == rhs.name && lhs.file == rhs.file && lhs.image == rhs.image
            && lhs.environment == rhs.environment && lhs.throughRunner == rhs.throughRunner
            && lhs.scriptLines.map(\.text) == rhs.scriptLines.map(\.text) && lhs.scriptLines.map(\.line) == rhs.scriptLines.map(\.line)
    }
}
