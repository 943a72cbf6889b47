import Crypto
import Foundation

/// Ed25519 keys in PEM: the private key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`, what
/// `openssl genpkey -algorithm ed25519` writes) and the public key as SubjectPublicKeyInfo
/// (`-----BEGIN PUBLIC KEY-----`, what `openssl pkey -pubout` writes).
///
/// Both DER forms are fixed byte strings around the 32-byte key (RFC 8410), so they are matched
/// exactly rather than parsed by a general ASN.1 reader: anything else is refused.
public enum Ed25519PEM {
    /// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
    static let privatePrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70,
                                         0x04, 0x22, 0x04, 0x20]
    /// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits, 32 bytes) }.
    static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Reads a PKCS#8 Ed25519 private key.
    /// - Parameters:
    ///   - pem: the PEM text.
    ///   - source: where it came from, for the error (never the key itself).
    /// - Returns: the key.
    /// - Throws: `AttestationError` of kind `.invalid`.
    public static func privateKey(pem: String, source: String) throws(AttestationError) -> Curve25519.Signing.PrivateKey {
        let der = try derBytes(pem: pem, label: "PRIVATE KEY", source: source)
        guard der.count == privatePrefix.count + 32, der.starts(with: privatePrefix) else {
            throw AttestationError(.invalid, "\(source): not an Ed25519 private key in PKCS#8 "
                                   + "(make one with: openssl genpkey -algorithm ed25519)")
        }
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
        } catch {
            throw AttestationError(.invalid, "\(source): the Ed25519 private key is not valid")
        }
    }

    /// Reads a SubjectPublicKeyInfo Ed25519 public key.
    /// - Parameters:
    ///   - pem: the PEM text.
    ///   - source: where it came from, for the error.
    /// - Returns: the key.
    /// - Throws: `AttestationError` of kind `.invalid`.
    public static func publicKey(pem: String, source: String) throws(AttestationError) -> Curve25519.Signing.PublicKey {
        let der = try derBytes(pem: pem, label: "PUBLIC KEY", source: source)
        guard der.count == publicPrefix.count + 32, der.starts(with: publicPrefix) else {
            throw AttestationError(.invalid, "\(source): not an Ed25519 public key in SubjectPublicKeyInfo PEM "
                                   + "(make one with: openssl pkey -in KEY -pubout)")
        }
        do {
            return try Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
        } catch {
            throw AttestationError(.invalid, "\(source): the Ed25519 public key is not valid")
        }
    }

    /// The key id written into signatures: `sha256:` and the hex SHA-256 of the SubjectPublicKeyInfo DER,
    /// the same for a key however its PEM is wrapped.
    /// - Parameter key: the public key.
    /// - Returns: the key id.
    public static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        "sha256:" + Hex.string(SHA256.hash(data: Data(publicPrefix) + key.rawRepresentation))
    }

    /// The base64 body between `-----BEGIN label-----` and `-----END label-----`, decoded.
    /// A masked CI/CD variable cannot hold the PEM's line breaks and spaces, so the base64 body alone,
    /// on one line, is accepted too.
    private static func derBytes(pem: String, label: String, source: String) throws(AttestationError) -> Data {
        let trimmed = pem.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.contains("-----"), !trimmed.isEmpty, let der = Data(base64Encoded: trimmed) {
            return der
        }
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex) else {
            throw AttestationError(.invalid, "\(source): no '\(begin)' block")
        }
        let body = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)) else {
            throw AttestationError(.invalid, "\(source): the PEM body is not base64")
        }
        return der
    }
}

/// Lower-case hex.
enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Whether `text` is ASCII hex digits only (`isHexDigit` also takes full-width forms).
    static func isHex(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) }
    }
}
