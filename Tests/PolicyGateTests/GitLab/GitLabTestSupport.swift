import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

/// Reports, environments and checks shared by the GitLab tests.
enum GitLabTestSupport {
    static let commitSHA = "3333333333333333333333333333333333333333"
    static let jobURL = "https://gitlab.example.com/group/app/-/jobs/4242"

    /// A fresh token in GitLab's format for each test, assembled at run time.
    static func makeToken() -> String {
        "glpat" + "-" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20))
    }

    /// Short waits, so retries cost milliseconds.
    static let fastLimits = GitLabLimits(maxAttempts: 3, requestTimeout: 5, totalTime: 30, initialBackoff: 0.05,
                                         maxBackoff: 0.2, maxRetryAfter: 5)

    /// A merge-request pipeline's variables pointing at `gitlab`, with `token` as POLICY_GATE_GITLAB_TOKEN.
    static func environment(_ gitlab: FakeGitLab, token: String?) -> [String: String] {
        var environment = [
            "GITLAB_CI": "true",
            "CI_API_V4_URL": gitlab.apiURL,
            "CI_PROJECT_ID": "99",
            "CI_MERGE_REQUEST_PROJECT_ID": FakeGitLabState.projectID,
            "CI_MERGE_REQUEST_IID": FakeGitLabState.mergeRequestIID,
            "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "agent/fix",
            "CI_COMMIT_REF_NAME": "agent/fix",
            "CI_COMMIT_SHA": commitSHA,
            "CI_PIPELINE_ID": "1234",
            "CI_JOB_ID": "4242",
            "CI_JOB_URL": jobURL,
            "CI_JOB_TOKEN": "job-token-value",
        ]
        if let token { environment["POLICY_GATE_GITLAB_TOKEN"] = token }
        return environment
    }

    static let secretFinding = Finding(rule: "secrets.leak", action: .block,
                                       message: "GitLab personal access token found in an added line",
                                       location: .init(path: "app/config.py", line: 2), secretRule: "gitlab-pat",
                                       evidence: "glpa…#1a2b3c4d", fingerprint: "abc123:app/config.py:gitlab-pat:2")

    static let unscopedFinding = Finding(rule: "tools.unscoped", action: .block, message: "blanket grant 'Bash(*)'",
                                         location: .init(path: ".gitlab-ci.yml", line: 12))

    static let warningFinding = Finding(rule: "ci.debug-logging", action: .warn, message: "the agent runs with --debug")

    static func report(_ findings: [Finding], stage: Facts.Stage = .pre, environment: [String: String]) -> GateReport {
        GateReport(stage: stage, findings: findings,
                   evaluatedRules: [("tools.unscoped", .block), ("secrets.leak", .block), ("ci.debug-logging", .warn)],
                   policySource: "built-in", policySHA256: String(repeating: "ab", count: 32),
                   ci: CIContext(environment: environment))
    }

    /// Checks that no request the server received and no text of the result holds `token` or `secrets`.
    static func expectNoLeaks(_ received: [FakeGitLabState.Received], _ result: AnnotationResult, token: String,
                              secrets: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let texts = received.map { "\($0.method) \($0.path) \($0.query) \($0.body)" } + result.actions + result.problems
        // Markdown escaping puts backslashes and zero-width spaces into text: look through them too.
        for text in texts.flatMap({ [$0, $0.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\u{200B}", with: "")] }) {
            let leaksToken = text.contains(token)
            #expect(!leaksToken, "the token reached a request or a message", sourceLocation: sourceLocation)
            for secret in secrets {
                let leaksSecret = text.contains(secret)
                #expect(!leaksSecret, "a raw secret reached a request or a message", sourceLocation: sourceLocation)
            }
        }
    }
}
