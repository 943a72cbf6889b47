import Foundation

/// A DSSE envelope (Dead Simple Signing Envelope, v1): the payload in base64, its type, and
/// signatures over the pre-authentication encoding of both, never over the base64 text.
struct DSSEEnvelope: Codable, Sendable, Equatable {
    /// One signature.
    struct Signature: Codable, Sendable, Equatable {
        /// Which key made it (`sha256:` + hex of the public key's DER); a hint, not trusted.
        var keyid: String?
        /// The signature, base64.
        var sig: String
    }

    /// The payload type of in-toto statements.
    static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// The payload, base64 (standard or URL-safe when read).
    var payload: String
    /// What the payload is.
    var payloadType: String
    /// The signatures.
    var signatures: [Signature]

    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal bytes.
    /// - Parameters:
    ///   - type: the payload type.
    ///   - body: the raw payload.
    /// - Returns: the bytes that are signed.
    static func preAuthenticationEncoding(type: String, body: Data) -> Data {
        let typeBytes = Data(type.utf8)
        var encoded = Data("DSSEv1 \(typeBytes.count) ".utf8)
        encoded += typeBytes
        encoded += Data(" \(body.count) ".utf8)
        encoded += body
        return encoded
    }

    /// Decodes base64 in the standard or the URL-safe alphabet, padded or not.
    static func decodeBase64(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}
