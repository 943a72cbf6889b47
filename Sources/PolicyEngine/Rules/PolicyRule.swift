/// A governance rule: one small type with a description (id, rationale, examples) and a pure check.
public protocol PolicyRule: Sendable {
    /// What the rule is, why it matters, and examples that do and do not trigger it.
    static var description: RuleDescription { get }
    /// Checks the facts against the policy. Pure: no I/O, no environment, no clock.
    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation]
}

/// A rule's documentation and tests in one value.
public struct RuleDescription: Sendable {
    /// Stable id, `area.what`.
    public var id: String
    /// One-line title.
    var title: String
    /// Why a security team cares.
    var rationale: String
    /// Stages the rule runs in.
    var stages: [Facts.Stage]
    /// The action when the policy does not override it.
    public var defaultAction: RuleAction
    /// Examples: facts that trigger the rule and facts that do not. They are also its tests.
    var examples: [RuleExample]

    /// Creates a description.
    public init(id: String, title: String, rationale: String, stages: [Facts.Stage], defaultAction: RuleAction,
                examples: [RuleExample]) {
        self.id = id
        self.title = title
        self.rationale = rationale
        self.stages = stages
        self.defaultAction = defaultAction
        self.examples = examples
    }
}

/// One example of a rule: facts (and optionally a policy), and how many violations they must give.
public struct RuleExample: Sendable {
    /// What the example shows.
    public var name: String
    /// Builds the facts.
    var facts: @Sendable () throws -> Facts
    /// Policy YAML overriding the default policy, if any.
    var policyYAML: String?
    /// Violations expected (0: the example must pass).
    var expectedViolations: Int
    /// Where the example is written, so a failing one points at itself.
    public var file: String
    /// The line of the example.
    var line: Int

    /// Creates an example.
    public init(_ name: String, violations: Int, policy: String? = nil, file: String = #fileID, line: Int = #line,
                facts: @escaping @Sendable () throws -> Facts) {
        self.name = name
        self.facts = facts
        self.policyYAML = policy
        self.expectedViolations = violations
        self.file = file
        self.line = line
    }

    /// Whether the example triggers the rule.
    var triggers: Bool { expectedViolations > 0 }
}
