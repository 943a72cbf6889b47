import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

@Suite struct StatusCheckResponderTests {
    typealias Support = GitLabTestSupport

    private func respond(_ name: String, _ findings: [Finding], _ gitlab: FakeGitLab, token: String,
                         environment: [String: String]? = nil) async -> AnnotationResult {
        let environment = environment ?? Support.environment(gitlab, token: token)
        return await StatusCheckResponder.respond(name: name, report: Support.report(findings, stage: .post, environment: environment),
                                                  environment: environment, limits: Support.fastLimits)
    }

    @Test func aPassingAndABlockedStageAnswerTheNamedCheck() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.addExternalStatusCheck(id: 4, name: "Compliance")
            await gitlab.state.addExternalStatusCheck(id: 9, name: "policy-gate")
            let passed = await respond("policy-gate", [Support.warningFinding], gitlab, token: token)
            #expect(passed.problems == [])
            #expect(passed.actions == ["status check 'policy-gate' passed on 33333333"])
            let blocked = await respond("policy-gate", [Support.unscopedFinding], gitlab, token: token)
            #expect(blocked.problems == [])
            #expect(blocked.actions == ["status check 'policy-gate' failed on 33333333"])

            let responses = await gitlab.state.statusCheckResponses
            #expect(responses.map { $0["status"]?.stringValue } == ["passed", "failed"])
            #expect(responses.allSatisfy { $0["external_status_check_id"]?.intValue == 9 && $0["sha"]?.stringValue == Support.commitSHA })
            let received = await gitlab.state.received
            #expect(received.map { "\($0.method) \($0.path)" }.filter { $0.contains("status_check") } == [
                "GET /api/v4/projects/7/external_status_checks", "POST /api/v4/projects/7/merge_requests/3/status_check_responses",
                "GET /api/v4/projects/7/external_status_checks", "POST /api/v4/projects/7/merge_requests/3/status_check_responses",
            ])
            Support.expectNoLeaks(received, passed, token: token)
        }
    }

    @Test func aRateLimitedResponseIsRetried() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.addExternalStatusCheck(id: 9, name: "policy-gate")
            await gitlab.state.fail("POST", "/status_check_responses", status: 429, body: "Retry later", headers: ["Retry-After": "0"])
            let result = await respond("policy-gate", [], gitlab, token: token)
            #expect(result.problems == [])
            #expect(await gitlab.state.statusCheckResponses.count == 1)
        }
    }

    @Test func failuresAreProblemsThatSayWhy() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.addExternalStatusCheck(id: 4, name: "Compliance")
            let unknown = await respond("policy-gate", [], gitlab, token: token)
            #expect(unknown.problems == ["--status-check: the project has no external status check named 'policy-gate' (it has 'Compliance'); "
                                         + "the status check was not set"])

            var moved = Support.environment(gitlab, token: token)
            moved["CI_COMMIT_SHA"] = String(repeating: "4", count: 40)
            let conflict = await respond("Compliance", [], gitlab, token: token, environment: moved)
            #expect(conflict.problems.count == 1)
            #expect(conflict.problems.first?.contains("409") == true)
            #expect(conflict.problems.first?.contains("source branch moved past 44444444") == true)

            await gitlab.state.fail("GET", "/external_status_checks", status: 403, body: #"{"message":"403 Forbidden"}"#)
            let forbidden = await respond("Compliance", [], gitlab, token: token)
            #expect(forbidden.problems.first?.contains("need GitLab Ultimate and a token of a user with the Developer role") == true)

            var noMergeRequest = Support.environment(gitlab, token: token)
            noMergeRequest["CI_MERGE_REQUEST_IID"] = nil
            let outside = await respond("Compliance", [], gitlab, token: token, environment: noMergeRequest)
            #expect(outside.problems.first?.contains("not a merge request pipeline") == true)
            #expect(await gitlab.state.statusCheckResponses.isEmpty)
        }
    }
}
