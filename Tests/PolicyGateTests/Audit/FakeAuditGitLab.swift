import FlyingFox
import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import TestSupport

/// A fake GitLab for the audit: a group of projects with merged merge requests, their pipelines,
/// jobs, commit statuses and job artifacts, in the documented REST v4 shapes. It paginates merge
/// requests by offset (`X-Next-Page` and `Link`), and can answer every `rateLimitEvery`-th request
/// with 429 in the three forms GitLab uses (`Retry-After`, `RateLimit-Reset`, no header).
actor FakeAuditGitLabState {
    typealias JSON = PolicyEngine.JSONValue

    struct MergeRequest: Sendable {
        var id: Int
        var iid: Int
        var projectID: Int
        var title: String
        var sha: String
        var createdAt: String
        var mergedAt: String?
        /// Later than the merge when someone commented afterwards.
        var updatedAt: String?
        var state = "merged"
        var labels: [String] = []
        var author = "agent-bot"
    }

    struct Pipeline: Sendable {
        var id: Int
        var projectID: Int
        var iid: Int
        var sha: String
        var ref: String
    }

    struct Job: Sendable {
        var id: Int
        var projectID: Int
        var pipelineID: Int
        var name: String
        var status: String
        var finishedAt: String?
    }

    struct Status: Sendable {
        var id: Int
        var projectID: Int
        var sha: String
        var pipelineID: Int
        var name: String
        var status: String
    }

    static let groupID = 100
    static let groupPath = "acme"
    static let origin = "https://gitlab.example.com"

    private let token: String
    private(set) var projects: [Int: String] = [:]
    private(set) var mergeRequests: [MergeRequest] = []
    private var pipelines: [Int: [Pipeline]] = [:]   // by MR id
    private var jobs: [Int: [Job]] = [:]              // by pipeline id
    private var statuses: [String: [Status]] = [:]    // by "project:sha"
    private var artifacts: [Int: Data] = [:]          // by job id
    /// Paths (suffixes) that always answer 500.
    private var broken: Set<String> = []
    private var nextID = 5000
    private var apiOrigin = ""
    /// The token's scopes, as `/personal_access_tokens/self` tells them.
    var scopes = ["read_api"]
    /// Every n-th request answers 429 first (0: never).
    var rateLimitEvery = 0
    private(set) var requestCount = 0
    private(set) var rateLimited = 0
    private(set) var mergeRequestListRequests: [[String: String]] = []
    private(set) var tokenMismatches = 0

    init(token: String) {
        self.token = token
    }

    // MARK: - Set-up

    func setOrigin(_ origin: String) { apiOrigin = origin }
    func setRateLimit(every: Int) { rateLimitEvery = every }
    func setScopes(_ scopes: [String]) { self.scopes = scopes }
    func addProject(id: Int, path: String) { projects[id] = path }
    func breakPath(_ suffix: String) { broken.insert(suffix) }

    func id() -> Int {
        nextID += 1
        return nextID
    }

    func add(_ mergeRequest: MergeRequest) { mergeRequests.append(mergeRequest) }

    @discardableResult
    func addPipeline(for mergeRequest: MergeRequest, sha: String? = nil, mergeRequestPipeline: Bool = true,
                     ref: String = "head") -> Pipeline {
        let pipeline = Pipeline(id: id(), projectID: mergeRequest.projectID, iid: mergeRequest.iid, sha: sha ?? mergeRequest.sha,
                                ref: mergeRequestPipeline ? "refs/merge-requests/\(mergeRequest.iid)/\(ref)" : "agent/branch-\(mergeRequest.iid)")
        pipelines[mergeRequest.id, default: []].append(pipeline)
        return pipeline
    }

    @discardableResult
    func addJob(to pipeline: Pipeline, name: String, status: String, finishedAt: String? = "2026-03-01T00:00:00Z") -> Job {
        let job = Job(id: id(), projectID: pipeline.projectID, pipelineID: pipeline.id, name: name, status: status, finishedAt: finishedAt)
        jobs[pipeline.id, default: []].append(job)
        return job
    }

    /// A commit status in `pipeline`, on `sha` (default: the pipeline's own commit).
    func addStatus(on pipeline: Pipeline, sha: String? = nil, name: String, status: String) {
        let sha = sha ?? pipeline.sha
        statuses["\(pipeline.projectID):\(sha)", default: []].append(
            Status(id: id(), projectID: pipeline.projectID, sha: sha, pipelineID: pipeline.id, name: name, status: status))
    }

    func addArtifact(job: Job, data: Data) { artifacts[job.id] = data }

    // MARK: - Serving

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        requestCount += 1
        if rateLimitEvery > 0 && requestCount % rateLimitEvery == 0 {
            rateLimited += 1
            // The three forms GitLab answers a throttled request with.
            switch rateLimited % 3 {
            case 0: return reply(429, "Retry later", headers: ["Retry-After": "0", "RateLimit-Remaining": "0"])
            case 1: return reply(429, #"{"message":"429 Too Many Requests"}"#,
                                 headers: ["RateLimit-Reset": String(Int(Date().timeIntervalSince1970)), "RateLimit-Remaining": "0",
                                           "RateLimit-Name": "throttle_authenticated_api"])
            default: return reply(429, #"{"message":{"error":"This endpoint has been requested too many times. Try again later."}}"#)
            }
        }
        guard request.headers[HTTPHeader("PRIVATE-TOKEN")] == token else {
            tokenMismatches += 1
            return reply(401, #"{"message":"401 Unauthorized"}"#)
        }
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        // FlyingFox's `path` is decoded on Linux; a project path's %2F must stay one segment.
        let path = request.target.path(percentEncoded: true)
        if broken.contains(where: { path.hasSuffix($0) }) { return reply(500, #"{"message":"500 Internal Server Error"}"#) }
        let parts = path.split(separator: "/").map(String.init)
        guard request.method == .GET, parts.count >= 3, parts[0] == "api", parts[1] == "v4" else { return notFound() }
        let rest = Array(parts.dropFirst(2))
        switch rest.count {
        case 2 where rest == ["personal_access_tokens", "self"]:
            return json(200, ["id": .number(1), "scopes": .array(scopes.map { .string($0) })])
        case 2 where rest[0] == "groups":
            guard isGroup(rest[1]) else { return notFound() }
            return json(200, ["id": .number(Double(Self.groupID)), "full_path": .string(Self.groupPath)])
        case 2 where rest[0] == "projects":
            guard let project = projectID(rest[1]) else { return notFound() }
            return json(200, ["id": .number(Double(project)), "path_with_namespace": .string(projects[project] ?? "")])
        case 3 where rest[2] == "merge_requests":
            if rest[0] == "groups", isGroup(rest[1]) { return listMergeRequests(project: nil, query: query, path: rest) }
            if rest[0] == "projects", let project = projectID(rest[1]) { return listMergeRequests(project: project, query: query, path: rest) }
            return notFound()
        default:
            break
        }
        guard rest.count >= 4, rest[0] == "projects", let project = Int(rest[1]), projects[project] != nil else { return notFound() }
        switch Array(rest.dropFirst(2)) {
        case let tail where tail.count == 3 && tail[0] == "merge_requests" && tail[2] == "pipelines":
            guard let mergeRequest = mergeRequests.first(where: { $0.projectID == project && String($0.iid) == tail[1] }) else {
                return notFound()
            }
            return array((pipelines[mergeRequest.id] ?? []).sorted { $0.id > $1.id }.map(pipelineJSON))
        case let tail where tail.count == 3 && tail[0] == "pipelines" && tail[2] == "jobs":
            return array((jobs[Int(tail[1]) ?? -1] ?? []).map(jobJSON))
        case let tail where tail.count == 4 && tail[0] == "repository" && tail[1] == "commits" && tail[3] == "statuses":
            let found = (statuses["\(project):\(tail[2])"] ?? []).filter { status in
                (query["name"].map { $0 == status.name } ?? true) && (query["pipeline_id"].map { $0 == String(status.pipelineID) } ?? true)
            }
            return array(found.map(statusJSON))
        case let tail where tail.count >= 4 && tail[0] == "jobs" && tail[2] == "artifacts":
            guard let job = Int(tail[1]), let data = artifacts[job], tail.dropFirst(3).joined(separator: "/") == ".policy-gate/post-attestation.json"
            else { return notFound("404 Not Found") }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/octet-stream"], body: data)
        default:
            return notFound()
        }
    }

    private func isGroup(_ id: String) -> Bool { id == String(Self.groupID) || id == Self.groupPath }

    private func projectID(_ id: String) -> Int? {
        if let number = Int(id), projects[number] != nil { return number }
        let path = id.removingPercentEncoding ?? id
        return projects.first { $0.value == path }?.key
    }

    private func listMergeRequests(project: Int?, query: [String: String], path: [String]) -> HTTPResponse {
        mergeRequestListRequests.append(query)
        guard query["state"] == "merged", query["order_by"] == "created_at", query["sort"] == "asc" else {
            return reply(400, #"{"error":"the fake serves merged MRs by created_at asc only"}"#)
        }
        var items = mergeRequests.filter { $0.state == "merged" && (project == nil || $0.projectID == project) }
        if let after = query["created_after"] { items = items.filter { $0.createdAt >= after } }
        if let after = query["updated_after"] { items = items.filter { ($0.updatedAt ?? $0.mergedAt ?? $0.createdAt) >= after } }
        if let labels = query["labels"] { items = items.filter { $0.labels.contains(labels) } }
        if let author = query["author_username"] { items = items.filter { $0.author == author } }
        items.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let perPage = min(max(Int(query["per_page"] ?? "") ?? 20, 1), 100)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        let start = min((page - 1) * perPage, items.count)
        let slice = items[start..<min(start + perPage, items.count)]
        var headers = ["X-Page": String(page), "X-Per-Page": String(perPage)]
        if start + perPage < items.count {
            headers["X-Next-Page"] = String(page + 1)
            let others = query.filter { $0.key != "page" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            headers["Link"] = "<\(apiOrigin)/api/v4/\(path.joined(separator: "/"))?\((others + ["page=\(page + 1)"]).joined(separator: "&"))>; rel=\"next\""
        }
        return array(slice.map(mergeRequestJSON), headers: headers)
    }

    // MARK: - Shapes

    private func mergeRequestJSON(_ item: MergeRequest) -> JSON {
        let path = projects[item.projectID] ?? ""
        return .object([
            "id": .number(Double(item.id)), "iid": .number(Double(item.iid)), "project_id": .number(Double(item.projectID)),
            "title": .string(item.title), "state": .string(item.state), "sha": .string(item.sha),
            "merge_commit_sha": .string(String(repeating: "e", count: 40)), "squash_commit_sha": .null,
            "created_at": .string(item.createdAt), "updated_at": .string(item.updatedAt ?? item.mergedAt ?? item.createdAt),
            "merged_at": item.mergedAt.map { .string($0) } ?? .null, "source_branch": .string("agent/\(item.iid)"),
            "target_branch": .string("main"), "labels": .array(item.labels.map { .string($0) }),
            "author": .object(["id": .number(7), "username": .string(item.author)]),
            "references": .object(["short": .string("!\(item.iid)"), "full": .string("\(path)!\(item.iid)")]),
            "web_url": .string("\(Self.origin)/\(path)/-/merge_requests/\(item.iid)"),
        ])
    }

    private func pipelineJSON(_ pipeline: Pipeline) -> JSON {
        .object(["id": .number(Double(pipeline.id)), "iid": .number(1), "project_id": .number(Double(pipeline.projectID)),
                 "sha": .string(pipeline.sha), "ref": .string(pipeline.ref), "status": .string("success"),
                 "source": .string(pipeline.ref.hasPrefix("refs/merge-requests/") ? "merge_request_event" : "push"),
                 "web_url": .string("\(Self.origin)/\(projects[pipeline.projectID] ?? "")/-/pipelines/\(pipeline.id)")])
    }

    private func jobJSON(_ job: Job) -> JSON {
        .object(["id": .number(Double(job.id)), "name": .string(job.name), "status": .string(job.status),
                 "stage": .string(".post"), "finished_at": job.finishedAt.map { .string($0) } ?? .null,
                 "pipeline": .object(["id": .number(Double(job.pipelineID))]),
                 "web_url": .string("\(Self.origin)/\(projects[job.projectID] ?? "")/-/jobs/\(job.id)")])
    }

    private func statusJSON(_ status: Status) -> JSON {
        .object(["id": .number(Double(status.id)), "sha": .string(status.sha), "ref": .string("refs/merge-requests/1/head"),
                 "status": .string(status.status), "name": .string(status.name), "pipeline_id": .number(Double(status.pipelineID)),
                 "target_url": .null, "allow_failure": .bool(false)])
    }

    // MARK: - Replies

    private func notFound(_ message: String = "404 Project Not Found") -> HTTPResponse {
        reply(404, #"{"message":"\#(message)"}"#)
    }

    private func json(_ status: Int, _ members: [String: JSON]) -> HTTPResponse {
        reply(status, JSON.object(members).serialized())
    }

    private func array(_ items: [JSON], headers: [String: String] = [:]) -> HTTPResponse {
        reply(200, JSON.array(items).serialized(), headers: headers)
    }

    private func reply(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
        var fields = HTTPHeaders()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[HTTPHeader(name)] = value }
        return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Status \(status)"), headers: fields, body: Data(text.utf8))
    }
}

/// The audit fake on 127.0.0.1 and a free port.
struct FakeAuditGitLab: Sendable {
    let state: FakeAuditGitLabState
    let port: UInt16
    private let server: HTTPServer
    private let task: Task<Void, any Error>

    var apiURL: String { "http://127.0.0.1:\(port)/api/v4" }

    /// Runs on threads of their own, as `FakeGitLab.with` does.
    static func with<Result: Sendable>(token: String, _ body: (FakeAuditGitLab) async throws -> Result) async throws -> Result {
        let executor = DedicatedThreadsExecutor(threads: 2)
        return try await withTaskExecutorPreference(executor) {
            try await run(token: token, executor: executor, body)
        }
    }

    private static func run<Result: Sendable>(token: String, executor: DedicatedThreadsExecutor,
                                              _ body: (FakeAuditGitLab) async throws -> Result) async throws -> Result {
        let state = FakeAuditGitLabState(token: token)
        let (server, task, port) = try await FakeGitLab.listen(on: executor) { request in await state.handle(request) }
        await state.setOrigin("http://127.0.0.1:\(port)")
        let gitlab = FakeAuditGitLab(state: state, port: port, server: server, task: task)
        defer { task.cancel() }
        do {
            let result = try await body(gitlab)
            await server.stop(timeout: 1)
            return result
        } catch {
            await server.stop(timeout: 1)
            throw error
        }
    }
}
