/// What the policy does with a rule's findings.
public enum RuleAction: String, Sendable, Codable, CaseIterable {
    case block
    case warn
    case off

    /// The finding action for this setting, or `nil` when the rule is off.
    var findingAction: Finding.Action? {
        switch self {
        case .block: .block
        case .warn: .warn
        case .off: nil
        }
    }
}
