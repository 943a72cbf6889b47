import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

@Suite struct DecisionAttestationTests {
    @Test func preAuthenticationEncodingFollowsTheDSSEVector() {
        let encoded = DSSEEnvelope.preAuthenticationEncoding(type: "http://example.com/HelloWorld", body: Data("hello world".utf8))
        #expect(String(decoding: encoded, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        // Lengths are bytes, not characters.
        let multibyte = DSSEEnvelope.preAuthenticationEncoding(type: "t", body: Data("é".utf8))
        #expect(String(decoding: multibyte, as: UTF8.self) == "DSSEv1 1 t 2 é")
    }

    @Test func subjectsNameTheHeadThePipelineCommitTheTranscriptAndFiles() {
        var environment = ["CI_COMMIT_SHA": String(repeating: "b", count: 40)]
        environment["CI_PROJECT_ID"] = "7"
        let report = GateReport(stage: .post, findings: [], evaluatedRules: [], policySource: "built-in",
                                policySHA256: String(repeating: "0", count: 64),
                                inputs: ["head": String(repeating: "A", count: 40), "base": String(repeating: "c", count: 40),
                                         "transcript_sha256": String(repeating: "d", count: 64)],
                                ci: CIContext(environment: environment))
        let subjects = DecisionAttestation.subjects(for: report, files: [(".policy-gate/agent.bundle", String(repeating: "e", count: 64))])
        #expect(subjects == [
            .init(name: "git-commit:head", digest: ["gitCommit": String(repeating: "a", count: 40)]),
            .init(name: "git-commit:pipeline", digest: ["gitCommit": String(repeating: "b", count: 40)]),
            .init(name: "transcript", digest: ["sha256": String(repeating: "d", count: 64)]),
            .init(name: ".policy-gate/agent.bundle", digest: ["sha256": String(repeating: "e", count: 64)]),
        ])
    }

    @Test func aWorkingTreeHeadIsNotACommit() {
        let report = GateReport(stage: .post, findings: [], evaluatedRules: [], policySource: "built-in", policySHA256: "",
                                inputs: ["head": "working tree"])
        #expect(DecisionAttestation.subjects(for: report, files: []).isEmpty)
        #expect(!DecisionAttestation.isCommitID("１２３４５６７８９０１２３４５６７８９０１２３４５６７８９０１２３４５６７８９０"))
        #expect(DecisionAttestation.isCommitID(String(repeating: "f", count: 64)))
    }

    @Test func keysInOtherFormsAreRefused() {
        let rsaLike = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n"
        #expect(throws: AttestationError.self) { try Ed25519PEM.privateKey(pem: rsaLike, source: "test") }
        #expect(throws: AttestationError.self) { try Ed25519PEM.publicKey(pem: "not a key", source: "test") }
    }
}
