import Foundation

/// The reply to a `TransportRequest`.
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    var status: Int
    /// Header fields, names in lower case.
    var headers: [String: String]
    /// The body.
    var body: Data

    /// Creates a reply.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - headers: header fields; names are stored in lower case.
    ///   - body: the body.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        self.body = body
    }

    /// The value of a header field, by case-insensitive name; `nil` when absent or blank.
    /// - Parameter name: the field name.
    /// - Returns: the trimmed value, or `nil`.
    func header(_ name: String) -> String? {
        guard let value = headers[name.lowercased()]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }
}
