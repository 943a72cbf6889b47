import Foundation

/// What `policy-gate audit` looks at: one project or one group (its subgroups included), a window of
/// merge dates, and which merge requests.
public struct AuditQuery: Sendable {
    /// Where the merge requests are.
    public enum Scope: Sendable, Equatable {
        /// A project, by id or full path.
        case project(String)
        /// A group and its subgroups, by id or full path.
        case group(String)

        /// `/projects/group%2Fapp` or `/groups/7`.
        var path: String {
            switch self {
            case .project(let id): "/projects/\(GitLabClient.segment(id))"
            case .group(let id): "/groups/\(GitLabClient.segment(id))"
            }
        }

        /// `project group/app`, for messages.
        public var label: String {
            switch self {
            case .project(let id): "project \(id)"
            case .group(let id): "group \(id)"
            }
        }
    }

    /// Which merge requests.
    public enum Selection: Sendable, Equatable {
        /// Every merged one.
        case all
        /// Those carrying a label; a trailing `*` matches any label with that prefix (`policy-gate::*`).
        case label(String)
        /// Those opened by a user (the agent's bot user).
        case author(String)
    }

    /// Where.
    var scope: Scope
    /// Merged at or after.
    var since: Date
    /// Merged before.
    var until: Date?
    /// Which.
    var selection: Selection
    /// The gate job's name in the pipeline.
    var jobName: String
    /// The commit status the gate job sets.
    var statusName: String
    /// The attestation's path in the job's artifacts.
    var attestationPath: String

    /// Creates a query.
    public init(scope: Scope, since: Date, until: Date? = nil, selection: Selection = .all, jobName: String = "policy-gate:post",
                statusName: String = "policy-gate/post", attestationPath: String = ".policy-gate/post-attestation.json") {
        self.scope = scope
        self.since = since
        self.until = until
        self.selection = selection
        self.jobName = jobName
        self.statusName = statusName
        self.attestationPath = attestationPath
    }

    /// Whether a label matches the selection's label (exactly, or by prefix for a trailing `*`).
    func matches(labels: [String]) -> Bool {
        guard case .label(let wanted) = selection else { return true }
        if wanted.hasSuffix("*") {
            let prefix = wanted.dropLast()
            return labels.contains { $0.hasPrefix(prefix) }
        }
        return labels.contains(wanted)
    }

    /// Whether a merge time is inside the window; an MR without one is kept (it cannot be placed).
    func contains(mergedAt: Date?) -> Bool {
        guard let mergedAt else { return true }
        return mergedAt >= since && (until.map { mergedAt < $0 } ?? true)
    }

    /// Parses `2026-01-31` (midnight UTC) or an ISO 8601 time (`2026-01-31T12:00:00Z`).
    /// - Parameters:
    ///   - text: the date.
    ///   - endOfDay: for a bare date, the next midnight instead (so `--until 2026-01-31` includes that day).
    /// - Returns: the time, or `nil`.
    public static func parseDate(_ text: String, endOfDay: Bool = false) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 10 {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            guard let day = formatter.date(from: trimmed) else { return nil }
            return endOfDay ? day.addingTimeInterval(86_400) : day
        }
        return timestamp(trimmed)
    }

    /// Parses GitLab's timestamps, with or without fractional seconds.
    static func timestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `2026-01-31T12:00:00Z`.
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
