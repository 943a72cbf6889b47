import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the agent's user needs before it starts: the checkout made its own, a fresh home and
/// temporary folder that nothing else uses, and `setpriv` to switch to its user.
struct AgentWorkspace {
    /// The agent's home and temporary folder.
    var home: String
    var temporary: String
    /// The path of `setpriv`, which switches to the agent's user.
    var setpriv: String?
    /// The checkout's owner before it was given to the agent, to give it back afterwards.
    var originalOwner: AgentUser?
    private var root: String

    static let setprivCandidates = ["/usr/bin/setpriv", "/bin/setpriv"]

    static func prepare(_ configuration: AgentRunner.Configuration) async throws(RunnerError) -> AgentWorkspace {
        var template = Array("/tmp/policy-gate-agent.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RunnerError("/tmp: cannot create the agent's home (\(String(cString: strerror(errno))))")
        }
        let root = String(cString: made)
        var workspace = AgentWorkspace(home: root + "/home", temporary: root + "/tmp", setpriv: nil, root: root)
        do {
            for folder in [workspace.home, workspace.temporary] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false,
                                                        attributes: [.posixPermissions: 0o700])
            }
        } catch {
            workspace.remove()
            throw RunnerError("\(root): cannot create the agent's home")
        }
        guard let user = configuration.user else { return workspace }
        guard geteuid() == 0 else {
            workspace.remove()
            throw RunnerError("running the agent as \(user) needs root; run the gate as root or set agent.isolation: none in the policy")
        }
        do throws(RunnerError) {
            chmod(root, 0o711)
            for folder in [workspace.home, workspace.temporary] where chown(folder, user.uid, user.gid) != 0 {
                throw RunnerError("\(folder): cannot give the agent's home to \(user)")
            }
            try reachable(configuration.checkout, by: user)
            var info = stat()
            guard stat(configuration.checkout, &info) == 0 else { throw RunnerError("\(configuration.checkout): cannot read the checkout") }
            workspace.originalOwner = AgentUser(uid: info.st_uid, gid: info.st_gid)
            try await giveCheckout(configuration.checkout, to: user)
            workspace.setpriv = setprivCandidates.first { access($0, X_OK) == 0 }
        } catch {
            workspace.remove()
            throw error
        }
        return workspace
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Every folder above the checkout must let others through, or the agent cannot reach its work.
    private static func reachable(_ checkout: String, by user: AgentUser) throws(RunnerError) {
        var folder = URL(fileURLWithPath: checkout).standardizedFileURL.deletingLastPathComponent().path
        while folder != "/" && !folder.isEmpty {
            var info = stat()
            if stat(folder, &info) == 0, (info.st_mode & 0o001) == 0, info.st_uid != user.uid {
                throw RunnerError("\(folder): the agent user \(user) cannot reach the checkout through it (mode \(String(info.st_mode & 0o777, radix: 8)))")
            }
            folder = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        }
    }

    /// Gives the checkout back to its owner once the agent is gone, so the job's later lines (git as
    /// root refuses a repository another user owns) work on it as before.
    func restoreOwner(of checkout: String) async throws(RunnerError) {
        guard let originalOwner else { return }
        try await Self.giveCheckout(checkout, to: originalOwner)
    }

    /// Gives the checkout, `.git` included, to `user`, without following links. Files already in
    /// `.git/objects` keep their owner: git never rewrites an object file, the agent can still add
    /// objects (the folders are its), and the gate's check of loose objects then knows an untouched
    /// object by its unchanged change time. A file that vanished meanwhile (git's background gc)
    /// is skipped; the checkout itself must change hands.
    private static func giveCheckout(_ checkout: String, to user: AgentUser) async throws(RunnerError) {
        OwnershipWalk.give(checkout, uid: user.uid, gid: user.gid) { path in
            path.hasPrefix(".git/objects/") || path.contains("/.git/objects/")
        }
        var info = stat()
        guard stat(checkout, &info) == 0, info.st_uid == user.uid, info.st_gid == user.gid else {
            throw RunnerError("\(checkout): cannot give the checkout to \(user)")
        }
    }
}
