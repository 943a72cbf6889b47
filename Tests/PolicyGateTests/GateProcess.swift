import Foundation

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

    /// Runs the gate, or `executable` when given (the pipeline tests run job scripts with bash).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    directory: String? = nil, timeout: TimeInterval = 120, executable: URL? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        var base = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        // A sanitizer build (scripts/sanitizers.sh) configures the binary's runtime the same way as the tests'.
        for name in ["ASAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"] {
            if let value = ProcessInfo.processInfo.environment[name] { base[name] = value }
        }
        base.merge(environment) { _, new in new }
        process.environment = base
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently so a large output cannot block the child.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isError: isError)
                group.leave()
            }
        }
        if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
        try? input.fileHandleForWriting.close()
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw TimeoutError(arguments: [process.executableURL?.lastPathComponent ?? "?"] + arguments)
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: collected.text(isError: false),
                       stderr: collected.text(isError: true), wasSignaled: process.terminationReason == .uncaughtSignal)
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "\(arguments.joined(separator: " ")) did not finish in time" }
    }
}

private final class OutputCollector: @unchecked Sendable {
    // Guarded by `lock`; written once per stream from two threads.
    private var stdout = Data()
    private var stderr = Data()
    private let lock = NSLock()

    func store(_ data: Data, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { stderr = data } else { stdout = data }
    }

    func text(isError: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: isError ? stderr : stdout, as: UTF8.self)
    }
}
