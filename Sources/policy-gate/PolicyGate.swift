import ArgumentParser
import PolicyEngine

@main
struct PolicyGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy-gate",
        abstract: "A governance gate for merge requests written by AI coding agents.",
        discussion: """
        Exit codes: 0 pass (warnings may be printed), 1 blocked by the policy,
        2 could not decide (bad input, policy, repository or internal error), 64 usage error.
        """,
        version: PolicyGateVersion.full,
        subcommands: [PreCommand.self, PostCommand.self, RunCommand.self, ScanCommand.self, CheckPolicyCommand.self,
                      ExplainCommand.self, InitCommand.self, VerifyCommand.self, AuditCommand.self]
    )
}
