import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing
import TestSupport

/// `policy-gate pre --annotate`, the built binary against the fake GitLab, with an explicit environment.
@Suite struct AnnotateCommandTests {
    typealias Support = GitLabTestSupport

    static let blockedCommand = "claude -p 'use TOKEN_HERE' --permission-mode acceptEdits --allowedTools 'Bash(*) Read' --debug"
        .replacingOccurrences(of: "TOKEN_HERE", with: FakeSecrets.gitlabToken)
    static let passingCommand = "claude -p 'fix the test' --permission-mode dontAsk --allowedTools 'Read,Edit,Bash(swift test:*)' mcp__gitlab"

    /// Runs the binary on a thread of its own, so the fake server keeps the concurrency pool.
    private func gate(_ arguments: [String], environment: [String: String]) async throws -> GateProcess.Outcome {
        try await onOwnThread { try GateProcess.run(arguments, environment: environment, timeout: 60) }
    }

    private func notes(inRecord path: String) throws -> [String] {
        let record = try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard case .array(let notes)? = record["notes"] else { return [] }
        return notes.compactMap(\.stringValue)
    }

    private func expectClean(_ outcome: GateProcess.Outcome, token: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let leaksToken = outcome.allOutput.contains(token)
        let leaksSecret = outcome.allOutput.contains(FakeSecrets.gitlabToken)
        #expect(!leaksToken, "the API token was printed", sourceLocation: sourceLocation)
        #expect(!leaksSecret, "the raw secret was printed", sourceLocation: sourceLocation)
    }

    @Test func aBlockedStageIsAnnotatedOnceAndUpdatedOnTheNextRun() async throws {
        let token = Support.makeToken()
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let record = scratch.path + "/out/pre.json"
        try await FakeGitLab.with(token: token) { gitlab in
            let environment = Support.environment(gitlab, token: token)
            let arguments = ["pre", "--repo", scratch.path, "--state", scratch.path + "/state.json", "--report", "json=" + record,
                             "--annotate", "--claude-args", Self.blockedCommand]
            let first = try await gate(arguments, environment: environment)
            #expect(first.status == 1, "\(first.stderr)")
            #expect(first.stderr.contains("policy-gate pre: annotated merge request !3: note created, "), "\(first.stderr)")
            #expect(!first.stderr.contains("warning:"), "\(first.stderr)")
            #expect(try notes(inRecord: record) == [])
            expectClean(first, token: token)

            let second = try await gate(arguments, environment: environment)
            #expect(second.status == 1)
            #expect(second.stderr.contains("note updated"), "\(second.stderr)")
            expectClean(second, token: token)

            let state = gitlab.state
            let notes = await state.notes
            #expect(notes.count == 1)
            let body = try #require(notes.first?.body)
            #expect(body.hasPrefix("<!-- policy-gate:stage=pre -->\n### :no_entry: policy-gate pre: blocked"))
            #expect(body.contains("tools.unscoped"))
            #expect(body.contains("[Job log](\(Support.jobURL))"))
            #expect(await state.labels.contains("policy-gate::blocked"))
            let statuses = await state.statuses
            #expect(statuses.count == 2)
            #expect(statuses.allSatisfy { $0.sha == Support.commitSHA && $0.body["state"]?.stringValue == "failed" })
            let received = await state.received
            #expect(received.allSatisfy { $0.hadExpectedToken })
            Support.expectNoLeaks(received, AnnotationResult(), token: token, secrets: [FakeSecrets.gitlabToken])
            let written = try String(contentsOfFile: record, encoding: .utf8)
            #expect(!written.contains(token) && !written.contains(FakeSecrets.gitlabToken))
        }
    }

    /// The arguments name the command rather than hold it: the blocked one carries a token, and test
    /// arguments are printed in the test log.
    @Test(arguments: [("passingCommand", Int32(0)), ("blockedCommand", Int32(1))])
    func aFailedAnnotationIsANoteAndNeverChangesTheExitCode(commandName: String, status: Int32) async throws {
        let command = commandName == "blockedCommand" ? Self.blockedCommand : Self.passingCommand
        let token = Support.makeToken()
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let record = scratch.path + "/pre.json"
        try await FakeGitLab.with(token: token) { gitlab in
            let wrong = Support.makeToken()
            let outcome = try await gate(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json", "--report", "json=" + record,
                                          "--annotate", "--claude-args", command],
                                         environment: Support.environment(gitlab, token: wrong))
            #expect(outcome.status == status, "\(outcome.stderr)")
            // A slow machine (a sanitizer build) may time out the first try; the message then counts the attempts.
            let refused = "--annotate: cannot identify the token's user: GitLab refused the token (401) for GET /user: 401 Unauthorized; "
            let reason = "the token is missing, expired or revoked, or is not an access token"
            #expect(outcome.stderr.contains("warning: " + refused), "\(outcome.stderr)")
            let notes = try notes(inRecord: record)
            #expect(notes.count == 1 && notes[0].hasPrefix(refused) && notes[0].hasSuffix(reason), "\(notes)")
            expectClean(outcome, token: wrong)
            // Nothing but the identity check was sent with the refused token.
            let received = await gitlab.state.received
            #expect(!received.isEmpty && received.allSatisfy { $0.method == "GET" && $0.path.hasSuffix("/user") })
        }
    }

    @Test func withoutATokenNothingIsSent() async throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let record = scratch.path + "/pre.json"
        try await FakeGitLab.with(token: Support.makeToken()) { gitlab in
            let outcome = try await gate(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json", "--report", "json=" + record,
                                          "--annotate", "--claude-args", Self.passingCommand],
                                         environment: Support.environment(gitlab, token: nil))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("warning: --annotate: only CI_JOB_TOKEN is set"), "\(outcome.stderr)")
            #expect(try notes(inRecord: record).count == 1)
            #expect(await gitlab.state.received.isEmpty)
        }
    }

    @Test func withoutTheFlagNothingIsSent() async throws {
        let token = Support.makeToken()
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        try await FakeGitLab.with(token: token) { gitlab in
            let outcome = try await gate(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json",
                                          "--claude-args", Self.blockedCommand],
                                         environment: Support.environment(gitlab, token: token))
            #expect(outcome.status == 1)
            #expect(!outcome.stderr.contains("annotate"))
            #expect(await gitlab.state.received.isEmpty)
        }
    }
}
