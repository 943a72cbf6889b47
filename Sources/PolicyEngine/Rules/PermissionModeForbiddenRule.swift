/// Pre stage. Checks the agent's effective permission mode (the flag, else a repository settings
/// file's `defaultMode`, else Claude's `-p` default) against `agent.permission_modes`, and rejects
/// bypass in every spelling. Reads `Facts.invocation` and `Facts.repositorySettings`.
enum PermissionModeForbiddenRule: PolicyRule {
    static let description = RuleDescription(
        id: "permission-mode.forbidden",
        title: "The agent runs in a permission mode the policy does not allow",
        rationale: """
        bypassPermissions ignores every allow rule and runs anything without a prompt; other modes \
        decide what the agent may do unasked. The mode must be one the security team chose, set explicitly.
        """,
        stages: [.pre], defaultAction: .block,
        examples: [
            RuleExample("acceptEdits is allowed by default", violations: 0) { try .pre("-p task --permission-mode acceptEdits") },
            RuleExample("the manual alias means default", violations: 0) { try .pre("-p task --permission-mode=manual") },
            RuleExample("bypassPermissions", violations: 1) { try .pre("-p task --permission-mode bypassPermissions") },
            RuleExample("bypassPermissions as the default mode of inline --settings JSON", violations: 1) {
                try .pre(#"-p task --settings '{"permissions":{"defaultMode":"bypassPermissions"}}'"#)
            },
            RuleExample("--permission-mode wins over the default mode of inline --settings", violations: 0) {
                try .pre(#"-p task --permission-mode plan --settings '{"permissions":{"defaultMode":"bypassPermissions"}}'"#)
            },
            RuleExample("--dangerously-skip-permissions", violations: 1) { try .pre("-p task --dangerously-skip-permissions") },
            RuleExample("bypass carried by --inherit-permission-mode", violations: 1) {
                try .pre("-p task --inherit-permission-mode bypassPermissions")
            },
            RuleExample("--allow-dangerously-skip-permissions", violations: 1) {
                try .pre("-p task --permission-mode plan --allow-dangerously-skip-permissions")
            },
            RuleExample("an unknown mode", violations: 1) { try .pre("-p task --permission-mode yolo") },
            RuleExample("a mode the policy leaves out", violations: 1, policy: "agent:\n  permission_modes: [plan]\n") {
                try .pre("-p task --permission-mode acceptEdits")
            },
            RuleExample("--setting-sources user does not load the repository's defaultMode", violations: 0) {
                try .pre("-p task --setting-sources user", settings: [(".claude/settings.json", #"{"permissions":{"defaultMode":"bypassPermissions"}}"#)])
            },
            RuleExample("a repository settings file sets bypass when no flag is given", violations: 1) {
                try .pre("-p task", settings: [(".claude/settings.json", #"{"permissions":{"defaultMode":"bypassPermissions"}}"#)])
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let invocation = facts.invocation else { return [] }
        var violations: [Violation] = []
        let location = facts.invocationSource.map { Finding.Location(path: $0) }
        if invocation.dangerouslySkipPermissions {
            violations.append(Violation("--dangerously-skip-permissions turns every permission check off", location: location))
        }
        if invocation.allowDangerouslySkipPermissions {
            violations.append(Violation("--allow-dangerously-skip-permissions lets the session switch to bypass mode", location: location))
        }
        let mode: PermissionMode
        var origin = "--permission-mode"
        if let given = invocation.permissionMode {
            mode = given
        } else if let fromSettings = facts.repositorySettings.filter({ $0.isLoaded(by: invocation) }).compactMap(\.defaultMode).last {
            mode = fromSettings
            origin = "defaultMode in the repository's settings"
        } else {
            mode = .default
            origin = "Claude's default"
        }
        let allowed = policy.agent.permissionModes.map(\.name).joined(separator: ", ")
        if mode == .bypassPermissions, !invocation.dangerouslySkipPermissions {
            violations.append(Violation("permission mode 'bypassPermissions' (\(origin)) is never allowed (allowed: \(allowed))",
                                        location: location))
        } else if !mode.isKnown {
            violations.append(Violation("permission mode '\(mode.name)' (\(origin)) is not a mode Claude Code knows (allowed: \(allowed))",
                                        location: location))
        } else if mode != .bypassPermissions, !policy.agent.permissionModes.contains(mode) {
            violations.append(Violation("permission mode '\(mode.name)' (\(origin)) is not allowed (allowed: \(allowed))", location: location))
        }
        return violations
    }
}
