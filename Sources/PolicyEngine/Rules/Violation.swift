/// What a rule reports: the evaluator adds the rule id and the policy's action to make a `Finding`.
public struct Violation: Sendable, Equatable {
    /// What was seen and what is allowed; lowercase, no final period, never a secret.
    var message: String
    /// Where, if about a file.
    var location: Finding.Location?
    /// The secret rule, for secret findings.
    var secretRule: String?
    /// Redacted evidence.
    var evidence: String?
    /// A stable identity, when the message alone would not be one.
    var fingerprint: String?
    /// Information only (e.g. calls the agent was refused): reported, never blocking.
    var isInformational = false

    /// Creates a violation.
    public init(_ message: String, location: Finding.Location? = nil, secretRule: String? = nil, evidence: String? = nil,
                fingerprint: String? = nil) {
        self.message = message
        self.location = location
        self.secretRule = secretRule
        self.evidence = evidence
        self.fingerprint = fingerprint
    }
}
