/// A variable the agent's job sets for claude: in the CI file's `variables:`, by a script line that
/// runs before claude starts (`export X=…`, `X=…`, a sourced dotenv file), or in front of the claude
/// command itself (`X=… claude`, `env X=… claude`).
public struct EnvironmentSetting: Sendable, Hashable {
    /// The variable's name.
    public var name: String
    /// The value after the job's known variables are substituted, with `$NAME` left for what only the
    /// pipeline knows. May be a secret: never print it.
    var value: String
    /// The file it is set in.
    public var file: String
    /// The 1-based line, when known.
    var line: Int?

    /// Creates a setting.
    public init(name: String, value: String, file: String, line: Int? = nil) {
        self.name = name
        self.value = value
        self.file = file
        self.line = line
    }
}
