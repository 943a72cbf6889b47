/// A policy finding: what a rule saw, where, and what the policy says to do about it.
public struct Finding: Sendable, Equatable, Codable, Hashable {
    /// What the policy does about a finding.
    public enum Action: String, Sendable, Codable, CaseIterable, Comparable {
        case block
        case warn
        case info

        private var rank: Int {
            switch self {
            case .block: 0
            case .warn: 1
            case .info: 2
            }
        }

        public static func < (lhs: Action, rhs: Action) -> Bool { lhs.rank < rhs.rank }
    }

    /// A place in the repository.
    public struct Location: Sendable, Equatable, Codable, Hashable {
        /// Repository-relative path.
        public var path: String
        /// 1-based line, when the finding is about a line.
        var line: Int?

        /// Creates a location.
        public init(path: String, line: Int? = nil) {
            self.path = path
            self.line = line
        }
    }

    /// The governance rule id, e.g. `secrets.leak`.
    public var rule: String
    /// What to do.
    var action: Action
    /// What was seen and what is allowed; never contains a secret.
    var message: String
    /// Where, when the finding is about a file.
    var location: Location?
    /// For `secrets.leak` and `transcript.secret-exposure`: the secret rule's id.
    var secretRule: String?
    /// Redacted evidence (a secret's preview and hash, a command snippet), safe to print.
    var evidence: String?
    /// Stable identity of the finding across runs.
    var fingerprint: String

    /// Creates a finding.
    public init(rule: String, action: Action, message: String, location: Location? = nil, secretRule: String? = nil,
                evidence: String? = nil, fingerprint: String? = nil) {
        self.rule = rule
        self.action = action
        self.message = message
        self.location = location
        self.secretRule = secretRule
        self.evidence = evidence
        self.fingerprint = fingerprint
            ?? "\(rule):\(location?.path ?? ""):\(location?.line.map(String.init) ?? ""):"
            + SecretRedaction.hash([secretRule ?? "", evidence ?? "", message].joined(separator: "\u{1F}")).prefix(16)
    }

    enum CodingKeys: String, CodingKey {
        case rule, action, message, location
        case secretRule = "secret_rule"
        case evidence, fingerprint
    }

    /// Orders findings by action, path, line and rule, so every report lists them the same way.
    static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        let left = (lhs.action, lhs.location?.path ?? "", lhs.location?.line ?? 0, lhs.rule, lhs.fingerprint)
        let right = (rhs.action, rhs.location?.path ?? "", rhs.location?.line ?? 0, rhs.rule, rhs.fingerprint)
        if left.0 != right.0 { return left.0 < right.0 }
        return (left.1, left.2, left.3, left.4) < (right.1, right.2, right.3, right.4)
    }
}

extension SecretFinding {
    /// This secret as a policy finding of `rule` (e.g. `secrets.leak`).
    public func asFinding(rule: String, action: Finding.Action) -> Finding {
        var message = "secret of rule '\(ruleID)' \(self.place)\(summary)"
        if hasAllowMarker {
            message += " (an inline allow marker on the line was not honoured)"
        }
        return Finding(rule: rule, action: action, message: message, location: .init(path: path, line: line),
                       secretRule: ruleID, evidence: redacted, fingerprint: fingerprint)
    }
}
