/// Why a GitLab call failed, in words safe to print.
///
/// It holds no request, header or body, only text that went through the token's redaction when
/// the error was made (the only initializer requires the token), so it cannot carry the token.
public struct GitLabError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable {
        /// 401: the token was refused.
        case unauthorized
        /// 403: the token lacks a scope or a role.
        case forbidden
        /// 404: the project, merge request or object does not exist for this token.
        case notFound
        /// Another 4xx: GitLab rejected the request (validation, conflict).
        case rejected
        /// 429 after every retry.
        case rateLimited
        /// 5xx after every retry.
        case serverError
        /// No reply within the request timeout.
        case timeout
        /// The client's total time ran out.
        case outOfTime
        /// No reply at all: connection refused, reset, TLS or DNS failure.
        case network
        /// A redirect the client would not follow.
        case redirect
        /// A reply that could not be read.
        case invalidResponse
        /// A list longer than the client reads.
        case tooManyPages
        /// The task was cancelled.
        case cancelled
        /// The client cannot be set up (bad base URL).
        case configuration
    }

    /// The kind of failure.
    public let kind: Kind
    /// `METHOD /path` of the call, relative to the API root, without query (never a header).
    let request: String
    /// The HTTP status, when a reply arrived.
    let status: Int?
    /// What the server or the network said, redacted.
    let detail: String

    /// Creates an error; every text is redacted with `token` here, once.
    /// - Parameters:
    ///   - kind: the kind of failure.
    ///   - request: `METHOD /path`.
    ///   - status: the HTTP status, if any.
    ///   - detail: what went wrong.
    ///   - token: the token to remove from the texts.
    init(_ kind: Kind, request: String, status: Int? = nil, detail: String, token: GitLabToken) {
        self.kind = kind
        self.request = token.redact(request)
        self.status = status
        self.detail = token.redact(detail)
    }

    /// Whether later calls with the same token would fail the same way (so the annotator stops).
    var stopsAnnotation: Bool {
        [.unauthorized, .outOfTime, .cancelled, .configuration].contains(kind)
    }

    /// One line: what was called, what came back, and what to do.
    public var description: String {
        let said = detail.isEmpty ? "" : ": \(detail)"
        switch kind {
        case .unauthorized:
            return "GitLab refused the token (401) for \(request)\(said); the token is missing, expired or revoked, "
                + "or is not an access token"
        case .forbidden:
            return "GitLab answered 403 to \(request)\(said); the token needs the api scope and at least the Developer role"
        case .notFound:
            return "GitLab answered 404 to \(request)\(said)"
        case .rejected, .rateLimited, .serverError:
            return "GitLab answered \(status.map(String.init) ?? "an error") to \(request)\(said)"
        case .timeout:
            return "GitLab did not answer \(request) in time\(said)"
        case .outOfTime:
            return "gave up on \(request)\(said)"
        case .network:
            return "cannot reach GitLab for \(request)\(said)"
        case .redirect:
            return "not following a redirect from \(request)\(said)"
        case .invalidResponse:
            return "cannot read GitLab's reply to \(request)\(said)"
        case .tooManyPages:
            return "too many pages from \(request)\(said)"
        case .cancelled:
            return "\(request) was cancelled"
        case .configuration:
            return "cannot call GitLab\(said)"
        }
    }
}
