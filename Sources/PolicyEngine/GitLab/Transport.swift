/// Sends one HTTP request and returns the reply. The GitLab client talks to GitLab only through
/// this protocol, so retries, pagination and redaction are written once and tested against any server.
///
/// A transport does not follow redirects (the client decides whether a redirect may carry the token)
/// and does not retry. It honours task cancellation, which is how the client enforces its timeouts.
public protocol Transport: Sendable {
    /// Sends `request` and returns the reply, whatever its status code.
    /// - Parameter request: the request, with its headers and body.
    /// - Returns: the status, headers and body of the reply.
    /// - Throws: when no reply arrived (connection refused, reset, TLS failure, cancellation).
    func send(_ request: TransportRequest) async throws -> TransportResponse
}
