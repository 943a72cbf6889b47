import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate verify`: checks a signed decision written by `--attest`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed decision (--attest): its signature, statement, commit and that it passed.",
        discussion: """
        Exit codes: 0 authentic and passed for the commit; 1 authentic but blocked, or about another \
        commit; 2 not authentic or not readable (bad signature, wrong key, changed payload, wrong types).
        """)

    @Option(name: .long, help: ArgumentHelp("The DSSE envelope --attest wrote.", valueName: "FILE"))
    var attestation: String

    @Option(name: .long, help: ArgumentHelp("The Ed25519 public key, SubjectPublicKeyInfo PEM.", valueName: "FILE"))
    var publicKey: String

    @Option(name: .long, help: ArgumentHelp("The commit the decision must be about (full SHA).", valueName: "SHA"))
    var commit: String?

    func validate() throws {
        if let commit, !DecisionAttestation.isCommitID(commit) {
            throw ValidationError("--commit takes a full commit SHA (40 or 64 hex digits)")
        }
    }

    func run() throws {
        try GateExit.guarded {
            guard let keyData = FileManager.default.contents(atPath: publicKey) else {
                throw AttestationError(.invalid, "\(publicKey): cannot read the public key")
            }
            guard let envelope = FileManager.default.contents(atPath: attestation) else {
                throw AttestationError(.invalid, "\(attestation): cannot read the attestation")
            }
            let key = try Ed25519PEM.publicKey(pem: String(decoding: keyData, as: UTF8.self), source: publicKey)
            let verified: DecisionAttestation.Verified
            do throws(AttestationError) {
                verified = try DecisionAttestation.verify(envelope: envelope, key: key, commit: commit)
            } catch {
                print("\(error.kind == .rejected ? "rejected" : "not verified"): \(attestation): \(error)")
                return error.kind == .rejected ? GateExit.blocked : GateExit.couldNotDecide
            }
            let about = commit.map { String($0.prefix(12)) } ?? verified.commits.map { String($0.prefix(12)) }.joined(separator: ", ")
            guard verified.decision != Decision.block.rawValue else {
                print("rejected: \(attestation): authentic, but policy-gate \(verified.stage) blocked commit \(about) "
                      + "(key \(verified.keyID))")
                return GateExit.blocked
            }
            print("verified: \(attestation): policy-gate \(verified.stage) \(verified.decision == "warn" ? "passed with warnings" : "passed") "
                  + "for commit \(about) (key \(verified.keyID))")
            return GateExit.pass
        }
    }
}
