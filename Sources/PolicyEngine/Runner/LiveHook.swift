import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The policy enforced inside the agent: Claude Code's managed settings, naming `policy-gate hook
/// pre-tool-use` for every tool, with `allowManagedHooksOnly` so the repository's and the user's settings
/// can neither add a hook nor switch this one off.
///
/// The CLI reads managed settings only from `/etc/claude-code/` on Linux (no variable or flag moves it for
/// a `-p` run; the hidden `--managed-settings` flag did not run hooks). So the agent gets a mount namespace
/// of its own in which that folder is this run's root-owned folder, bind-mounted: the agent's user cannot
/// write it or unmount it, and concurrent runs on one host each see their own. Where no namespace can be
/// made (an unprivileged container, which is the job's alone), the settings go into the real folder as a
/// drop-in file for the run, and a second run on the host that finds one there refuses to start. The
/// folder also holds the runner's socket, which the hook asks (`HookServer`).
final class LiveHook: @unchecked Sendable {
    /// Where the CLI reads managed settings on Linux.
    static let managedFolder = "/etc/claude-code"
    /// The CLI's time limit for the hook (it lets a call through when it passes) and the hook's own
    /// budget, well below it (the hook blocks when its budget passes).
    static let cliTimeoutSeconds = 30
    static let hookBudgetSeconds = 20

    /// This run's folder: root-owned, 0755, outside the checkout.
    let folder: String
    /// The hook's command line, as the settings name it.
    let command: String
    /// The runner's side of the hook, holding the policy, the secret rules and the run's history.
    let server: HookServer

    /// Starts the runner's socket and writes the settings.
    /// - Parameters:
    ///   - policy: the trusted policy (its secret rules and ignore file are read from where it came from).
    ///   - repository: where a policy read from a commit takes its companion files from.
    ///   - checkout: the agent's checkout (the hook's workspace).
    ///   - gate: the absolute path of this executable.
    ///   - group: the agent's group, the only one besides root that may connect.
    /// - Throws: `RunnerError` when the folder, the socket or the settings cannot be made.
    init(policy: Policy, repository: String, checkout: String, gate: String, group: UInt32) throws(RunnerError) {
        var template = Array("/tmp/policy-gate-hook.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RunnerError("/tmp: cannot create the live hook's folder (\(String(cString: strerror(errno))))")
        }
        folder = String(cString: made)
        chmod(folder, 0o755)
        let socket = folder + "/hook.sock"
        command = (Self.client(next: gate) + ["--runner", socket, "--time-budget", String(Self.hookBudgetSeconds)])
            .map(Self.shellQuoted).joined(separator: " ")
        do {
            let trusted: Gate.TrustedInputs
            do {
                trusted = try Gate.TrustedInputs(policy: policy, repository: repository)
            } catch {
                throw RunnerError("the live hook cannot load the policy's secret rules: \(error)")
            }
            server = try HookServer(path: socket, group: group, policy: policy, scanner: trusted.scanner, checkout: checkout)
        } catch let error as RunnerError {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw RunnerError("the live hook cannot start: \(error)")
        }
        guard FileManager.default.createFile(atPath: folder + "/managed-settings.json", contents: Data(settings().utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            remove()
            throw RunnerError("\(folder): cannot write the live hook's settings")
        }
    }

    /// The managed settings: the hook for every tool, only managed hooks, an explicit time limit.
    func settings() -> String {
        let hook: JSONValue = .object(["type": .string("command"), "command": .string(command),
                                       "timeout": .number(Double(Self.cliTimeoutSeconds))])
        let object: JSONValue = .object([
            "allowManagedHooksOnly": .bool(true),
            "disableAllHooks": .bool(false),
            "hooks": .object(["PreToolUse": .array([.object(["matcher": .string("*"), "hooks": .array([hook])])])]),
        ])
        return object.serialized() + "\n"
    }

    /// The drop-in written when no mount namespace can be made; removed by `remove()`.
    static let dropIn = managedFolder + "/managed-settings.d/zz-policy-gate.json"
    private var wroteDropIn = false
    /// Whether this run's settings are the drop-in (after `wrap`).
    var usesDropIn: Bool { wroteDropIn }

    /// How the settings reach claude.
    enum Installation: Sendable {
        /// A mount namespace where one can be made, else the drop-in.
        case automatic
        /// The drop-in, even where a namespace could be made.
        case dropIn
    }

    /// This run's installation.
    var installation = Installation.automatic

    /// The installation the gate's environment asks for: `POLICY_GATE_LIVE_HOOK=drop-in` forces the
    /// drop-in (a host that allows namespaces tests the fallback so); unset is automatic.
    /// - Throws: `RunnerError` for any other value.
    static func installation(environment: [String: String]) throws(RunnerError) -> Installation {
        switch environment["POLICY_GATE_LIVE_HOOK"] {
        case nil, "": return .automatic
        case "drop-in": return .dropIn
        case let other?: throw RunnerError("POLICY_GATE_LIVE_HOOK=\(other.prefix(40)): expected drop-in or nothing")
        }
    }

    /// The command that runs `arguments` (the agent, already wrapped in `setpriv`) in a mount namespace
    /// of its own where `/etc/claude-code` is this folder (`unshare` and `mount` are util-linux's); or,
    /// where the system allows no namespace, `arguments` as they are after installing the drop-in.
    func wrap(_ arguments: [String]) throws(RunnerError) -> (executable: String, arguments: [String]) {
        guard installation == .automatic,
              let unshare = ["/usr/bin/unshare", "/bin/unshare"].first(where: FileManager.default.isExecutableFile(atPath:)),
              Self.canMakeMountNamespace(unshare) else {
            try installDropIn()
            return (arguments[0], Array(arguments.dropFirst()))
        }
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: Self.managedFolder, isDirectory: &isFolder) {
            // An empty folder changes nothing for other programs; it is only the mount point.
            do {
                try FileManager.default.createDirectory(atPath: Self.managedFolder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
            } catch {
                throw RunnerError("\(Self.managedFolder): cannot create the managed settings folder")
            }
        } else if !isFolder.boolValue {
            throw RunnerError("\(Self.managedFolder) is not a folder")
        }
        let script = #"mount --bind "$0" /etc/claude-code && exec "$@""#
        return (unshare, ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, folder] + arguments)
    }

    /// `claude …` with `--include-hook-events`, so every decision of the hook is in the transcript. Other
    /// commands are left as they are.
    static func withHookEvents(_ command: [String]) -> [String] {
        guard let program = command.first, URL(fileURLWithPath: program).lastPathComponent == "claude",
              !command.contains("--include-hook-events") else { return command }
        return [program, "--include-hook-events"] + command.dropFirst()
    }

    /// Stops the server and removes the folder, and the drop-in when this run wrote it.
    func remove() {
        server.stop()
        if wroteDropIn { try? FileManager.default.removeItem(atPath: Self.dropIn) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Whether `unshare --mount` works here (root on a VM or a privileged container).
    static func canMakeMountNamespace(_ unshare: String) -> Bool {
        guard let probe = try? Process.run(URL(fileURLWithPath: unshare), arguments: ["--mount", "--propagation", "private", "/bin/true"])
        else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// Writes the settings as a drop-in of the real managed folder, root-owned, refusing to replace one.
    private func installDropIn() throws(RunnerError) {
        let folder = Self.managedFolder + "/managed-settings.d"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw RunnerError("\(folder): cannot create the managed settings folder for the live hook")
        }
        // O_EXCL: a drop-in already there is another run's on this host (or a stale one): never share it.
        let descriptor = open(Self.dropIn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw RunnerError("\(Self.dropIn) exists: another run's live hook is installed on this host (remove it if it is stale)")
        }
        wroteDropIn = true
        let bytes = Array(settings().utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        fchmod(descriptor, 0o644)
        close(descriptor)
        guard written == bytes.count else { throw RunnerError("\(Self.dropIn): cannot write the live hook's settings") }
    }

    /// The hook's thin client: `policy-gate-hook` when it is installed next to the gate (it starts in a few
    /// milliseconds, linking no more than the C library), else the gate's own `hook pre-tool-use`, which runs
    /// the same client code after loading the whole gate.
    static func client(next gate: String) -> [String] {
        let small = URL(fileURLWithPath: gate).deletingLastPathComponent().appendingPathComponent("policy-gate-hook").path
        return FileManager.default.isExecutableFile(atPath: small) ? [small] : [gate, "hook", "pre-tool-use"]
    }

    /// This executable's absolute path.
    static func gateExecutable() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).flatMap { $0.hasPrefix("/") ? $0 : nil }
    }

    static func shellQuoted(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "/._-=:".contains($0) } ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
