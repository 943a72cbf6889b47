import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

@Suite struct GitLabClientPartsTests {
    private let limits = GitLabLimits(initialBackoff: 1, maxBackoff: 16)
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: zip([
        ["Retry-After": "7"],
        ["Retry-After": "Fri, 15 Jan 2027 08:00:10 GMT"],
        ["RateLimit-Reset": "1800000012"],
        ["Retry-After": "3", "RateLimit-Reset": "1800000050"],
        ["RateLimit-Reset": "1700000000"],
    ], [7.0, 10.0, 12.0, 3.0, 0.0]))
    func theServersWaitComesFirst(headers: [String: String], expected: TimeInterval) {
        var stamp = now
        if headers["Retry-After"]?.contains("GMT") == true {
            stamp = GitLabLimits.httpDate("Fri, 15 Jan 2027 08:00:00 GMT") ?? now
        }
        let delay = limits.retryDelay(after: TransportResponse(status: 429, headers: headers), attempt: 1, now: stamp, jitter: 0.5)
        #expect(abs(delay - expected) < 0.001)
    }

    @Test func backOffDoublesWithJitterUpToTheCap() {
        let delays = (1...7).map { limits.retryDelay(after: TransportResponse(status: 503), attempt: $0, now: now, jitter: 1) }
        #expect(delays == [1, 2, 4, 8, 16, 16, 16])
        let low = (1...3).map { limits.retryDelay(after: nil, attempt: $0, now: now, jitter: 0) }
        #expect(low == [0.5, 1, 2])
    }

    @Test(arguments: zip([
        #"{"message":"404 Project Not Found"}"#,
        #"{"message":{"bio":["is too long (maximum is 255 characters)"]}}"#,
        #"{"message":{"error":"This endpoint has been requested too many times. Try again later."}}"#,
        #"{"error":"insufficient_scope","error_description":"The request requires higher privileges.","scope":"api"}"#,
        #"{"error":"body is missing"}"#,
        "Retry later\n",
        "<html><body>502 Bad Gateway</body></html>",
        "",
    ], [
        "404 Project Not Found",
        "bio is too long (maximum is 255 characters)",
        "error This endpoint has been requested too many times. Try again later.",
        "insufficient_scope: The request requires higher privileges.",
        "body is missing",
        "Retry later",
        nil,
        nil,
    ] as [String?]))
    func errorBodiesAreRead(body: String, expected: String?) {
        #expect(GitLabErrorBody.message(from: Data(body.utf8)) == expected)
    }

    @Test func theNextLinkIsFound() {
        let header = #"<https://gitlab.example.com/api/v4/projects/8/merge_requests/3/notes?page=1&per_page=3>; rel="prev", "#
            + #"<https://gitlab.example.com/api/v4/projects/8/merge_requests/3/notes?page=3&per_page=3>; rel="next", "#
            + #"<https://gitlab.example.com/api/v4/projects/8/merge_requests/3/notes?page=1&per_page=3>; rel="first""#
        #expect(GitLabClient.nextLink(in: header) == "https://gitlab.example.com/api/v4/projects/8/merge_requests/3/notes?page=3&per_page=3")
        #expect(GitLabClient.nextLink(in: #"<https://x/api/v4/a?page=1>; rel="first""#) == nil)
    }

    @Test func theTokenDoesNotPrint() throws {
        let secret = "glpat" + "-" + "Zq8wLm3rXy7tKp2vBn4c"
        let token = try #require(GitLabToken("  \(secret)\n"))
        var dumped = ""
        dump(token, to: &dumped)
        for text in [String(describing: token), String(reflecting: token), "\(token)", dumped] {
            #expect(!text.contains(secret))
        }
        #expect(token.redact("x \(secret) y") == "x [REDACTED] y")
        #expect(GitLabToken("two words") == nil)
        #expect(GitLabToken("abc\r\nX-Injected: 1") == nil)
        #expect(GitLabToken("") == nil)

        let request = TransportRequest(method: .get, url: try #require(URL(string: "https://gitlab.example.com/api/v4/user")),
                                       headers: ["PRIVATE-TOKEN": secret])
        var dumpedRequest = ""
        dump(request, to: &dumpedRequest)
        #expect(!dumpedRequest.contains(secret) && !String(describing: request).contains(secret))
    }

    @Test func theGatesOwnVariableWins() {
        guard case .token(_, let variable) = GitLabCredentials(environment: ["GITLAB_TOKEN": "b", "POLICY_GATE_GITLAB_TOKEN": "a"]) else {
            Issue.record("no token")
            return
        }
        #expect(variable == "POLICY_GATE_GITLAB_TOKEN")
    }

    @Test(arguments: ["ftp://gitlab.example.com/api/v4", "gitlab.example.com", "https://user:pw@gitlab.example.com/api/v4", ""])
    func onlyAnHTTPAPIRootIsAccepted(url: String) throws {
        let token = try #require(GitLabToken("t0ken"))
        #expect(throws: GitLabError.self) { try GitLabClient(baseURL: url, token: token) }
    }
}
