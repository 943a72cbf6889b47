import Foundation

/// One HTTP request for a `Transport`.
///
/// The headers carry the access token, so neither `description` nor a mirror (what `dump`,
/// `print` and test failure messages show) includes them.
public struct TransportRequest: Sendable, CustomStringConvertible, CustomReflectable {
    /// The HTTP methods the GitLab client uses.
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"

        /// Whether sending the request twice has the same effect as sending it once.
        var isIdempotent: Bool { self != .post }
    }

    /// The method.
    var method: Method
    /// The full URL, query included.
    @_spi(Fuzzing) public var url: URL
    /// Header fields. Never printed.
    var headers: [String: String]
    /// The body, for POST and PUT.
    var body: Data?
    /// Seconds the transport may wait for the reply.
    var timeout: TimeInterval

    /// Creates a request.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - url: the full URL.
    ///   - headers: header fields (the token among them).
    ///   - body: the body, if any.
    ///   - timeout: seconds to wait for the reply.
    public init(method: Method, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: TimeInterval = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// `GET https://…/notes?page=2`: method and URL only.
    public var description: String { "\(method.rawValue) \(url.absoluteString)" }

    /// A mirror without headers or body.
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url], displayStyle: .struct)
    }
}
