/// Pre stage. `--debug`, `--debug-file` or debug environment variables: the agent writes a debug log
/// that can end up in job artifacts. Reads `Facts.invocation` and `Facts.ciJob`.
enum DebugLoggingRule: PolicyRule {
    static let description = RuleDescription(
        id: "ci.debug-logging",
        title: "The agent writes a debug log",
        rationale: """
        Debug logs record requests, tool calls and their output; they have leaked credentials before and \
        are easy to collect as artifacts. Run without --debug in pipelines that hold secrets.
        """,
        stages: [.pre], defaultAction: .warn,
        examples: [
            RuleExample("no debug flag", violations: 0) { try .pre("-p task --output-format stream-json --verbose") },
            RuleExample("--debug", violations: 1) { try .pre("-p task --debug") },
            RuleExample("--debug-file", violations: 1) { try .pre("-p task --debug-file /tmp/log") },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        let location = facts.invocationSource.map { Finding.Location(path: $0) }
        if invocation.debug || invocation.debugFile != nil {
            return [Violation("the agent runs with \(invocation.debugFile != nil ? "--debug-file" : "--debug") and writes a debug log",
                              location: location)]
        }
        if let value = invocation.environment["DEBUG"], !value.isEmpty, value != "0" {
            return [Violation("DEBUG is set for the agent, which enables its debug log", location: location)]
        }
        return []
    }
}
