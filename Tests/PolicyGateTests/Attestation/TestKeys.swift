import Foundation
import TestSupport

/// An Ed25519 key pair made by `openssl genpkey -algorithm ed25519` in a scratch folder, as an
/// operator makes one: the private key as PKCS#8 PEM, the public key as SubjectPublicKeyInfo PEM.
struct TestKeys {
    let privatePath: String
    let publicPath: String

    var privatePEM: String { (try? String(contentsOfFile: privatePath, encoding: .utf8)) ?? "" }

    /// The private key's base64 body on one line, the form a masked variable can hold.
    var privateBase64Line: String {
        privatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    static func generate(in scratch: ScratchDirectory, name: String = "signing") throws -> TestKeys {
        let keys = TestKeys(privatePath: scratch.path + "/\(name).pem", publicPath: scratch.path + "/\(name).pub.pem")
        try openssl(["genpkey", "-algorithm", "ed25519", "-out", keys.privatePath])
        try openssl(["pkey", "-in", keys.privatePath, "-pubout", "-out", keys.publicPath])
        return keys
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OpenSSLFailed(arguments: arguments) }
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "openssl \(arguments.first ?? "") failed (is openssl installed?)" }
    }
}
