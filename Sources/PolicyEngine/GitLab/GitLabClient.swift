import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for GitLab's REST API v4: JSON in and out, the token in `PRIVATE-TOKEN`,
/// offset pagination, retries with back-off on 429 and 5xx, a timeout per request and a bound on
/// the total time. Every failure is a `GitLabError`, which cannot carry the token.
public struct GitLabClient: Sendable {
    /// The API root, e.g. `https://gitlab.example.com/api/v4` (no trailing slash).
    let baseURL: URL
    /// Attempts, timeouts and bounds.
    let limits: GitLabLimits
    private let token: GitLabToken
    private let transport: any Transport
    private let deadline: ContinuousClock.Instant

    /// Creates a client; its time budget (`limits.totalTime`) starts now.
    /// - Parameters:
    ///   - baseURL: the API root (`CI_API_V4_URL`).
    ///   - token: an access token with `api` scope.
    ///   - transport: how requests are sent.
    ///   - limits: attempts, timeouts and bounds.
    /// - Throws: `GitLabError` of kind `.configuration` when `baseURL` is not an http(s) URL with a host.
    public init(baseURL: String, token: GitLabToken, transport: any Transport = URLSessionTransport(),
                limits: GitLabLimits = .standard) throws(GitLabError) {
        var text = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil else {
            throw GitLabError(.configuration, request: "", detail: "CI_API_V4_URL is not an http(s) URL of a GitLab API root",
                              token: token)
        }
        self.baseURL = url
        self.token = token
        self.transport = transport
        self.limits = limits
        deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(limits.totalTime * 1000)))
    }

    /// Percent-encodes one path segment (a project path such as `group/project` becomes `group%2Fproject`).
    /// - Parameter text: the segment.
    /// - Returns: the encoded segment.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `text` without the client's token, for text about to be escaped (escaping would hide the
    /// token from the redaction of outgoing bodies).
    func redact(_ text: String) -> String {
        token.redact(text)
    }

    // MARK: - Calls

    /// `GET path` and decodes the JSON reply.
    /// - Parameters:
    ///   - type: the reply's type.
    ///   - path: the path below the API root, segments already encoded (`/projects/7/merge_requests/3`).
    ///   - query: query parameters.
    /// - Returns: the decoded reply.
    /// - Throws: `GitLabError`.
    func get<Reply: Decodable>(_ type: Reply.Type, _ path: String, query: [URLQueryItem] = []) async throws(GitLabError) -> Reply {
        let url = try makeURL(path, query: query)
        return try decode(type, try await perform(.get, url: url, body: nil), request: label(.get, url))
    }

    /// Every item of a paginated list: 100 a page, following `X-Next-Page`, else `Link: rel="next"`,
    /// until neither is present (totals are never trusted; GitLab omits them on large lists).
    /// - Parameters:
    ///   - type: the item type.
    ///   - path: the list's path below the API root.
    ///   - query: query parameters (`per_page` and `page` are set here).
    /// - Returns: the items of all pages, in order.
    /// - Throws: `GitLabError`, of kind `.tooManyPages` past `limits.maxPages`.
    func getAll<Item: Decodable>(_ type: Item.Type, _ path: String, query: [URLQueryItem] = []) async throws(GitLabError) -> [Item] {
        var items: [Item] = []
        let walk = try await forEachPage(type, path, query: query) { page in
            items += page
            return true
        }
        if case .truncated(let request) = walk {
            throw GitLabError(.tooManyPages, request: request, detail: "more than \(limits.maxPages) pages", token: token)
        }
        return items
    }

    /// How a walk over a list's pages ended.
    enum PageWalk: Sendable, Equatable {
        /// The last page was read.
        case ended
        /// The caller asked to stop.
        case stopped
        /// `maxPages` pages were read and there are more (`METHOD /path` of the list).
        case truncated(String)
    }

    /// Reads a paginated list one page at a time, as `getAll` does, handing each page to `body`
    /// before the next is fetched, so a long list is never held in memory. Keyset pages (only
    /// `Link: rel="next"`) are followed like offset pages.
    /// - Parameters:
    ///   - type: the item type.
    ///   - path: the list's path below the API root.
    ///   - query: query parameters (`per_page` and `page` are set here).
    ///   - maxPages: pages read at most (default `limits.maxPages`).
    ///   - body: called with each page; returns whether to go on.
    /// - Returns: how the walk ended.
    /// - Throws: `GitLabError`.
    func forEachPage<Item: Decodable>(_ type: Item.Type, _ path: String, query: [URLQueryItem] = [], maxPages: Int? = nil,
                                             _ body: ([Item]) async -> Bool) async throws(GitLabError) -> PageWalk {
        var url = try makeURL(path, query: query.filter { $0.name != "per_page" && $0.name != "page" }
                              + [URLQueryItem(name: "per_page", value: "100")])
        for _ in 0..<max(1, maxPages ?? limits.maxPages) {
            let response = try await perform(.get, url: url, body: nil)
            guard await body(try decode([Item].self, response, request: label(.get, url))) else { return .stopped }
            guard let next = try nextPage(after: response, current: url) else { return .ended }
            url = next
        }
        return .truncated(label(.get, url))
    }

    /// `GET path` for a file rather than JSON (a job artifact): the body as it came.
    /// - Parameters:
    ///   - path: the path below the API root, segments already encoded.
    ///   - maxBytes: the largest body accepted.
    /// - Returns: the body.
    /// - Throws: `GitLabError` (`.notFound` when there is no such file, `.invalidResponse` when it is too large).
    func getFile(_ path: String, maxBytes: Int) async throws(GitLabError) -> Data {
        let url = try makeURL(path, query: [])
        let response = try await perform(.get, url: url, body: nil, accept: "*/*")
        guard response.body.count <= maxBytes else {
            throw GitLabError(.invalidResponse, request: label(.get, url), detail: "the file is larger than \(maxBytes) bytes", token: token)
        }
        return response.body
    }

    /// `POST path` with a JSON body, and decodes the JSON reply.
    /// - Parameters:
    ///   - type: the reply's type.
    ///   - path: the path below the API root.
    ///   - body: the JSON body.
    /// - Returns: the decoded reply.
    /// - Throws: `GitLabError`.
    public func post<Reply: Decodable>(_ type: Reply.Type, _ path: String, body: some Encodable) async throws(GitLabError) -> Reply {
        let url = try makeURL(path, query: [])
        return try decode(type, try await perform(.post, url: url, body: try encode(body, request: label(.post, url))),
                          request: label(.post, url))
    }

    /// `PUT path` with a JSON body, and decodes the JSON reply.
    /// - Parameters:
    ///   - type: the reply's type.
    ///   - path: the path below the API root.
    ///   - body: the JSON body.
    /// - Returns: the decoded reply.
    /// - Throws: `GitLabError`.
    func put<Reply: Decodable>(_ type: Reply.Type, _ path: String, body: some Encodable) async throws(GitLabError) -> Reply {
        let url = try makeURL(path, query: [])
        return try decode(type, try await perform(.put, url: url, body: try encode(body, request: label(.put, url))),
                          request: label(.put, url))
    }

    // MARK: - Sending, with retries

    /// Sends one call: retries 429 always and 5xx, timeouts and network failures when repeating the
    /// call is safe (GET, PUT; for POST only 429, 502 and 503, which GitLab did not process), waits
    /// as the server asks or backs off exponentially with jitter, and follows same-host GET redirects.
    private func perform(_ method: TransportRequest.Method, url: URL, body: Data?,
                         accept: String = "application/json") async throws(GitLabError) -> TransportResponse {
        var target = url
        var attempt = 0
        var redirects = 0
        while true {
            attempt += 1
            let request = label(method, target)
            let remaining = secondsLeft()
            guard remaining > 0 else {
                throw GitLabError(.outOfTime, request: request, detail: "the \(Int(limits.totalTime)) s time budget is spent",
                                  token: token)
            }
            let timeout = min(limits.requestTimeout, remaining)
            let outcome = await sendOnce(TransportRequest(method: method, url: target, headers: headers(hasBody: body != nil, accept: accept),
                                                          body: body, timeout: timeout), timeout: timeout)
            let failure: GitLabError
            let retryable: Bool
            var reply: TransportResponse?
            switch outcome {
            case .reply(let response):
                if (200..<300).contains(response.status) { return response }
                if (300..<400).contains(response.status), let location = response.header("Location") {
                    target = try redirect(from: target, to: location, method: method, count: &redirects)
                    attempt -= 1
                    continue
                }
                reply = response
                failure = error(for: response, request: request)
                retryable = response.status == 429
                    || (response.status >= 500 && (method.isIdempotent || [502, 503].contains(response.status)))
            case .timedOut:
                failure = GitLabError(.timeout, request: request, detail: "no reply within \(Self.seconds(timeout))", token: token)
                retryable = method.isIdempotent
            case .failed(let error, let neverSent):
                if error is CancellationError || Task.isCancelled {
                    throw GitLabError(.cancelled, request: request, detail: "", token: token)
                }
                failure = GitLabError(.network, request: request, detail: Self.describe(error), token: token)
                retryable = method.isIdempotent || neverSent
            }
            guard retryable, attempt < limits.maxAttempts else {
                throw attempt > 1 ? failure.after(attempts: attempt, token: token) : failure
            }
            let delay = limits.retryDelay(after: reply, attempt: attempt, now: Date(), jitter: Double.random(in: 0...1))
            if delay > limits.maxRetryAfter || delay >= secondsLeft() {
                throw failure.after(attempts: attempt, token: token, note: "the next try would be in \(Self.seconds(delay)), past the time limit")
            }
            do {
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            } catch {
                throw GitLabError(.cancelled, request: request, detail: "", token: token)
            }
        }
    }

    private enum Outcome: Sendable {
        case reply(TransportResponse)
        case timedOut
        case failed(any Error, neverSent: Bool)
    }

    /// One try, raced against the timeout; the loser is cancelled. The reply is not waited for once the
    /// timeout has won: a transport that is slow to notice its cancellation cannot stretch the bound.
    private func sendOnce(_ request: TransportRequest, timeout: TimeInterval) async -> Outcome {
        let transport = transport
        let timer = Locked<Task<Void, Never>?>(nil)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let race = FirstOutcome(continuation)
            // The transfer is never cancelled: it ends by its own URLRequest timeout, and cancelling a
            // URLSession task in flight has deadlocked swift-corelibs-foundation under load. A late
            // reply loses the race and is dropped.
            Task {
                do {
                    race.finish(.reply(try await transport.send(request)))
                } catch {
                    // These codes mean the request never left, so even a POST may be repeated.
                    let unsent: [URLError.Code] = [.cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet]
                    race.finish(.failed(error, neverSent: (error as? URLError).map { unsent.contains($0.code) } ?? false))
                }
            }
            timer.withLock {
                $0 = Task {
                    try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                    race.finish(.timedOut)
                }
            }
        }
        timer.withLock { $0 }?.cancel()
        return outcome
    }

    // MARK: - Helpers

    private func headers(hasBody: Bool, accept: String) -> [String: String] {
        var headers = ["PRIVATE-TOKEN": token.value, "Accept": accept,
                       "User-Agent": "policy-gate/\(PolicyGateVersion.current)"]
        if hasBody { headers["Content-Type"] = "application/json" }
        return headers
    }

    private func makeURL(_ path: String, query: [URLQueryItem]) throws(GitLabError) -> URL {
        let joined = baseURL.absoluteString + (path.hasPrefix("/") ? path : "/" + path)
        guard var components = URLComponents(string: joined) else {
            throw GitLabError(.configuration, request: path, detail: "not a valid API path", token: token)
        }
        if !query.isEmpty { components.queryItems = (components.queryItems ?? []) + query }
        guard let url = components.url else {
            throw GitLabError(.configuration, request: path, detail: "not a valid API path", token: token)
        }
        return url
    }

    /// `METHOD /path` relative to the API root, without the query.
    private func label(_ method: TransportRequest.Method, _ url: URL) -> String {
        let basePath = baseURL.path
        var path = url.path
        if path.hasPrefix(basePath) { path.removeFirst(basePath.count) }
        return "\(method.rawValue) \(path.isEmpty ? "/" : path)"
    }

    private func secondsLeft() -> TimeInterval {
        let left = ContinuousClock.now.duration(to: deadline).components
        return TimeInterval(left.seconds) + TimeInterval(left.attoseconds) / 1e18
    }

    /// Whether `url` is on the API root's scheme, host and port, below its path: only there may the token go.
    private func isBelowBase(_ url: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil) }
        return url.scheme?.lowercased() == baseURL.scheme?.lowercased()
            && url.host?.lowercased() == baseURL.host?.lowercased()
            && port(url) == port(baseURL)
            && (url.path == baseURL.path || url.path.hasPrefix(baseURL.path + "/"))
    }

    private func redirect(from url: URL, to location: String, method: TransportRequest.Method,
                          count: inout Int) throws(GitLabError) -> URL {
        let request = label(method, url)
        guard let next = URL(string: location, relativeTo: url)?.absoluteURL else {
            throw GitLabError(.redirect, request: request, detail: "the Location header is not a URL", token: token)
        }
        guard method == .get else {
            throw GitLabError(.redirect, request: request, detail: "\(method.rawValue) requests are not redirected", token: token)
        }
        guard isBelowBase(next) else {
            throw GitLabError(.redirect, request: request,
                              detail: "it points outside \(baseURL.absoluteString), where the token must not go", token: token)
        }
        count += 1
        guard count <= limits.maxRedirects else {
            throw GitLabError(.redirect, request: request, detail: "more than \(limits.maxRedirects) redirects", token: token)
        }
        return next
    }

    /// The next page's URL: `X-Next-Page` on the current URL, else `Link: <…>; rel="next"` below the API root.
    private func nextPage(after response: TransportResponse, current: URL) throws(GitLabError) -> URL? {
        if let next = response.header("X-Next-Page") {
            guard let page = Int(next), page > 0, var components = URLComponents(url: current, resolvingAgainstBaseURL: false) else {
                throw GitLabError(.invalidResponse, request: label(.get, current), detail: "X-Next-Page is not a page number",
                                  token: token)
            }
            components.queryItems = (components.queryItems ?? []).filter { $0.name != "page" } + [URLQueryItem(name: "page", value: String(page))]
            return components.url
        }
        guard let link = response.header("Link"), let next = Self.nextLink(in: link) else { return nil }
        guard let url = URL(string: next), isBelowBase(url) else {
            throw GitLabError(.redirect, request: label(.get, current),
                              detail: "the next page is outside \(baseURL.absoluteString), where the token must not go", token: token)
        }
        return url
    }

    /// The target of `rel="next"` in an RFC 8288 `Link` header.
    static func nextLink(in header: String) -> String? {
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = fields.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = fields.dropFirst().contains { field in
                let pair = field.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0].lowercased() == "rel"
                    && pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ").contains("next")
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }

    private func error(for response: TransportResponse, request: String) -> GitLabError {
        let kind: GitLabError.Kind = switch response.status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 429: .rateLimited
        case 500...: .serverError
        case 400..<500: .rejected
        default: .invalidResponse
        }
        let message = GitLabErrorBody.message(from: response.body) ?? ""
        return GitLabError(kind, request: request, status: response.status, detail: message, token: token)
    }

    private func encode(_ body: some Encodable, request: String) throws(GitLabError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return token.redact(try encoder.encode(body))
        } catch {
            throw GitLabError(.configuration, request: request, detail: "cannot encode the request body", token: token)
        }
    }

    private func decode<Reply: Decodable>(_ type: Reply.Type, _ response: TransportResponse, request: String) throws(GitLabError) -> Reply {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch let DecodingError.keyNotFound(key, context) {
            throw invalid(request, "no '\(key.stringValue)' at \(Self.place(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw invalid(request, "unexpected value at \(Self.place(context.codingPath))")
        } catch {
            throw invalid(request, "the reply is not the JSON expected")
        }
    }

    private func invalid(_ request: String, _ detail: String) -> GitLabError {
        GitLabError(.invalidResponse, request: request, detail: detail, token: token)
    }

    private static func place(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    private static func seconds(_ value: TimeInterval) -> String {
        value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s"
    }

    /// A transport error in words, without its user info (which may hold the URL and more).
    private static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            return "network error \(urlError.code.rawValue)"
                + (urlError.code == .timedOut ? " (timed out)" : urlError.code == .cannotConnectToHost ? " (connection refused)" : "")
        }
        return String(describing: type(of: error))
    }
}

extension GitLabError {
    /// The same failure, saying how many attempts were made and, optionally, why the client stopped.
    func after(attempts: Int, token: GitLabToken, note: String? = nil) -> GitLabError {
        let parts = [detail.isEmpty ? nil : detail, "\(attempts) attempt\(attempts == 1 ? "" : "s")", note].compactMap { $0 }
        return GitLabError(kind, request: request, status: status, detail: parts.joined(separator: "; "), token: token)
    }
}

/// Resumes a continuation with the first outcome it is given and ignores the rest.
private final class FirstOutcome<Outcome: Sendable>: Sendable {
    private let continuation: Locked<CheckedContinuation<Outcome, Never>?>

    init(_ continuation: CheckedContinuation<Outcome, Never>) {
        self.continuation = Locked(continuation)
    }

    func finish(_ outcome: Outcome) {
        let waiting = continuation.withLock { pending in
            defer { pending = nil }
            return pending
        }
        waiting?.resume(returning: outcome)
    }
}
