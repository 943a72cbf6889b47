import Crypto
import Foundation

/// `policy-gate audit`: lists the merged merge requests of a project or group page by page and
/// decides for each whether its merged head had a passing gate, handing rows to a sink in list
/// order as each page is done. At most one page of merge requests is held at a time.
public struct MergeRequestAudit: Sendable {
    /// Counts by verdict, and what was skipped.
    public struct Summary: Sendable, Encodable, Equatable {
        /// Merged merge requests audited.
        var audited = 0
        /// Listed but outside the window or the selection.
        var skipped = 0
        /// Rows by verdict (every verdict present, zero included).
        var verdicts: [String: Int] = Dictionary(uniqueKeysWithValues: AuditRow.Verdict.allCases.map { ($0.rawValue, 0) })

        /// Merge requests that were not gated, could-not-verify included.
        public var notGated: Int { audited - (verdicts[AuditRow.Verdict.gated.rawValue] ?? 0) }
        /// Rows with a definite finding (blocked, no gate, job missing).
        public var violations: Int { notGated - (verdicts[AuditRow.Verdict.couldNotVerify.rawValue] ?? 0) }

        enum CodingKeys: String, CodingKey {
            case audited, skipped, verdicts
        }
    }

    /// Merge requests read per list window before the list is asked again from the last creation time
    /// (offset pagination gets slow and unstable deep into a long list; merge requests have no keyset).
    public static let windowPages = 20

    private let client: GitLabClient
    private let query: AuditQuery
    private let auditor: MergeRequestAuditor
    private let concurrency: Int
    private let windowPages: Int

    /// Creates an audit.
    /// - Parameters:
    ///   - client: a client with a token that can read the scope (`read_api`, Reporter).
    ///   - query: what to audit.
    ///   - publicKey: the key attestations must verify with; `nil` checks none.
    ///   - requireAttestation: whether a passing job without an attestation is `could not verify`.
    ///   - concurrency: merge requests examined at once.
    ///   - windowPages: list pages read before the list is asked again from the last creation time.
    public init(client: GitLabClient, query: AuditQuery, publicKey: Curve25519.Signing.PublicKey? = nil,
                requireAttestation: Bool = false, concurrency: Int = 4, windowPages: Int = MergeRequestAudit.windowPages) {
        self.client = client
        self.query = query
        auditor = MergeRequestAuditor(client: client, query: query, publicKey: publicKey, requireAttestation: requireAttestation)
        self.concurrency = max(1, min(concurrency, 16))
        self.windowPages = max(1, windowPages)
    }

    /// Checks that the token can be used for an audit: its scopes when GitLab tells them, and that
    /// the project or group can be read.
    /// - Throws: `AuditError` with what the token needs.
    public func checkAccess() async throws(AuditError) {
        if let info = try? await client.get(AuditShapes.TokenInfo.self, "/personal_access_tokens/self"), let scopes = info.scopes,
           !scopes.contains("read_api"), !scopes.contains("api") {
            throw AuditError("the token has the scopes \(scopes.sorted().joined(separator: ", ")); the audit needs read_api (or api)")
        }
        do throws(GitLabError) {
            _ = try await client.get(JSONValue.self, query.scope.path)
        } catch {
            throw AuditError("cannot read \(query.scope.label): \(AuditFailure.explain(error))")
        }
    }

    /// Runs the audit.
    /// - Parameters:
    ///   - sink: receives each row, in list order, as soon as its page is done.
    /// - Returns: the counts.
    /// - Throws: `AuditError` when the list cannot be read or the token stops working.
    public func run(_ sink: (AuditRow) async throws -> Void) async throws -> Summary {
        var summary = Summary()
        var windowStart: String?
        var seenAtBoundary = Set<Int>()
        while true {
            var lastCreated: String?
            var idsAtLast = Set<Int>()
            var pageError: (any Error)?
            let walk: GitLabClient.PageWalk
            do throws(GitLabError) {
                walk = try await client.forEachPage(AuditShapes.MergeRequest.self, query.scope.path + "/merge_requests",
                                                    query: listQuery(createdAfter: windowStart),
                                                    maxPages: windowPages) { page in
                    let fresh = page.filter { !seenAtBoundary.contains($0.id) }
                    for item in page where item.createdAt != nil {
                        if item.createdAt != lastCreated { idsAtLast = [] }
                        lastCreated = item.createdAt
                        idsAtLast.insert(item.id)
                    }
                    do {
                        try await process(fresh, summary: &summary, sink: sink)
                        return true
                    } catch {
                        pageError = error
                        return false
                    }
                }
            } catch {
                throw AuditError("cannot list the merge requests of \(query.scope.label): \(AuditFailure.explain(error))")
            }
            if let pageError { throw pageError }
            guard case .truncated = walk, let lastCreated else { return summary }
            // The next window starts at the last creation time seen (inclusive): drop what was already done there.
            guard lastCreated != windowStart else {
                throw AuditError("more than \(100 * windowPages) merge requests created at \(lastCreated); cannot page past them")
            }
            seenAtBoundary = idsAtLast
            windowStart = lastCreated
        }
    }

    private func listQuery(createdAfter: String?) -> [URLQueryItem] {
        var items = [URLQueryItem(name: "state", value: "merged"), URLQueryItem(name: "scope", value: "all"),
                     URLQueryItem(name: "order_by", value: "created_at"), URLQueryItem(name: "sort", value: "asc"),
                     // Merged in the window means updated since its start; the exact merge time is checked here.
                     URLQueryItem(name: "updated_after", value: AuditQuery.format(query.since))]
        if let createdAfter { items.append(URLQueryItem(name: "created_after", value: createdAfter)) }
        switch query.selection {
        case .all: break
        case .label(let label) where label.hasSuffix("*"): break  // GitLab has no label wildcard: filtered here
        case .label(let label): items.append(URLQueryItem(name: "labels", value: label))
        case .author(let username): items.append(URLQueryItem(name: "author_username", value: username))
        }
        return items
    }

    /// Audits one page's merge requests, `concurrency` at a time, and hands the rows over in order.
    private func process(_ page: [AuditShapes.MergeRequest], summary: inout Summary,
                         sink: (AuditRow) async throws -> Void) async throws {
        let selected = page.filter { item in
            item.state.map { $0 == "merged" } ?? true
                && query.contains(mergedAt: item.mergedAt.flatMap(AuditQuery.timestamp))
                && query.matches(labels: item.labels ?? [])
        }
        summary.skipped += page.count - selected.count
        var rows = [AuditRow?](repeating: nil, count: selected.count)
        let auditor = auditor
        try await withThrowingTaskGroup(of: (Int, AuditRow).self) { group in
            var next = 0
            func start() {
                let index = next, item = selected[index]
                next += 1
                group.addTask {
                    do throws(GitLabError) {
                        return (index, try await auditor.audit(item))
                    } catch {
                        throw AuditError("stopped at \(item.references?.full ?? String(item.iid)): \(AuditFailure.explain(error))")
                    }
                }
            }
            while next < min(concurrency, selected.count) { start() }
            while let (index, row) = try await group.next() {
                rows[index] = row
                if next < selected.count { start() }
            }
        }
        for row in rows.compactMap({ $0 }) {
            summary.audited += 1
            summary.verdicts[row.verdict.rawValue, default: 0] += 1
            try await sink(row)
        }
    }
}

/// Why the audit stopped, in one line.
public struct AuditError: Error, Sendable, CustomStringConvertible {
    /// The line.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
