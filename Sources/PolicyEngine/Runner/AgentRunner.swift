import Crypto
import Foundation
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Runs the agent as a user of its own, with its standard output as the transcript, and makes sure
/// that nothing of it is left running before the gate looks at its work.
///
/// The transcript goes through a pipe to a file in the gate's private folder: no process of the agent
/// holds a descriptor of that file, so none can rewrite what was already written.
struct AgentRunner {
    /// What to run and how.
    struct Configuration: Sendable {
        /// The agent command, `claude …`.
        var command: [String]
        /// The checkout the agent works in.
        var checkout: String
        /// The user to run as; `nil` runs it as the gate's own user (the policy's `agent.isolation: none`).
        var user: AgentUser?
        /// The gate's environment.
        var environment: [String: String]
        /// Variables the policy lets through (`agent.environment`).
        var allowedVariables: [String]
        /// How long the agent may run.
        var timeout: Duration?
        /// The gate's private folder (root-owned, 0700).
        var privateFolder: PrivateFolder
        /// The policy enforced inside the agent, when the agent runs as a user of its own.
        var liveHook: LiveHook?

        /// Creates a configuration.
        init(command: [String], checkout: String, user: AgentUser?, environment: [String: String],
                    allowedVariables: [String], timeout: Duration?, privateFolder: PrivateFolder) {
            self.command = command
            self.checkout = checkout
            self.user = user
            self.environment = environment
            self.allowedVariables = allowedVariables
            self.timeout = timeout
            self.privateFolder = privateFolder
        }
    }

    /// How the run went.
    struct Outcome: Sendable {
        /// The agent's exit status: 128 + signal when killed by one, -1 when its time ran out.
        var exitStatus: Int32
        /// The transcript, in the private folder.
        var transcriptPath: String
        /// Its SHA-256, computed as it was written.
        var transcriptSHA256: String
        /// Processes of the agent's user still running after it exited (all killed).
        var lingeringProcesses: Int
        /// How it was isolated.
        var isolation: AgentIsolation
    }

    /// Lines about the run for the job log (tool names and event types only: inputs may hold secrets).
    var log: @Sendable (String) -> Void

    /// Creates a runner.
    init(log: @escaping @Sendable (String) -> Void) {
        self.log = log
    }

    /// How long killing the agent's processes may take before the gate gives up (exit 2).
    static let killDeadline: TimeInterval = 10

    /// Runs the agent and returns once every process of it is gone.
    /// - Throws: `RunnerError` when it cannot be started, isolated, or stopped.
    func run(_ configuration: Configuration) async throws(RunnerError) -> Outcome {
        let workspace = try await AgentWorkspace.prepare(configuration)
        defer { workspace.remove() }
        let transcriptPath = configuration.privateFolder.path + "/transcript.jsonl"
        let environment = try AgentEnvironment.make(job: configuration.environment, allowed: configuration.allowedVariables,
                                                    home: workspace.home, temporary: workspace.temporary)
        // The live hook needs a mount namespace, which only root can make: with the agent as the gate's
        // own user, the policy is judged after the run only.
        let liveHook = configuration.user == nil ? nil : configuration.liveHook
        liveHook?.server.home = workspace.home
        var isolation = AgentIsolation(mode: configuration.user == nil ? "none" : "user", user: configuration.user?.description,
                                       environment: environment.names, noNewPrivileges: configuration.user != nil)
        isolation.liveHook = liveHook != nil

        guard let ends = AgentProcesses.pipe() else { throw RunnerError("cannot create the transcript pipe") }
        let reader = TranscriptPipeReader(descriptor: ends.read, path: transcriptPath, log: log)
        try reader.start()
        if configuration.user != nil { _ = AgentProcesses.becomeSubreaper() }

        // The switch to the agent's user is made by setpriv in a process of its own: Subprocess's own
        // user switch forks this multithreaded process and calls setgroups in the child, which can
        // deadlock in glibc. setpriv also sets no_new_privs, so set-user-id programs stay unprivileged.
        var platform = PlatformOptions()
        platform.createSession = true
        var arguments = liveHook == nil ? configuration.command : LiveHook.withHookEvents(configuration.command)
        var executable: Executable
        if let user = configuration.user {
            guard let setpriv = workspace.setpriv else {
                throw RunnerError("setpriv (util-linux) is not installed: the gate cannot start the agent as \(user)")
            }
            executable = .path(FilePath(setpriv))
            arguments = ["--reuid", String(user.uid), "--regid", String(user.gid), "--clear-groups", "--no-new-privs", "--"] + arguments
            if let liveHook {
                let wrapped = try liveHook.wrap([setpriv] + arguments)
                if liveHook.usesDropIn { log("policy-gate: no mount namespace for the agent; the live hook is the drop-in \(LiveHook.dropIn)") }
                executable = .path(FilePath(wrapped.executable))
                arguments = wrapped.arguments
            }
        } else {
            let program = arguments.removeFirst()
            executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        }
        var variables: [Environment.Key: String] = [:]
        for (name, value) in environment.variables {
            if let key = Environment.Key(rawValue: name) { variables[key] = value }
        }
        let subprocessConfiguration = Subprocess.Configuration(
            executable: executable, arguments: Arguments(arguments), environment: .custom(variables),
            workingDirectory: FilePath(configuration.checkout), platformOptions: platform)

        let ended: (status: Int32, session: Int32)
        do {
            ended = try await Self.runWithTimeout(subprocessConfiguration, output: FileDescriptor(rawValue: ends.write),
                                                  timeout: configuration.timeout, user: configuration.user)
        } catch {
            _ = reader.finish(within: 1)
            throw RunnerError("\(configuration.command.first ?? "agent"): cannot start the agent: \(error)")
        }
        let status = ended.status
        // The agent has exited (or was killed): whatever of it still runs is killed and reaped now,
        // which also closes every copy of the pipe's write end.
        var lingering = 0
        if let user = configuration.user {
            lingering = AgentProcesses.list(user: user.uid).count
            let survivors = AgentProcesses.killAll(user: user.uid, deadline: Date().addingTimeInterval(Self.killDeadline))
            guard survivors.isEmpty else {
                throw RunnerError("\(survivors.count) process(es) of the agent user \(user) could not be killed; refusing to read its work")
            }
        } else if ended.session > 0 {
            // Without a user of its own only the agent's session can be found and killed.
            if kill(-ended.session, 0) == 0 { lingering = 1 }
            kill(-ended.session, SIGKILL)
        }
        try await workspace.restoreOwner(of: configuration.checkout)
        let digest: String
        switch reader.finish(within: Self.killDeadline) {
        case .written(let sha256): digest = sha256
        case .failed: throw RunnerError("\(transcriptPath): cannot write the transcript")
        case .stillOpen:
            throw RunnerError("a process outside the agent's session still holds its output open; refusing to read its work")
        }
        if status == -1 {
            log("policy-gate: the agent's time ran out; it was killed")
        } else if status != 0 {
            log("policy-gate: the agent exited with status \(status)")
        }
        if lingering > 0 {
            log("policy-gate: \(lingering) process(es) of the agent were still running after it exited; killed")
        }
        return Outcome(exitStatus: status, transcriptPath: transcriptPath, transcriptSHA256: digest,
                       lingeringProcesses: lingering, isolation: isolation)
    }

    /// Runs the process with its standard output on `output` (closed here once it is started),
    /// killing it when `timeout` passes.
    /// - Returns: its exit status (128 + signal, or -1 on timeout) and its session id.
    private static func runWithTimeout(_ configuration: Subprocess.Configuration, output: FileDescriptor,
                                       timeout: Duration?, user: AgentUser?) async throws -> (status: Int32, session: Int32) {
        let session = SessionID()
        return try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(
                    configuration, input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                    error: .currentStandardError) { execution in
                    session.set(execution.processIdentifier.value)
                }
                switch result.terminationStatus {
                case .exited(let code): return code
                case .signaled(let signal): return 128 + signal
                }
            }
            if let timeout {
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
            }
            let first = try await group.next() ?? nil
            if let first {
                group.cancelAll()
                return (first, session.value)
            }
            // Time is up: kill the agent, by its user or else by its session. Nothing is reaped here:
            // the agent itself is Subprocess's to wait for; the caller reaps the rest afterwards.
            if let user {
                for pid in AgentProcesses.list(user: user.uid) { kill(pid, SIGKILL) }
            } else if session.value > 0 {
                kill(-session.value, SIGKILL)
            }
            _ = try? await group.next()
            group.cancelAll()
            return (-1, session.value)
        }
    }
}

/// The agent's process id, which is also its session's id (it starts a session of its own).
private final class SessionID: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32 = 0
    func set(_ value: Int32) { lock.withLock { pid = value } }
    var value: Int32 { lock.withLock { pid } }
}

/// Reads the agent's standard output on a thread of its own into the private transcript file,
/// hashing it as it goes and logging a line per event.
final class TranscriptPipeReader: @unchecked Sendable {
    enum Ending {
        case written(sha256: String)
        case failed
        case stillOpen
    }

    private let pipe: FileDescriptor
    private let path: String
    private let log: @Sendable (String) -> Void
    private let done = DispatchSemaphore(value: 0)
    private var digest: String?

    init(descriptor: Int32, path: String, log: @escaping @Sendable (String) -> Void) {
        self.pipe = FileDescriptor(rawValue: descriptor)
        self.path = path
        self.log = log
    }

    func start() throws(RunnerError) {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let file = FileHandle(forWritingAtPath: path) else {
            throw RunnerError("\(path): cannot create the transcript")
        }
        let thread = Thread { [self] in
            var hasher = SHA256()
            var pending = Data()
            var failed = false
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            defer { try? pipe.close() }
            while true {
                // Only the end of the pipe ends the transcript: an interrupted read is retried, and a
                // failed one fails the run rather than passing off a cut transcript as complete.
                let count: Int
                do {
                    count = try buffer.withUnsafeMutableBytes { try pipe.read(into: $0, retryOnInterrupt: true) }
                } catch {
                    failed = true
                    break
                }
                guard count > 0 else { break }
                let chunk = Data(buffer[0..<count])
                hasher.update(data: chunk)
                if (try? file.write(contentsOf: chunk)) == nil { failed = true }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    if let line = TranscriptSummary.line(for: pending[pending.startIndex..<newline]) { log(line) }
                    pending.removeSubrange(pending.startIndex...newline)
                }
                if pending.count > 1 << 20 { pending.removeAll() }
            }
            try? file.close()
            digest = failed ? nil : hasher.finalize().map { String(format: "%02x", $0) }.joined()
            done.signal()
        }
        thread.start()
    }

    /// Waits up to `seconds` for the end of the pipe.
    func finish(within seconds: TimeInterval) -> Ending {
        guard done.wait(timeout: .now() + seconds) == .success else { return .stillOpen }
        return digest.map { .written(sha256: $0) } ?? .failed
    }
}
