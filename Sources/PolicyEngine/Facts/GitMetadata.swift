/// Digests of the git metadata an agent could tamper with during its run.
public struct GitMetadata: Sendable, Equatable, Codable {
    /// SHA-256 of `.git/config`, `nil` when absent.
    var configSHA256: String?
    /// SHA-256 of each file under `.git/hooks`, by name.
    @_spi(Fuzzing) public var hooks: [String: String]

    /// Creates a value.
    public init(configSHA256: String?, hooks: [String: String]) {
        self.configSHA256 = configSHA256
        self.hooks = hooks
    }
}
