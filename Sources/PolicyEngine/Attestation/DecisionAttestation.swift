import Crypto
import Foundation

/// A signed decision: an in-toto Statement v1 about the commit and the files a stage decided on,
/// whose predicate is the stage's JSON audit record, in a DSSE envelope signed with Ed25519
/// (`docs/attestation.md`).
public enum DecisionAttestation {
    /// The in-toto statement type.
    static let statementType = "https://in-toto.io/Statement/v1"
    /// The predicate type: a policy-gate audit record (`docs/audit-record.md`).
    static let predicateType = "https://policy-gate.dev/attestation/decision/v1"
    /// The masked CI/CD variable holding the PKCS#8 PEM private key.
    public static let signingKeyVariable = "POLICY_GATE_SIGNING_KEY"

    /// One subject of the statement.
    public struct Subject: Codable, Sendable, Equatable {
        /// What it is: `git-commit:head`, `git-commit:pipeline`, `transcript`, or a file path.
        public var name: String
        /// Algorithm to hex digest: `gitCommit` for commits, `sha256` for files.
        var digest: [String: String]

        /// Creates a subject.
        public init(name: String, digest: [String: String]) {
            self.name = name
            self.digest = digest
        }
    }

    struct Statement: Codable {
        var type: String
        var subject: [Subject]
        var predicateType: String
        var predicate: JSONValue

        enum CodingKeys: String, CodingKey {
            case type = "_type", subject, predicateType, predicate
        }
    }

    /// The subjects for a report: the commit it decided on (`inputs.head`, else `inputs.baseline`), the
    /// pipeline's commit when it differs, the transcript's digest, and the digests of `files`.
    /// - Parameters:
    ///   - report: the stage's report.
    ///   - files: extra files to name (the agent's bundle), path and SHA-256 hex.
    /// - Returns: the subjects, commits first.
    public static func subjects(for report: GateReport, files: [(path: String, sha256: String)]) -> [Subject] {
        var subjects: [Subject] = []
        let head = [report.inputs["head"], report.inputs["baseline"]].compactMap { $0 }.first(where: isCommitID)
        if let head { subjects.append(Subject(name: "git-commit:head", digest: ["gitCommit": head.lowercased()])) }
        if let pipeline = report.ci.statusSHA, isCommitID(pipeline), pipeline.lowercased() != head?.lowercased() {
            subjects.append(Subject(name: "git-commit:pipeline", digest: ["gitCommit": pipeline.lowercased()]))
        }
        if let transcript = report.inputs["transcript_sha256"], isSHA256(transcript) {
            subjects.append(Subject(name: "transcript", digest: ["sha256": transcript]))
        }
        for file in files {
            subjects.append(Subject(name: file.path, digest: ["sha256": file.sha256]))
        }
        return subjects
    }

    /// Signs the audit record of a stage.
    /// - Parameters:
    ///   - auditRecord: the JSON audit record exactly as written (`AuditRecordReporter.render`).
    ///   - subjects: what the statement is about; it must name a commit.
    ///   - key: the signing key.
    /// - Returns: the DSSE envelope as JSON text.
    /// - Throws: `AttestationError` when there is no commit to name or the record is not JSON.
    public static func sign(auditRecord: String, subjects: [Subject],
                            key: Curve25519.Signing.PrivateKey) throws(AttestationError) -> String {
        guard subjects.contains(where: { $0.digest["gitCommit"] != nil }) else {
            throw AttestationError(.invalid, "--attest: no commit to attest (the stage named no head commit and CI_COMMIT_SHA is not set)")
        }
        let predicate: JSONValue
        do {
            let bytes = Array(auditRecord.utf8)
            var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
            predicate = try parser.parseDocument()
        } catch {
            throw AttestationError(.invalid, "--attest: the audit record is not JSON")
        }
        let body: Data
        let signature: Data
        do {
            body = try compactJSON(Statement(type: statementType, subject: subjects, predicateType: predicateType,
                                             predicate: predicate))
            signature = try key.signature(for: DSSEEnvelope.preAuthenticationEncoding(type: DSSEEnvelope.inTotoPayloadType,
                                                                                    body: body))
        } catch {
            throw AttestationError(.invalid, "--attest: cannot sign the statement")
        }
        let envelope = DSSEEnvelope(payload: body.base64EncodedString(), payloadType: DSSEEnvelope.inTotoPayloadType,
                                    signatures: [.init(keyid: Ed25519PEM.keyID(key.publicKey), sig: signature.base64EncodedString())])
        do {
            return String(decoding: try JSONEncoding.encode(envelope), as: UTF8.self) + "\n"
        } catch {
            throw AttestationError(.invalid, "--attest: cannot encode the envelope")
        }
    }

    /// What a verified attestation says.
    public struct Verified: Sendable, Equatable {
        /// `pre` or `post`.
        public var stage: String
        /// `pass`, `warn` or `block`.
        public var decision: String
        /// The commits it names (`gitCommit` digests).
        public var commits: [String]
        /// The key id of the key that verified it.
        public var keyID: String
        /// The audit record's `ci.job_url`, when present.
        var jobURL: String?
    }

    /// Verifies an envelope and reads its decision, without judging the decision.
    ///
    /// Checked, in order: the envelope's shape and payload type, a signature by `key` over the
    /// pre-authentication encoding, the statement type, the predicate type, that a commit is named
    /// (`commit`, when given, among them), and that the predicate is an audit record with a decision.
    /// - Parameters:
    ///   - envelope: the envelope's JSON.
    ///   - key: the public key it must be signed with.
    ///   - commit: the commit it must name, if any.
    /// - Returns: what it says.
    /// - Throws: `AttestationError`: `.invalid` when it is not authentic or not readable, `.rejected`
    ///   when it is authentic but names other commits.
    public static func verify(envelope: Data, key: Curve25519.Signing.PublicKey, commit: String?) throws(AttestationError) -> Verified {
        guard let parsed = try? JSONDecoder().decode(DSSEEnvelope.self, from: envelope) else {
            throw AttestationError(.invalid, "not a DSSE envelope (payload, payloadType and signatures are required)")
        }
        guard parsed.payloadType == DSSEEnvelope.inTotoPayloadType else {
            throw AttestationError(.invalid, "payloadType is '\(clip(parsed.payloadType))', not \(DSSEEnvelope.inTotoPayloadType)")
        }
        guard let body = DSSEEnvelope.decodeBase64(parsed.payload) else {
            throw AttestationError(.invalid, "the payload is not base64")
        }
        let signed = DSSEEnvelope.preAuthenticationEncoding(type: parsed.payloadType, body: body)
        let authentic = parsed.signatures.contains { signature in
            DSSEEnvelope.decodeBase64(signature.sig).map { key.isValidSignature($0, for: signed) } ?? false
        }
        guard authentic else {
            throw AttestationError(.invalid, parsed.signatures.isEmpty ? "the envelope has no signature"
                                   : "no signature matches the public key \(Ed25519PEM.keyID(key)) (wrong key, or the payload was changed)")
        }
        guard let statement = try? JSONDecoder().decode(Statement.self, from: body) else {
            throw AttestationError(.invalid, "the signed payload is not an in-toto statement")
        }
        guard statement.type == statementType else {
            throw AttestationError(.invalid, "the statement type is '\(clip(statement.type))', not \(statementType)")
        }
        guard statement.predicateType == predicateType else {
            throw AttestationError(.invalid, "the predicate type is '\(clip(statement.predicateType))', not \(predicateType)")
        }
        let commits = statement.subject.compactMap { $0.digest["gitCommit"] }.filter(isCommitID).map { $0.lowercased() }
        guard !commits.isEmpty else {
            throw AttestationError(.invalid, "the statement names no commit")
        }
        guard let stage = statement.predicate["stage"]?.stringValue,
              let decision = statement.predicate["decision"]?.stringValue, Decision(rawValue: decision) != nil else {
            throw AttestationError(.invalid, "the predicate is not a policy-gate audit record (no stage or decision)")
        }
        let verified = Verified(stage: stage, decision: decision, commits: commits, keyID: Ed25519PEM.keyID(key),
                                jobURL: statement.predicate["ci"]?["job_url"]?.stringValue)
        if let commit, !commits.contains(commit.lowercased()) {
            throw AttestationError(.rejected, "the attestation is about commit \(commits.map { String($0.prefix(12)) }.joined(separator: ", ")), "
                                   + "not \(clip(commit))")
        }
        return verified
    }

    /// Whether `text` is a full SHA-1 or SHA-256 commit id in hex.
    public static func isCommitID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && Hex.isHex(text)
    }

    /// The hex SHA-256 of a file's bytes, for a subject.
    public static func sha256(_ data: Data) -> String {
        Hex.string(SHA256.hash(data: data))
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && Hex.isHex(text)
    }

    /// Compact JSON with sorted keys: the bytes that are signed.
    private static func compactJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Attacker-controlled text, shortened and on one line, for messages.
    private static func clip(_ text: String) -> String {
        let line = String(text.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        return line.count > 80 ? String(line.prefix(80)) + "…" : line
    }
}
