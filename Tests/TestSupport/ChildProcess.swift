import Foundation

/// Runs an executable with an explicit environment and captures what it printed.
public enum ChildProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Whether a signal ended the process (then `status` is the signal number, not an exit code).
        public var wasSignaled = false
    }

    public struct Timeout: Error, CustomStringConvertible {
        public var command: String
        public var description: String { "\(command) did not finish in time" }
    }

    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String] = [:], directory: String? = nil,
                           timeout: TimeInterval = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
            .merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            Thread.detachNewThread {
                collected.store(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError)
                group.leave()
            }
        }
        if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
        try? input.fileHandleForWriting.close()
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Timeout(command: ([executable] + arguments).joined(separator: " "))
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: collected.text(isError: false),
                       stderr: collected.text(isError: true), wasSignaled: process.terminationReason == .uncaughtSignal)
    }
}

/// The two output streams of a child process, each read to its end on its own thread.
public final class OutputCollector: @unchecked Sendable {
    // Guarded by `lock`; each stream is written once, from its own thread.
    private var stdout = Data(), stderr = Data()
    private let lock = NSLock()

    public init() {}

    public func store(_ data: Data, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { stderr = data } else { stdout = data }
    }

    public func text(isError: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: isError ? stderr : stdout, as: UTF8.self)
    }
}
