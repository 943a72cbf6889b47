import ArgumentParser
import HookClient
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
        subcommands: [PreCommand.self, AgentCommand.self, PostCommand.self, RunCommand.self, ScanCommand.self, CheckPolicyCommand.self,
                      ExplainCommand.self, InitCommand.self, VerifyCommand.self, AuditCommand.self, HookCommand.self]
    )

    /// ArgumentParser's own `main`, except that a hook's usage error is exit 2: Claude Code lets a call
    /// through on any other failing code, 64 included.
    static func main() async {
        let subcommand = CommandLine.arguments.dropFirst().first
        let isHook = subcommand == "hook"
        if let subcommand, ["pre", "post", "run", "agent", "scan", "audit", "verify"].contains(subcommand) {
            GitRepository.startLibraryInBackground()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if isHook && exitCode(for: error) != .success {
                HookFailure.exit(fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage")
            }
            exit(withError: error)
        }
    }
}
