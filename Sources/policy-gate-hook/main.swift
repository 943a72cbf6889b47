import HookClient

// `policy-gate-hook --runner SOCKET [--time-budget SECONDS]`: the live hook as the agent runner installs it
// (the same as `policy-gate hook pre-tool-use --runner SOCKET`, without loading the gate). Claude Code
// lets a call through on any failing exit but 2, so a usage error is exit 2 too.
var socket: String?
var budget = 10.0
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    switch (option, arguments.popFirst()) {
    case ("--runner", let value?): socket = value
    case ("--time-budget", let value?):
        guard let seconds = Double(value) else { HookFailure.exit("--time-budget: not a number of seconds") }
        budget = seconds
    default:
        HookFailure.exit("usage: policy-gate-hook --runner SOCKET [--time-budget SECONDS]")
    }
}
guard let socket else { HookFailure.exit("usage: policy-gate-hook --runner SOCKET [--time-budget SECONDS]") }
ThinClient.run(socket: socket, budget: budget)
