import Foundation

/// External status checks (GitLab Ultimate): the project's checks and a merge request's response.
extension GitLabClient {
    /// An item of `GET /projects/:id/external_status_checks`.
    struct ExternalStatusCheck: Sendable, Decodable {
        var id: Int
        var name: String
    }

    /// `POST /projects/:id/merge_requests/:iid/status_check_responses`.
    struct StatusCheckResponseBody: Encodable {
        var sha: String
        var externalStatusCheckID: Int
        var status: String

        enum CodingKeys: String, CodingKey {
            case sha, status
            case externalStatusCheckID = "external_status_check_id"
        }
    }

    /// The reply to a status-check response; only its id is read.
    struct StatusCheckResponse: Sendable, Decodable {
        var id: Int?
    }

    /// `GET /projects/:id/external_status_checks`, every page.
    func externalStatusChecks(project: String) async throws(GitLabError) -> [ExternalStatusCheck] {
        try await getAll(ExternalStatusCheck.self, "/projects/\(Self.segment(project))/external_status_checks")
    }

    /// `POST …/merge_requests/:iid/status_check_responses`.
    func respondToStatusCheck(project: String, iid: String, body: StatusCheckResponseBody) async throws(GitLabError) -> StatusCheckResponse {
        try await post(StatusCheckResponse.self, Self.mergeRequestPath(project, iid) + "/status_check_responses", body: body)
    }
}

/// Sets a merge request's external status check to `passed` or `failed` from a stage's decision
/// (`--status-check NAME`). Like the annotator it never throws and never changes the decision.
public enum StatusCheckResponder {
    /// Finds the project's external status check named `name` and answers it for the pipeline's source head.
    /// - Parameters:
    ///   - name: the check's name, as configured in the project.
    ///   - report: the stage's report (its decision and CI context).
    ///   - environment: the job's environment, for the token only.
    ///   - transport: how requests are sent.
    ///   - limits: attempts, timeouts and bounds.
    /// - Returns: what was done and what failed.
    public static func respond(name: String, report: GateReport, environment: [String: String],
                               transport: any Transport = URLSessionTransport(),
                               limits: GitLabLimits = .standard) async -> AnnotationResult {
        let prefix = "--status-check"
        let token: GitLabToken
        switch GitLabCredentials(environment: environment) {
        case .token(let found, _): token = found
        case .unavailable(let reason): return AnnotationResult(problems: ["\(prefix): \(reason); the status check was not set"])
        }
        guard let api = report.ci.apiURL, let project = report.ci.projectID else {
            return AnnotationResult(problems: ["\(prefix): CI_API_V4_URL or the project id is not set; the status check was not set"])
        }
        guard let iid = report.ci.mergeRequestIID else {
            return AnnotationResult(problems: ["\(prefix): not a merge request pipeline (CI_MERGE_REQUEST_IID is not set); "
                                               + "the status check was not set"])
        }
        guard let sha = report.ci.statusSHA else {
            return AnnotationResult(problems: ["\(prefix): CI_COMMIT_SHA is not set; the status check was not set"])
        }
        let status = report.decision == .block ? "failed" : "passed"
        do throws(GitLabError) {
            let client = try GitLabClient(baseURL: api, token: token, transport: transport, limits: limits)
            let checks = try await client.externalStatusChecks(project: project)
            guard let check = checks.first(where: { $0.name == name }) else {
                let known = checks.map { "'\($0.name)'" }.prefix(10).joined(separator: ", ")
                return AnnotationResult(problems: ["\(prefix): the project has no external status check named '\(name)'"
                                                   + (known.isEmpty ? "" : " (it has \(known))") + "; the status check was not set"])
            }
            _ = try await client.respondToStatusCheck(project: project, iid: iid,
                                                      body: .init(sha: sha, externalStatusCheckID: check.id, status: status))
            return AnnotationResult(actions: ["status check '\(name)' \(status) on \(sha.prefix(8))"])
        } catch {
            var line = "\(prefix): cannot set the status check '\(name)': \(error)"
            if error.status == 409 { line += " (the merge request's source branch moved past \(sha.prefix(8)))" }
            if error.kind == .forbidden || error.kind == .notFound {
                line += "; external status checks need GitLab Ultimate and a token of a user with the Developer role"
            }
            return AnnotationResult(problems: [line])
        }
    }
}
