import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The unprivileged user the agent runs as when the gate runs as root: `NAME`, `UID` or `UID:GID`.
/// No passwd entry is needed for numeric ids (distroless images have none).
public struct AgentUser: Sendable, Equatable, CustomStringConvertible {
    /// The user id.
    var uid: UInt32
    /// The group id.
    var gid: UInt32

    /// 65532, the "nonroot" id of distroless images: unused by Debian and by GitLab's images.
    public static let standard = AgentUser(uid: 65532, gid: 65532)

    /// Creates a user.
    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }

    /// Reads `NAME`, `UID` or `UID:GID` (a name is looked up in the passwd database; `UID` alone takes
    /// the same number as its group).
    /// - Throws: `RunnerError` for an unknown name, a malformed id, or root.
    public static func parse(_ text: String) throws(RunnerError) -> AgentUser {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let first = parts.first, !first.isEmpty else {
            throw RunnerError("agent user '\(text)': expected NAME, UID or UID:GID")
        }
        var user: AgentUser
        if let uid = UInt32(first) {
            user = AgentUser(uid: uid, gid: uid)
        } else if let entry = getpwnam(first) {
            user = AgentUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        } else {
            throw RunnerError("agent user '\(first)': no such user (give a numeric UID:GID)")
        }
        if parts.count == 2 {
            guard let gid = UInt32(parts[1]) else { throw RunnerError("agent user '\(text)': the group must be a number") }
            user.gid = gid
        }
        guard user.uid != 0, user.gid != 0 else {
            throw RunnerError("agent user '\(text)': the agent cannot run as root or in group 0")
        }
        return user
    }

    public var description: String { "\(uid):\(gid)" }
}

/// Why the agent runner could not do its job; the gate then exits 2 with this line.
public struct RunnerError: Error, Sendable, CustomStringConvertible, Equatable {
    /// One line naming what and why.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
