import Foundation
import Crypto

/// SHA-256 as lowercase hex, the form every digest the gate records takes.
enum SHA256Hex {
    static func of<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        SHA256.hash(data: bytes).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
