import FlyingFox
import Foundation
@_spi(Fuzzing) @testable import PolicyEngine

/// What the fake GitLab holds and what it was sent: one project, one merge request, its notes,
/// discussions, labels and the commit statuses. It answers with the documented REST v4 shapes,
/// paginates with `X-Next-Page` and `Link`, and replays scripted faults (401, 404, 429, 5xx, slow replies).
actor FakeGitLabState {
    /// One request as received; the token is kept only as a comparison, never as text.
    struct Received: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var body: String
        /// Whether `PRIVATE-TOKEN` carried the expected token.
        var hadExpectedToken: Bool
        /// Whether the request had a `JOB-TOKEN` header.
        var hadJobToken: Bool
        var contentType: String?

        var json: PolicyEngine.JSONValue? { try? JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(body.utf8)) }
    }

    /// A scripted answer for the next request that matches.
    struct Fault: Sendable {
        var method: String?
        var pathSuffix: String
        var status: Int
        var body: String
        var headers: [String: String]
        /// Seconds to wait before answering (with `status` 0: then answer normally).
        var delay: TimeInterval
    }

    struct Note: Sendable {
        var id: Int
        var body: String
        var authorID: Int
        var system = false
    }

    struct Discussion: Sendable {
        var id: String
        var notes: [Note]
        var position: PolicyEngine.JSONValue?
    }

    struct Status: Sendable {
        var sha: String
        var body: PolicyEngine.JSONValue
    }

    enum Pagination: Sendable {
        /// `X-Next-Page`, `X-Page`, `X-Per-Page` and `Link` (no totals, as for long lists).
        case headers
        /// Only `Link: <…>; rel="next"`.
        case linkOnly
    }

    static let botUserID = 42
    static let agentUserID = 7
    static let projectID = "7"
    static let mergeRequestIID = "3"
    static let diffRefs = (base: "1111111111111111111111111111111111111111",
                           start: "2222222222222222222222222222222222222222",
                           head: "3333333333333333333333333333333333333333")

    private let token: String
    private(set) var received: [Received] = []
    private(set) var notes: [Note] = []
    private(set) var discussions: [Discussion] = []
    private(set) var labels: [String] = ["backend"]
    private(set) var statuses: [Status] = []
    /// The project's external status checks (id, name).
    private(set) var externalStatusChecks: [(id: Int, name: String)] = []
    /// Bodies of accepted `status_check_responses`.
    private(set) var statusCheckResponses: [PolicyEngine.JSONValue] = []
    /// The merge request's source head, which a status-check response must name.
    private var sourceHead = FakeGitLabState.diffRefs.head
    private var faults: [Fault] = []
    private var nextID = 1000
    /// The server's own page-size limit (GitLab's is 100); small values exercise pagination.
    var pageLimit = 100
    var pagination = Pagination.headers
    /// Files and new-side lines of the MR diff where an inline comment may be placed.
    var diffLines: [String: Set<Int>] = [:]
    /// The origin written into `Link` headers.
    var origin = ""

    init(token: String) {
        self.token = token
    }

    // MARK: - Test set-up and inspection

    func setOrigin(_ origin: String) { self.origin = origin }
    func setPageLimit(_ limit: Int) { pageLimit = limit }
    func setPagination(_ style: Pagination) { pagination = style }
    func setDiffLines(_ lines: [String: Set<Int>]) { diffLines = lines }
    func addExternalStatusCheck(id: Int, name: String) { externalStatusChecks.append((id, name)) }
    func setSourceHead(_ sha: String) { sourceHead = sha }

    /// Adds a note as if someone had written it.
    func addNote(body: String, authorID: Int, system: Bool = false) {
        nextID += 1
        notes.append(Note(id: nextID, body: body, authorID: authorID, system: system))
    }

    /// Queues a fault for the next request to a path ending in `pathSuffix` (and `method`, if given).
    func fail(_ method: String?, _ pathSuffix: String, status: Int, body: String = "", headers: [String: String] = [:],
              delay: TimeInterval = 0) {
        faults.append(Fault(method: method, pathSuffix: pathSuffix, status: status, body: body, headers: headers, delay: delay))
    }

    /// Answers every request with `status` from now on (until the server stops).
    func failAll(status: Int, body: String) {
        for _ in 0..<100 { fail(nil, "", status: status, body: body) }
    }

    func requests(_ method: String, suffix: String) -> [Received] {
        received.filter { $0.method == method && $0.path.hasSuffix(suffix) }
    }

    // MARK: - Serving

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let body = (try? await request.bodyData) ?? Data()
        let path = request.path
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        let tokenHeader = request.headers[HTTPHeader("PRIVATE-TOKEN")]
        received.append(Received(method: request.method.rawValue, path: path, query: query, body: String(decoding: body, as: UTF8.self),
                                 hadExpectedToken: tokenHeader == token, hadJobToken: request.headers[HTTPHeader("JOB-TOKEN")] != nil,
                                 contentType: request.headers[.contentType]))
        if let index = faults.firstIndex(where: { ($0.method == nil || $0.method == request.method.rawValue) && path.hasSuffix($0.pathSuffix) }) {
            let fault = faults.remove(at: index)
            if fault.delay > 0 { try? await Task.sleep(nanoseconds: UInt64(fault.delay * 1_000_000_000)) }
            if fault.status != 0 {
                return reply(fault.status, text: fault.body, headers: fault.headers)
            }
        }
        guard tokenHeader == token else {
            return reply(401, text: #"{"message":"401 Unauthorized"}"#)
        }
        let json = (try? JSONDecoder().decode(PolicyEngine.JSONValue.self, from: body)) ?? .object([:])
        return route(method: request.method.rawValue, parts: path.split(separator: "/").map(String.init), query: query, json: json)
    }

    private func route(method: String, parts: [String], query: [String: String], json: PolicyEngine.JSONValue) -> HTTPResponse {
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v4" else { return notFound("404 Not Found") }
        let rest = Array(parts.dropFirst(2))
        switch (method, rest.count) {
        case ("GET", 1) where rest[0] == "user":
            return encode(200, User(id: Self.botUserID, username: "project_7_bot"))
        default: break
        }
        guard rest.count >= 2, rest[0] == "projects" else { return notFound("404 Not Found") }
        guard rest[1] == Self.projectID else { return notFound("404 Project Not Found") }
        if rest.count == 4, rest[2] == "statuses", method == "POST" {
            return createStatus(sha: rest[3], json: json)
        }
        if rest.count == 3, rest[2] == "external_status_checks", method == "GET" {
            return page(externalStatusChecks.map { ExternalStatusCheckJSON(id: $0.id, name: $0.name) }, query: query,
                        path: rest.joined(separator: "/"))
        }
        guard rest.count >= 4, rest[2] == "merge_requests" else { return notFound("404 Not Found") }
        guard rest[3] == Self.mergeRequestIID else { return notFound("404 Not found") }
        switch (method, Array(rest.dropFirst(4))) {
        case ("GET", []):
            return encode(200, mergeRequest())
        case ("PUT", []):
            return updateMergeRequest(json)
        case ("GET", ["notes"]):
            return page(notes.map(encodable), query: query, path: rest.joined(separator: "/"))
        case ("POST", ["notes"]):
            guard let text = json["body"]?.stringValue, !text.isEmpty else { return reply(400, text: #"{"error":"body is missing"}"#) }
            nextID += 1
            let note = Note(id: nextID, body: text, authorID: Self.botUserID)
            notes.append(note)
            return encode(201, encodable(note))
        case ("PUT", let tail) where tail.count == 2 && tail[0] == "notes":
            guard let id = Int(tail[1]), let index = notes.firstIndex(where: { $0.id == id }) else { return notFound("404 Note Not Found") }
            guard notes[index].authorID == Self.botUserID else { return reply(403, text: #"{"message":"403 Forbidden"}"#) }
            guard let text = json["body"]?.stringValue else { return reply(400, text: #"{"error":"body is missing"}"#) }
            notes[index].body = text
            return encode(200, encodable(notes[index]))
        case ("GET", ["discussions"]):
            return page(discussions.map(encodable), query: query, path: rest.joined(separator: "/"))
        case ("POST", ["discussions"]):
            return createDiscussion(json)
        case ("POST", ["status_check_responses"]):
            return respondToStatusCheck(json)
        default:
            return notFound("404 Not Found")
        }
    }

    private func createDiscussion(_ json: PolicyEngine.JSONValue) -> HTTPResponse {
        guard let text = json["body"]?.stringValue else { return reply(400, text: #"{"error":"body is missing"}"#) }
        let position = json["position"]
        if let position {
            let path = position["new_path"]?.stringValue ?? ""
            let line = position["new_line"]?.intValue ?? 0
            let refsMatch = position["base_sha"]?.stringValue == Self.diffRefs.base
                && position["start_sha"]?.stringValue == Self.diffRefs.start
                && position["head_sha"]?.stringValue == Self.diffRefs.head
            guard refsMatch, position["position_type"]?.stringValue == "text", diffLines[path]?.contains(line) == true else {
                return reply(400, text: #"{"message":"400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid line code\"]}"}"#)
            }
        }
        nextID += 1
        let discussion = Discussion(id: String(format: "%040x", nextID), notes: [Note(id: nextID, body: text, authorID: Self.botUserID)],
                                    position: position)
        discussions.append(discussion)
        return encode(201, encodable(discussion))
    }

    /// `sha` must be the source head (409 otherwise), the check must exist, `status` passed/failed/pending.
    private func respondToStatusCheck(_ json: PolicyEngine.JSONValue) -> HTTPResponse {
        guard json["sha"]?.stringValue == sourceHead else {
            return reply(409, text: #"{"message":"409 Conflict"}"#)
        }
        guard let id = json["external_status_check_id"]?.intValue, externalStatusChecks.contains(where: { $0.id == id }) else {
            return notFound("404 External Status Check Not Found")
        }
        guard let status = json["status"]?.stringValue, ["passed", "failed", "pending"].contains(status) else {
            return reply(400, text: #"{"error":"status does not have a valid value"}"#)
        }
        statusCheckResponses.append(json)
        nextID += 1
        return encode(201, StatusCheckResponseJSON(id: nextID, merge_request: .init(id: 2003, iid: 3, project_id: 7),
                                                   external_status_check: ExternalStatusCheckJSON(id: id, name: ""), status: status))
    }

    private func updateMergeRequest(_ json: PolicyEngine.JSONValue) -> HTTPResponse {
        let add = (json["add_labels"]?.stringValue ?? "").split(separator: ",").map(String.init)
        let remove = (json["remove_labels"]?.stringValue ?? "").split(separator: ",").map(String.init)
        guard !add.isEmpty || !remove.isEmpty else { return reply(400, text: #"{"error":"at least one parameter must be provided"}"#) }
        labels.removeAll { remove.contains($0) }
        for label in add where !labels.contains(label) {
            // Scoped labels: a new `key::value` replaces any other value of the same key.
            if let scope = label.range(of: "::", options: String.CompareOptions.backwards).map({ label[..<$0.lowerBound] }) {
                labels.removeAll { $0.hasPrefix(scope + "::") }
            }
            labels.append(label)
        }
        return encode(200, mergeRequest())
    }

    private func createStatus(sha: String, json: PolicyEngine.JSONValue) -> HTTPResponse {
        guard let state = json["state"]?.stringValue, ["pending", "running", "success", "failed", "canceled", "skipped"].contains(state) else {
            return reply(400, text: #"{"error":"state does not have a valid value"}"#)
        }
        nextID += 1
        statuses.append(Status(sha: sha, body: json))
        return encode(201, CommitStatus(id: nextID, sha: sha, status: state, name: json["name"]?.stringValue ?? "default",
                                        target_url: json["target_url"]?.stringValue, description: json["description"]?.stringValue))
    }

    // MARK: - Replies

    private func page<Item: Encodable>(_ items: [Item], query: [String: String], path: String) -> HTTPResponse {
        let perPage = min(max(Int(query["per_page"] ?? "") ?? 20, 1), 100, pageLimit)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        let start = min((page - 1) * perPage, items.count)
        let slice = Array(items[start..<min(start + perPage, items.count)])
        let hasNext = start + perPage < items.count
        var headers: [String: String] = [:]
        if pagination == .headers {
            headers["X-Page"] = String(page)
            headers["X-Per-Page"] = String(perPage)
            headers["X-Next-Page"] = hasNext ? String(page + 1) : ""
            headers["X-Prev-Page"] = page > 1 ? String(page - 1) : ""
        }
        if hasNext {
            var others = query.filter { $0.key != "page" && $0.key != "per_page" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            others += ["page=\(page + 1)", "per_page=\(perPage)"]
            headers["Link"] = "<\(origin)/api/v4/\(path)?\(others.joined(separator: "&"))>; rel=\"next\", "
                + "<\(origin)/api/v4/\(path)?page=1&per_page=\(perPage)>; rel=\"first\""
        }
        return encode(200, slice, headers: headers)
    }

    private func notFound(_ message: String) -> HTTPResponse {
        reply(404, text: #"{"message":"\#(message)"}"#)
    }

    private func reply(_ status: Int, text: String, headers: [String: String] = [:]) -> HTTPResponse {
        var fields = HTTPHeaders()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[HTTPHeader(name)] = value }
        return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Status \(status)"), headers: fields, body: Data(text.utf8))
    }

    private func encode(_ status: Int, _ value: some Encodable, headers: [String: String] = [:]) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return reply(status, text: String(decoding: data, as: UTF8.self), headers: headers)
    }

    // MARK: - Documented response shapes

    struct User: Encodable {
        var id: Int
        var username: String
    }

    struct NoteJSON: Encodable {
        var id: Int
        var type: String?
        var body: String
        var author: User
        var created_at = "2026-01-01T10:00:00.000Z"
        var updated_at = "2026-01-01T10:00:00.000Z"
        var system: Bool
        var noteable_id = 2
        var noteable_type = "MergeRequest"
        var project_id = 7
        var noteable_iid = 3
        var resolvable: Bool
        var `internal` = false
    }

    struct DiscussionJSON: Encodable {
        var id: String
        var individual_note: Bool
        var notes: [NoteJSON]
    }

    struct DiffRefsJSON: Encodable {
        var base_sha: String
        var head_sha: String
        var start_sha: String
    }

    struct MergeRequestJSON: Encodable {
        var id = 2003
        var iid = 3
        var project_id = 7
        var state = "opened"
        var source_branch = "agent/fix"
        var target_branch = "main"
        var sha: String
        var labels: [String]
        var draft = false
        var detailed_merge_status = "ci_still_running"
        var diff_refs: DiffRefsJSON
    }

    struct ExternalStatusCheckJSON: Encodable {
        var id: Int
        var name: String
        var project_id = 7
        var external_url = "https://compliance.example.com/hook"
        var hmac = false
        var protected_branches: [String] = []
    }

    struct StatusCheckResponseJSON: Encodable {
        struct MergeRequestRef: Encodable {
            var id: Int
            var iid: Int
            var project_id: Int
        }
        var id: Int
        var merge_request: MergeRequestRef
        var external_status_check: ExternalStatusCheckJSON
        var status: String
    }

    struct CommitStatus: Encodable {
        var id: Int
        var sha: String
        var ref: String? = nil
        var status: String
        var name: String
        var target_url: String?
        var description: String?
        var coverage: Double? = nil
        var allow_failure = false
    }

    private func encodable(_ note: Note) -> NoteJSON {
        NoteJSON(id: note.id, type: nil, body: note.body,
                 author: User(id: note.authorID, username: note.authorID == Self.botUserID ? "project_7_bot" : "agent"),
                 system: note.system, resolvable: false)
    }

    private func encodable(_ discussion: Discussion) -> DiscussionJSON {
        DiscussionJSON(id: discussion.id, individual_note: discussion.position == nil, notes: discussion.notes.map { note in
            var json = encodable(note)
            json.type = discussion.position == nil ? nil : "DiffNote"
            json.resolvable = discussion.position != nil
            return json
        })
    }

    private func mergeRequest() -> MergeRequestJSON {
        MergeRequestJSON(sha: Self.diffRefs.head, labels: labels,
                         diff_refs: DiffRefsJSON(base_sha: Self.diffRefs.base, head_sha: Self.diffRefs.head, start_sha: Self.diffRefs.start))
    }
}
