import Foundation
import TestSupport

/// Runs the built `policy-gate` binary with an explicit environment (never the test runner's own,
/// which inside GitLab CI carries `CI_*` variables) and captures what it printed.
struct GateProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether a signal ended the process (then `status` is the signal number, not an exit code).
        var wasSignaled = false

        /// Everything the process printed, for leak checks.
        var allOutput: String { stdout + stderr }
    }

    /// The binary next to the test bundle in the build folder.
    static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // Swift Testing may run from inside the .xctest bundle folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("policy-gate").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("policy-gate")
    }

    /// `run` on a thread of its own, for async tests: a child process waited for on the concurrency
    /// pool (two threads on a two-core machine) would starve every other test's timers and servers.
    static func runOffPool(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) async throws -> Outcome {
        try await onOwnThread { try run(arguments, environment: environment, timeout: timeout) }
    }

    /// Runs the gate, or `executable` when given (the pipeline tests run job scripts with bash).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    directory: String? = nil, timeout: TimeInterval = 120, executable: URL? = nil) throws -> Outcome {
        var base = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        // A sanitizer build (scripts/sanitizers.sh) configures the binary's runtime the same way as the tests'.
        for name in ["ASAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"] {
            if let value = ProcessInfo.processInfo.environment[name] { base[name] = value }
        }
        let program = executable ?? binary
        do {
            let outcome = try ChildProcess.run(program.path, arguments, stdin: stdin, environment: base.merging(environment) { _, new in new },
                                               directory: directory, timeout: timeout)
            return Outcome(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr, wasSignaled: outcome.wasSignaled)
        } catch is ChildProcess.Timeout {
            throw TimeoutError(arguments: [program.lastPathComponent] + arguments)
        }
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "\(arguments.joined(separator: " ")) did not finish in time" }
    }
}
