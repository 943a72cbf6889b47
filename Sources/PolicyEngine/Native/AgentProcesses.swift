internal import CProcessControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The processes of the agent's user: finding them in `/proc`, killing them and reaping them.
///
/// The agent runs as a user of its own, and this process is the subreaper of everything it starts, so
/// "every process of the agent" is "every process with that user id below this one": a process that
/// double-forked, called `setsid` or left its process group is still found.
/// A set-user-id program keeps the agent's real id, so all four ids (real, effective, saved, file
/// system) are compared.
enum AgentProcesses {
    /// Makes orphaned descendants children of this process, so they can be reaped here.
    static func becomeSubreaper() -> Bool {
        policy_gate_become_child_subreaper() == 0
    }

    /// A pipe for the transcript, both ends closed on exec: `(read, write)`.
    static func pipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard policy_gate_cloexec_pipe(&ends) == 0 else { return nil }
        return (ends[0], ends[1])
    }

    /// The ids of the live processes (zombies included) that run as `uid` and descend from this
    /// process. This process is their subreaper, so a process of the agent that double-forks or starts
    /// a session of its own stays below it; processes of the same user started by anyone else (another
    /// gate on the same host) are never touched.
    static func list(user uid: UInt32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var parents: [Int32: Int32] = [:]
        var candidates: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid() else { continue }
            guard let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8) else { continue }
            for line in status.split(separator: "\n") {
                if line.hasPrefix("PPid:"), let parent = Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) {
                    parents[pid] = parent
                } else if line.hasPrefix("Uid:") {
                    let ids = line.dropFirst(4).split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { UInt32($0) }
                    if ids.contains(uid) { candidates.append(pid) }
                }
            }
        }
        let me = getpid()
        return candidates.filter { pid in
            var current = pid
            for _ in 0..<4096 {
                guard let parent = parents[current], parent > 0 else { return false }
                if parent == me { return true }
                current = parent
            }
            return false
        }
    }

    /// Sends SIGKILL to each process of `uid`, reaps what became this process's children, and repeats
    /// until none is left or `deadline` passes. A process that forks while it is being killed is found
    /// on the next round.
    /// - Returns: the processes still alive at the deadline (empty on success).
    static func killAll(user uid: UInt32, deadline: Date) -> [Int32] {
        while true {
            reapChildren()
            let alive = list(user: uid)
            if alive.isEmpty { return [] }
            if Date() >= deadline { return alive }
            for pid in alive { kill(pid, SIGKILL) }
            usleep(5_000)
        }
    }

    /// Reaps every child that has exited, without waiting for the others.
    static func reapChildren() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }
}
