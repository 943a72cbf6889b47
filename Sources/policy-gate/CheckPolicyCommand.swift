import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate check-policy [PATH]`: validates a policy file and prints the effective policy.
struct CheckPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-policy",
        abstract: "Validate a policy file and print the effective policy (defaults filled in).")

    @Argument(help: "The policy file (default: the built-in policy).")
    var path: String?

    func run() throws {
        try GateExit.guarded {
            let policy = try path.map { try PolicyLoader.load(path: $0) } ?? PolicyLoader.builtIn()
            _ = try PolicySource.secretRules(for: policy)
            print(EffectivePolicyText.render(policy))
            return GateExit.pass
        }
    }
}

/// The effective policy as YAML a person can read and reuse.
enum EffectivePolicyText {
    static func render(_ policy: Policy) -> String {
        func list(_ items: [String]) -> String {
            "[" + items.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ", ") + "]"
        }
        var lines = ["# effective policy from \(policy.source) (sha256 \(policy.sha256.prefix(16))…)", "version: \(policy.version)", "agent:"]
        lines.append("  permission_modes: \(list(policy.agent.permissionModes.map(\.name)))")
        lines.append("  tools:")
        lines.append("    allow: \(list(policy.agent.allow.map(\.text)))")
        lines.append("    deny: \(list(policy.agent.deny.map(\.text)))")
        lines.append("workspace:")
        lines.append("  writable: \(list(policy.workspace.writable.patterns.map(\.text)))")
        lines.append("  protected: \(list(policy.workspace.protected.patterns.map(\.text)))")
        lines.append("  max_changed_files: \(policy.workspace.maxChangedFiles)")
        lines.append("  max_changed_lines: \(policy.workspace.maxChangedLines)")
        lines.append("branches:")
        lines.append("  protected: \(list(policy.protectedBranches.map(\.pattern)))")
        lines.append("secrets:")
        lines.append("  rules: \(policy.secrets.rules)")
        lines.append("  ignore: \(policy.secrets.ignore ?? "~")")
        lines.append("  honour_inline_allow: \(policy.secrets.honourInlineAllow)")
        lines.append("transcript:")
        lines.append("  allowed_hosts: \(list(policy.transcript.allowedHosts))")
        lines.append("rules:")
        for id in RuleRegistry.ids {
            let action = policy.ruleActions[id] ?? RuleRegistry.rule(id: id)?.description.defaultAction ?? .block
            lines.append("  \(id): \(action.rawValue)")
        }
        return lines.joined(separator: "\n")
    }
}
