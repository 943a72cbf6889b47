import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

@Suite struct GitLabAnnotatorTests {
    typealias Support = GitLabTestSupport

    private func annotate(_ report: GateReport, _ environment: [String: String],
                          limits: GitLabLimits = GitLabTestSupport.fastLimits) async -> AnnotationResult {
        await GitLabAnnotator.annotate(report, environment: environment, limits: limits)
    }

    @Test func firstRunCreatesTheNoteAndARerunEditsIt() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.setDiffLines(["app/config.py": [1, 2]])
            let environment = Support.environment(gitlab, token: token)
            let report = Support.report([Support.unscopedFinding, Support.secretFinding], environment: environment)

            let first = await annotate(report, environment)
            #expect(first.problems == [])
            #expect(first.actions.contains("note created"))
            let firstRun = await gitlab.state.received.map { "\($0.method) \($0.path)" }
            #expect(firstRun == [
                "GET /api/v4/user",
                "GET /api/v4/projects/7/merge_requests/3",
                "GET /api/v4/projects/7/merge_requests/3/notes",
                "POST /api/v4/projects/7/merge_requests/3/notes",
                "GET /api/v4/projects/7/merge_requests/3/discussions",
                "POST /api/v4/projects/7/merge_requests/3/discussions",
                "PUT /api/v4/projects/7/merge_requests/3",
                "POST /api/v4/projects/7/statuses/\(Support.commitSHA)",
            ])

            let second = await annotate(report, environment)
            #expect(second.problems == [])
            #expect(second.actions.contains("note updated"))
            #expect(second.actions.contains("1 inline comment already there"))
            #expect(second.actions.contains("label policy-gate::blocked kept"))

            let state = gitlab.state
            let notes = await state.notes
            #expect(notes.count == 1)
            #expect(notes.first?.body.hasPrefix("<!-- policy-gate:stage=pre -->\n") == true)
            #expect(await state.requests("POST", suffix: "/notes").count == 1)
            let puts = await state.requests("PUT", suffix: "/notes/\(notes.first?.id ?? -1)")
            #expect(puts.count == 1)
            #expect(puts.first?.json?["body"]?.stringValue == notes.first?.body)
            #expect(await state.discussions.count == 1)

            let received = await state.received
            #expect(received.allSatisfy { $0.hadExpectedToken && !$0.hadJobToken })
            #expect(received.filter { $0.method != "GET" }.allSatisfy { $0.contentType == "application/json" })
            #expect(received.filter { $0.path.hasSuffix("/notes") && $0.method == "GET" }.allSatisfy {
                $0.query["per_page"] == "100" && $0.query["sort"] == "asc"
            })
            Support.expectNoLeaks(received, second, token: token)
        }
    }

    @Test func theLabelAndTheStatusFollowTheDecision() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            let environment = Support.environment(gitlab, token: token)
            let blocked = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            #expect(blocked.problems == [])
            #expect(await gitlab.state.labels == ["backend", "policy-gate::blocked"])

            let passed = await annotate(Support.report([Support.warningFinding], environment: environment), environment)
            #expect(passed.problems == [])
            #expect(await gitlab.state.labels == ["backend", "policy-gate::passed"])
            let labelUpdates = await gitlab.state.requests("PUT", suffix: "/merge_requests/3").compactMap(\.json)
            #expect(labelUpdates.map { $0["add_labels"]?.stringValue } == ["policy-gate::blocked", "policy-gate::passed"])
            #expect(labelUpdates.map { $0["remove_labels"]?.stringValue } == ["policy-gate::passed", "policy-gate::blocked"])

            let statuses = await gitlab.state.statuses
            #expect(statuses.count == 2)
            #expect(statuses.allSatisfy { $0.sha == Support.commitSHA })
            #expect(statuses.map { $0.body["state"]?.stringValue } == ["failed", "success"])
            #expect(statuses.allSatisfy { $0.body["name"]?.stringValue == "policy-gate/pre" })
            #expect(statuses.allSatisfy { $0.body["pipeline_id"]?.intValue == 1234 })
            #expect(statuses.allSatisfy { $0.body["target_url"]?.stringValue == Support.jobURL })
            #expect(statuses.allSatisfy { $0.body["ref"] == nil })
            #expect(statuses.first?.body["description"]?.stringValue == "blocked: 1 blocking, 0 warnings")
            #expect(statuses.last?.body["description"]?.stringValue == "passed with warnings: 0 blocking, 1 warning")
        }
    }

    @Test func theStatusGoesOnTheSourceHeadInMergedResultsPipelines() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            var environment = Support.environment(gitlab, token: token)
            environment["CI_COMMIT_SHA"] = String(repeating: "9", count: 40)  // the temporary merge commit
            environment["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] = Support.commitSHA
            _ = await annotate(Support.report([], environment: environment), environment)
            #expect(await gitlab.state.statuses.map(\.sha) == [Support.commitSHA])
        }
    }

    @Test func inlineCommentsGoOnAddedLinesOnce() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.setDiffLines(["app/config.py": [1, 2]])
            let environment = Support.environment(gitlab, token: token)
            var outside = Support.secretFinding
            outside.location = .init(path: "app/config.py", line: 9)
            outside.fingerprint = "abc123:app/config.py:gitlab-pat:9"
            let fromArguments = Finding(rule: "ci.secret-in-config", action: .block, message: "token in the prompt",
                                        location: .init(path: "--claude-args", line: 1), secretRule: "gitlab-pat",
                                        evidence: "glpa…#00000000")
            let report = Support.report([Support.secretFinding, outside, fromArguments], stage: .post, environment: environment)

            let first = await annotate(report, environment)
            #expect(first.problems == [])
            #expect(first.actions.contains("1 inline comment"))
            #expect(first.actions.contains("1 secret finding not on a line of the MR diff (in the note only)"))
            let second = await annotate(report, environment)
            #expect(second.problems == [])
            #expect(second.actions.contains("1 inline comment already there"))

            let discussions = await gitlab.state.discussions
            #expect(discussions.count == 1)
            let position = try #require(discussions.first?.position)
            #expect(position["position_type"]?.stringValue == "text")
            #expect(position["base_sha"]?.stringValue == FakeGitLabState.diffRefs.base)
            #expect(position["start_sha"]?.stringValue == FakeGitLabState.diffRefs.start)
            #expect(position["head_sha"]?.stringValue == FakeGitLabState.diffRefs.head)
            #expect(position["new_path"]?.stringValue == "app/config.py")
            #expect(position["old_path"]?.stringValue == "app/config.py")
            #expect(position["new_line"]?.intValue == 2)
            #expect(position["old_line"] == nil)
            let body = try #require(discussions.first?.notes.first?.body)
            #expect(body.hasPrefix(AnnotationMarkdown.findingMarker(Support.secretFinding.fingerprint) + "\n"))
            #expect(body.contains("secret rule gitlab-pat"))
            // Posted: line 2 once; line 9 tried on each run and refused; --claude-args never.
            let posts = await gitlab.state.requests("POST", suffix: "/discussions").compactMap { $0.json?["position"]?["new_line"]?.intValue }
            #expect(posts.sorted() == [2, 9, 9])
            #expect(await gitlab.state.statuses.first?.body["name"]?.stringValue == "policy-gate/post")
        }
    }

    @Test func aRateLimitedCallIsRetriedAfterRetryAfter() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.fail("POST", "/notes", status: 429,
                                    body: #"{"message":{"error":"This endpoint has been requested too many times. Try again later."}}"#,
                                    headers: ["Retry-After": "1", "RateLimit-Remaining": "0"])
            let environment = Support.environment(gitlab, token: token)
            let clock = ContinuousClock()
            let started = clock.now
            let result = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            let elapsed = started.duration(to: clock.now)
            #expect(result.problems == [])
            #expect(await gitlab.state.requests("POST", suffix: "/notes").count == 2)
            #expect(await gitlab.state.notes.count == 1)
            #expect(elapsed >= .milliseconds(950), "Retry-After: 1 was not honoured")
        }
    }

    @Test func serverErrorsAreRetriedOnlyWhenRepeatingIsSafe() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            let state = gitlab.state
            await state.fail("PUT", "/merge_requests/3", status: 500, body: #"{"message":"500 Internal Server Error"}"#)
            await state.fail("PUT", "/merge_requests/3", status: 502, body: "<html>Bad Gateway</html>")
            await state.fail("POST", "/notes", status: 503, body: "")
            let environment = Support.environment(gitlab, token: token)
            let result = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            #expect(result.problems == [])
            #expect(await state.requests("PUT", suffix: "/merge_requests/3").count == 3)
            #expect(await state.requests("POST", suffix: "/notes").count == 2)
            #expect(await state.notes.count == 1)
        }
        try await FakeGitLab.with(token: token) { gitlab in
            let state = gitlab.state
            // A 500 to a POST may come after the note was saved: it is not repeated, so no second note can appear.
            await state.fail("POST", "/notes", status: 500, body: #"{"message":"500 Internal Server Error"}"#)
            let environment = Support.environment(gitlab, token: token)
            let result = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            #expect(await state.requests("POST", suffix: "/notes").count == 1)
            #expect(result.problems == ["--annotate: cannot write the MR note: GitLab answered 500 to "
                                        + "POST /projects/7/merge_requests/3/notes: 500 Internal Server Error"])
            #expect(await state.labels.contains("policy-gate::blocked"), "the other steps still run")
            #expect(await state.statuses.count == 1)
        }
    }

    @Test func aRefusedTokenGivesAClearMessageWithoutTheToken() async throws {
        let token = Support.makeToken()
        let wrong = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            let environment = Support.environment(gitlab, token: wrong)
            let result = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            #expect(result.problems == ["--annotate: cannot identify the token's user: GitLab refused the token (401) for "
                                        + "GET /user: 401 Unauthorized; the token is missing, expired or revoked, or is not an access token"])
            #expect(result.actions == [])
            #expect(await gitlab.state.received.count == 1, "a refused token is not tried again")
            Support.expectNoLeaks(await gitlab.state.received, result, token: wrong)
        }
    }

    @Test func aTokenEchoedByTheServerIsRedacted() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.fail("PUT", "/merge_requests/3", status: 400,
                                    body: #"{"message":{"add_labels":["is invalid for token \#(token)"]}}"#)
            let environment = Support.environment(gitlab, token: token)
            let result = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            #expect(result.problems == ["--annotate: cannot set the label: GitLab answered 400 to PUT /projects/7/merge_requests/3: "
                                        + "add_labels is invalid for token [REDACTED]"])
        }
    }

    @Test func aTokenInAFindingIsNotSentBack() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            let environment = Support.environment(gitlab, token: token)
            let finding = Finding(rule: "transcript.dangerous-command", action: .block, message: "curl -H 'PRIVATE-TOKEN: \(token)' …")
            let result = await annotate(Support.report([finding], environment: environment), environment)
            #expect(result.problems == [])
            #expect(await gitlab.state.notes.first?.body.contains("\\[REDACTED\\]") == true)
            Support.expectNoLeaks(await gitlab.state.received, result, token: token)
        }
    }

    @Test(arguments: [
        ([String: String](), "no GitLab token"),
        (["CI_JOB_TOKEN": "job-token-value"], "only CI_JOB_TOKEN is set"),
        (["POLICY_GATE_GITLAB_TOKEN": "   "], "no GitLab token"),
        (["GITLAB_TOKEN": "two words"], "GITLAB_TOKEN is set but is not a usable token"),
    ])
    func nothingIsSentWithoutAUsableToken(variables: [String: String], expected: String) async throws {
        try await FakeGitLab.with(token: Support.makeToken()) { gitlab in
            var environment = Support.environment(gitlab, token: nil)
            environment["CI_JOB_TOKEN"] = nil
            environment.merge(variables) { _, new in new }
            let result = await annotate(Support.report([Support.unscopedFinding], environment: environment), environment)
            #expect(result.problems.count == 1)
            #expect(result.problems.first?.contains(expected) == true, "\(result.problems)")
            #expect(await gitlab.state.received.isEmpty)
        }
    }

    @Test func agentTextCannotRunQuickActionsOrMentionAnyone() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            // The agent wrote a note of its own that carries the marker: it is not taken for the gate's.
            await gitlab.state.addNote(body: AnnotationMarkdown.stageMarker(.pre) + "\nall good, merge it", authorID: FakeGitLabState.agentUserID)
            await gitlab.state.setDiffLines(["src/a.swift": [3]])
            let environment = Support.environment(gitlab, token: token)
            let hostile = "done.\n/merge\r\n/approve\n  /label ~security::ok\n@all see <!-- policy-gate:stage=pre --> <img src=x onerror=alert(1)> | ![x](https://evil.example/t.png) \u{202E}txt.exe"
            let findings = [
                Finding(rule: "transcript.dangerous-command", action: .block, message: hostile,
                        location: .init(path: "/merge\n/approve", line: 1), evidence: "@maintainer /unapprove"),
                Finding(rule: "secrets.leak", action: .block, message: hostile, location: .init(path: "src/a.swift", line: 3),
                        secretRule: "/merge", evidence: "glpa…#00000000"),
            ]
            let result = await annotate(Support.report(findings, environment: environment), environment)
            #expect(result.problems == [])

            let notes = await gitlab.state.notes
            #expect(notes.count == 2)
            #expect(notes.first?.body == AnnotationMarkdown.stageMarker(.pre) + "\nall good, merge it", "the agent's note is untouched")
            let body = try #require(notes.last { $0.authorID == FakeGitLabState.botUserID }?.body)
            let inline = try #require(await gitlab.state.discussions.first?.notes.first?.body)
            for text in [body, inline] {
                #expect(!GitLabMarkdown.containsQuickAction(text), "\(text)")
                #expect(!text.contains("@all") && !text.contains("@maintainer"))
                #expect(text.components(separatedBy: "<!--").count == 2, "only the gate's own marker")
                #expect(!text.contains("<img") && !text.contains("![x]") && !text.contains("\u{202E}"))
            }
            let rows = body.split(separator: "\n").filter { $0.hasPrefix("| **") }
            #expect(rows.count == 2, "each finding stays on its own table row")
            #expect(rows.allSatisfy { $0.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 6 })
        }
    }

    @Test(arguments: [FakeGitLabState.Pagination.headers, .linkOnly])
    func everyPageOfNotesIsRead(style: FakeGitLabState.Pagination) async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            await gitlab.state.setPageLimit(2)
            await gitlab.state.setPagination(style)
            for index in 0..<5 { await gitlab.state.addNote(body: "comment \(index)", authorID: FakeGitLabState.agentUserID) }
            let environment = Support.environment(gitlab, token: token)
            let report = Support.report([Support.unscopedFinding], environment: environment)
            _ = await annotate(report, environment)
            let result = await annotate(report, environment)
            #expect(result.problems == [])
            #expect(result.actions.contains("note updated"))
            #expect(await gitlab.state.notes.filter { $0.authorID == FakeGitLabState.botUserID }.count == 1)
            let pages = await gitlab.state.requests("GET", suffix: "/notes").map { $0.query["page"] ?? "1" }
            #expect(pages == ["1", "2", "3", "1", "2", "3"])
        }
    }

    @Test func aSlowReplyTimesOutAndIsRetried() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            // The slow reply takes far longer than any scheduling delay of a busy test run (or a
            // sanitizer build) could add to the 6 s timeout, so the bound below only fails if it is waited for.
            // Every later request has the same 6 s: 2 s was not always enough on a loaded two-core machine.
            await gitlab.state.fail("GET", "/user", status: 0, delay: 90)
            let environment = Support.environment(gitlab, token: token)
            let limits = GitLabLimits(maxAttempts: 2, requestTimeout: 6, totalTime: 70, initialBackoff: 0.05, maxBackoff: 0.1)
            let clock = ContinuousClock()
            let started = clock.now
            let result = await annotate(Support.report([], environment: environment), environment, limits: limits)
            #expect(result.problems == [])
            #expect(await gitlab.state.requests("GET", suffix: "/user").count == 2)
            #expect(started.duration(to: clock.now) < .seconds(80), "the slow reply was waited for")
        }
    }

    @Test func theTotalTimeIsBounded() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            for _ in 0..<10 { await gitlab.state.fail(nil, "", status: 0, delay: 90) }
            let environment = Support.environment(gitlab, token: token)
            let limits = GitLabLimits(maxAttempts: 5, requestTimeout: 0.4, totalTime: 1, initialBackoff: 0.05, maxBackoff: 0.1)
            let clock = ContinuousClock()
            let started = clock.now
            let result = await annotate(Support.report([], environment: environment), environment, limits: limits)
            #expect(started.duration(to: clock.now) < .seconds(45), "the 1 s budget was not kept")
            #expect(result.problems.count == 1)
            #expect(result.problems.first?.contains("GET /user") == true, "\(result.problems)")
        }
    }

    @Test func aRedirectToAnotherHostIsNotFollowed() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            try await FakeGitLab.with(token: token) { elsewhere in
                await gitlab.state.fail("GET", "/user", status: 301, headers: ["Location": elsewhere.apiURL + "/user"])
                let environment = Support.environment(gitlab, token: token)
                let result = await annotate(Support.report([], environment: environment), environment)
                #expect(result.problems.first?.contains("not following a redirect from GET /user") == true, "\(result.problems)")
                #expect(await elsewhere.state.received.isEmpty)
            }
        }
    }

    @Test func aMissingMergeRequestIsReportedAndTheStatusStillSet() async throws {
        let token = Support.makeToken()
        try await FakeGitLab.with(token: token) { gitlab in
            var environment = Support.environment(gitlab, token: token)
            environment["CI_MERGE_REQUEST_IID"] = "404"
            let result = await annotate(Support.report([], environment: environment), environment)
            #expect(result.problems == ["--annotate: GitLab answered 404 to GET /projects/7/merge_requests/404: 404 Not found"])
            #expect(await gitlab.state.statuses.count == 1)
            #expect(await gitlab.state.notes.isEmpty)
        }
    }
}
