import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing
import TestSupport

/// The audit against the fake GitLab, in process: every verdict, windows of list pages, rate limits.
@Suite struct MergeRequestAuditTests {
    /// Short back-offs, so injected 429s and 500s cost milliseconds; enough attempts to outlast them.
    static let limits = GitLabLimits(maxAttempts: 4, requestTimeout: 10, totalTime: 300, initialBackoff: 0.01, maxBackoff: 0.05,
                                     maxRetryAfter: 5, maxPages: 1_000)

    private func audit(_ gitlab: FakeAuditGitLab, token: String, query: AuditQuery, key: TestKeys?,
                       windowPages: Int = MergeRequestAudit.windowPages) async throws -> (rows: [AuditRow], summary: MergeRequestAudit.Summary) {
        let client = try GitLabClient(baseURL: gitlab.apiURL, token: try #require(GitLabToken(token)), limits: Self.limits)
        let publicKey = try key.map { try Ed25519PEM.publicKey(pem: String(contentsOfFile: $0.publicPath, encoding: .utf8), source: "test") }
        let audit = MergeRequestAudit(client: client, query: query, publicKey: publicKey, concurrency: 4, windowPages: windowPages)
        try await audit.checkAccess()
        var rows: [AuditRow] = []
        let summary = try await audit.run { rows.append($0) }
        return (rows, summary)
    }

    @Test func twoThousandMergeRequestsInThreeProjectsGetTheirVerdictsDespiteRateLimits() async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let signing = try TestKeys.generate(in: scratch), other = try TestKeys.generate(in: scratch, name: "other")
        try await FakeAuditGitLab.with(token: token) { gitlab in
            let expected = try await AuditScenario.build(gitlab.state, count: 2_000, signing: signing, otherKey: other)
            await gitlab.state.setRateLimit(every: 41)
            let query = AuditQuery(scope: .group("acme"), since: try #require(AuditQuery.parseDate("2026-01-01")))
            let (rows, summary) = try await audit(gitlab, token: token, query: query, key: signing, windowPages: 4)

            let inWindow = expected.filter { $0.value.verdict != nil }
            #expect(rows.count == inWindow.count)
            #expect(Set(rows.map(\.reference)).count == rows.count, "a merge request was audited twice")
            var wrong: [String] = []
            for row in rows where row.verdict != expected[row.reference]?.verdict {
                wrong.append("\(row.reference) \(expected[row.reference].map { "\($0)" } ?? "?"): \(row.verdict.rawValue) (\(row.detail))")
            }
            #expect(wrong.count == 0, "for example \(wrong.prefix(3))")
            #expect(Set(rows.map(\.verdict)) == Set(AuditRow.Verdict.allCases))
            #expect(summary.audited == inWindow.count)
            #expect(summary.skipped == expected.count - inWindow.count)
            #expect(summary.skipped > 0)
            for verdict in AuditRow.Verdict.allCases {
                #expect(summary.verdicts[verdict.rawValue] == rows.filter { $0.verdict == verdict }.count)
            }
            #expect(await gitlab.state.rateLimited > 20)
            #expect(await gitlab.state.tokenMismatches == 0)
            // Rows come in list order (creation time), whatever order the concurrent checks finished in.
            let order = rows.compactMap { row in expected.keys.contains(row.reference) ? row.reference : nil }
            #expect(order == rows.map(\.reference))
            // Several windows were asked for, each starting where the last ended.
            let windows = await gitlab.state.mergeRequestListRequests.compactMap { $0["created_after"] }
            #expect(Set(windows).count >= 4)

            let signed = rows.filter { expected[$0.reference] == .gatedSigned }
            #expect(!signed.isEmpty && signed.allSatisfy { $0.attestation == .verified })
            let forged = rows.filter { expected[$0.reference] == .jobMissingForgedStatus }
            #expect(forged.allSatisfy { $0.detail.contains("not set by the gate job") })
            let blocked = rows.filter { $0.verdict == .mergedWhileBlocked }
            #expect(blocked.allSatisfy { $0.pipelineURL?.contains("/-/pipelines/") == true && $0.jobURL?.contains("/-/jobs/") == true })
        }
    }

    @Test func selectionByLabelPrefixAndByAuthor() async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let signing = try TestKeys.generate(in: scratch), other = try TestKeys.generate(in: scratch, name: "other")
        try await FakeAuditGitLab.with(token: token) { gitlab in
            _ = try await AuditScenario.build(gitlab.state, count: 60, signing: signing, otherKey: other, serverErrors: 0)
            let since = try #require(AuditQuery.parseDate("2026-01-01"))
            let byLabel = try await audit(gitlab, token: token, query: AuditQuery(scope: .project("acme/api"), since: since,
                                                                                  selection: .label("policy-gate::*")), key: nil)
            let merged = await gitlab.state.mergeRequests.filter { $0.projectID == 12 && $0.mergedAt ?? "" >= "2026" }
            #expect(byLabel.rows.count == merged.filter { $0.labels.contains { $0.hasPrefix("policy-gate::") } }.count)
            #expect(Set(byLabel.rows.map(\.verdict)) == [.gated, .mergedWhileBlocked])
            #expect(byLabel.rows.allSatisfy { $0.reference.hasPrefix("acme/api!") && $0.attestation == .notChecked })
            #expect(await gitlab.state.mergeRequestListRequests.allSatisfy { $0["labels"] == nil && $0["scope"] == "all" })

            let byAuthor = try await audit(gitlab, token: token, query: AuditQuery(scope: .group("100"), since: since,
                                                                                   selection: .author("someone")), key: nil)
            let bySomeone = await gitlab.state.mergeRequests.filter { $0.author == "someone" && $0.mergedAt ?? "" >= "2026" }
            #expect(byAuthor.rows.count == bySomeone.count && !bySomeone.isEmpty)
            #expect(byAuthor.rows.allSatisfy { $0.author == "someone" })
        }
    }

    @Test func aTokenWithoutReadAPIIsExplained() async throws {
        let token = GitLabTestSupport.makeToken()
        try await FakeAuditGitLab.with(token: token) { gitlab in
            await gitlab.state.setScopes(["read_user"])
            let client = try GitLabClient(baseURL: gitlab.apiURL, token: try #require(GitLabToken(token)), limits: Self.limits)
            let audit = MergeRequestAudit(client: client, query: AuditQuery(scope: .group("acme"), since: Date()))
            await #expect(throws: AuditError.self) { try await audit.checkAccess() }
            do {
                try await audit.checkAccess()
            } catch {
                #expect("\(error)" == "the token has the scopes read_user; the audit needs read_api (or api)")
            }
            let wrongToken = try GitLabClient(baseURL: gitlab.apiURL, token: try #require(GitLabToken(GitLabTestSupport.makeToken())),
                                              limits: Self.limits)
            do {
                try await MergeRequestAudit(client: wrongToken, query: AuditQuery(scope: .group("acme"), since: Date())).checkAccess()
                Issue.record("a refused token passed the access check")
            } catch {
                #expect("\(error)".contains("GitLab refused the token (401)"))
                #expect("\(error)".contains("read_api scope and at least the Reporter role"))
            }
        }
    }
}
