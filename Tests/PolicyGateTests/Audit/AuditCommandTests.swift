import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing
import TestSupport

/// `policy-gate audit`, the built binary against the fake GitLab: the table, the reports, the exit codes.
@Suite struct AuditCommandTests {
    private func gate(_ arguments: [String], token: String, gitlab: FakeAuditGitLab) async throws -> GateProcess.Outcome {
        try await GateProcess.runOffPool(arguments, environment: ["POLICY_GATE_GITLAB_TOKEN": token, "CI_API_V4_URL": gitlab.apiURL])
    }

    @Test func aGroupAuditWritesTheTableTheJSONAndTheCSVAndFails() async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let signing = try TestKeys.generate(in: scratch), other = try TestKeys.generate(in: scratch, name: "other")
        try await FakeAuditGitLab.with(token: token) { gitlab in
            let expected = try await AuditScenario.build(gitlab.state, count: 120, signing: signing, otherKey: other, serverErrors: 0)
            // The command's back-off is seconds long: a few throttled requests only.
            await gitlab.state.setRateLimit(every: 60)
            let json = scratch.path + "/out/audit.json", csv = scratch.path + "/out/audit.csv"
            let outcome = try await gate(["audit", "--group", "acme", "--since", "2026-01-01", "--until", "2026-12-31",
                                          "--public-key", signing.publicPath, "--report", "json=" + json, "--report", "csv=" + csv],
                                         token: token, gitlab: gitlab)
            #expect(outcome.status == 1, "\(outcome.stderr)")
            #expect(!outcome.allOutput.contains(token))
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("VERDICT") == true)
            #expect(lines.contains { $0.hasPrefix("merged while blocked") && $0.contains("acme/") })
            #expect(lines.contains { $0.contains("pipeline https://gitlab.example.com/acme/") && $0.contains("job https://") })
            #expect(outcome.stdout.contains("were not gated"))
            #expect(!outcome.stdout.contains("\u{1B}"), "a title's terminal escape reached the console")

            let report = try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
            let rows = try #require(report["merge_requests"]?.arrayValue)
            let inWindow = expected.filter { $0.value.verdict != nil }
            #expect(rows.count == inWindow.count)
            #expect(report["kind"]?.stringValue == "audit")
            #expect(report["scope"]?["group"]?.stringValue == "acme")
            #expect(report["summary"]?["audited"]?.intValue == inWindow.count)
            for row in rows {
                let reference = row["reference"]?.stringValue ?? ""
                #expect(row["verdict"]?.stringValue == expected[reference]?.verdict?.rawValue, "\(reference)")
            }
            #expect(Set(rows.compactMap { $0["verdict"]?.stringValue }) == Set(AuditRow.Verdict.allCases.map(\.rawValue)))

            let records = try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(records.first == AuditRendering.csvColumns.map { "\"\($0)\"" }.joined(separator: ","))
            #expect(records.count == inWindow.count + 1)
            // The title that looks like a formula is neutralised.
            #expect(records.contains { $0.contains("\"'=HYPERLINK(\"\"x\"\")") })
        }
    }

    @Test func anAuditWhereEveryMergeRequestWasGatedPasses() async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let signing = try TestKeys.generate(in: scratch), other = try TestKeys.generate(in: scratch, name: "other")
        try await FakeAuditGitLab.with(token: token) { gitlab in
            let expected = try await AuditScenario.build(gitlab.state, count: 30, signing: signing, otherKey: other, serverErrors: 0)
            // Only the merge requests that were set up as gated carry the label the selection asks for.
            let outcome = try await gate(["audit", "--project", "acme/app", "--since", "2026-01-01", "--label", "policy-gate::passed",
                                          "--report", "json=-"], token: token, gitlab: gitlab)
            let report = try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(outcome.stdout.utf8))
            let rows = try #require(report["merge_requests"]?.arrayValue)
            #expect(!rows.isEmpty && rows.allSatisfy { row in expected[row["reference"]?.stringValue ?? ""]?.verdict == .gated })
            #expect(rows.allSatisfy { $0["verdict"]?.stringValue == "gated" })
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("VERDICT"), "the table goes to standard error when the report takes standard output")
        }
    }

    @Test func badTokensAndBadArgumentsGetOneClearLine() async throws {
        let token = GitLabTestSupport.makeToken()
        try await FakeAuditGitLab.with(token: token) { gitlab in
            await gitlab.state.addProject(id: 11, path: "acme/app")
            let refused = try await gate(["audit", "--group", "acme", "--since", "2026-01-01"], token: GitLabTestSupport.makeToken(),
                                         gitlab: gitlab)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("GitLab refused the token (401)"))
            #expect(refused.stderr.contains("read_api scope"))
            await gitlab.state.setScopes(["read_repository"])
            let scoped = try await gate(["audit", "--group", "acme", "--since", "2026-01-01"], token: token, gitlab: gitlab)
            #expect(scoped.status == 2)
            #expect(scoped.stderr.contains("the token has the scopes read_repository; the audit needs read_api"))
            let missing = try await gate(["audit", "--group", "nobody", "--since", "2026-01-01"], token: "", gitlab: gitlab)
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no GitLab token"))
            for arguments in [["--since", "2026-01-01"], ["--project", "a", "--group", "b", "--since", "2026-01-01"],
                              ["--project", "a", "--since", "yesterday"], ["--project", "a", "--since", "2026-01-01", "--report", "xml=x"]] {
                let usage = try await gate(["audit"] + arguments, token: token, gitlab: gitlab)
                #expect(usage.status == 64, "\(arguments)")
            }
        }
    }
}
