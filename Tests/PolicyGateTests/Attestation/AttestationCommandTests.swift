import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing
import TestSupport

/// `--attest` and `policy-gate verify`, with the built binary and keys made by openssl.
@Suite struct AttestationCommandTests {
    static let passing = "claude -p 'fix the test' --permission-mode dontAsk --allowedTools 'Read,Edit,Bash(swift test:*)'"
    static let blocked = "claude -p 'fix the test' --permission-mode acceptEdits --allowedTools 'Bash(*) Read'"

    struct Setup {
        let scratch: ScratchDirectory
        let keys: TestKeys
        let commit: String
        var attestation: String { scratch.path + "/out/pre-attestation.json" }
        var record: String { scratch.path + "/out/pre-audit.json" }
    }

    private func setup() throws -> Setup {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let commit = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        return Setup(scratch: scratch, keys: try TestKeys.generate(in: scratch), commit: commit)
    }

    private func pre(_ setup: Setup, command: String, key: String?) async throws -> GateProcess.Outcome {
        try await GateProcess.runOffPool(["pre", "--repo", setup.scratch.path, "--state", setup.scratch.path + "/state.json",
                             "--claude-args", command, "--report", "json=" + setup.record, "--attest", setup.attestation],
                            environment: key.map { [DecisionAttestation.signingKeyVariable: $0] } ?? [:])
    }

    private func verify(_ setup: Setup, attestation: String? = nil, publicKey: String? = nil,
                        commit: String?) async throws -> GateProcess.Outcome {
        var arguments = ["verify", "--attestation", attestation ?? setup.attestation, "--public-key", publicKey ?? setup.keys.publicPath]
        if let commit { arguments += ["--commit", commit] }
        return try await GateProcess.runOffPool(arguments)
    }

    private func envelope(_ path: String) throws -> (envelope: PolicyEngine.JSONValue, statement: PolicyEngine.JSONValue) {
        let envelope = try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let payload = try #require(Data(base64Encoded: envelope["payload"]?.stringValue ?? ""))
        return (envelope, try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: payload))
    }

    @Test func aSignedPassVerifiesForItsCommit() async throws {
        let setup = try setup()
        let run = try await pre(setup, command: Self.passing, key: setup.keys.privatePEM)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("signed attestation written to"))

        let (envelope, statement) = try envelope(setup.attestation)
        #expect(envelope["payloadType"]?.stringValue == "application/vnd.in-toto+json")
        #expect(envelope["signatures"]?[0]?["keyid"]?.stringValue?.hasPrefix("sha256:") == true)
        #expect(statement["_type"]?.stringValue == "https://in-toto.io/Statement/v1")
        #expect(statement["predicateType"]?.stringValue == DecisionAttestation.predicateType)
        #expect(statement["subject"]?[0]?["digest"]?["gitCommit"]?.stringValue == setup.commit)
        // The predicate is the audit record as written next to it.
        let record = try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: setup.record)))
        #expect(statement["predicate"] == record)

        let verified = try await verify(setup, commit: setup.commit)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("verified: "))
        // With warnings: a pre on its own cannot know the agent gets the live hook (agent.live-enforcement).
        #expect(verified.stdout.contains("policy-gate pre passed with warnings for commit \(setup.commit.prefix(12))"))
        #expect(verified.stdout.split(separator: "\n").count == 1)
        #expect(try await verify(setup, commit: nil).status == 0)
    }

    @Test func theKeyMayBeItsBase64BodyOnOneLineOrAFile() async throws {
        let setup = try setup()
        #expect(try await pre(setup, command: Self.passing, key: setup.keys.privateBase64Line).status == 0)
        #expect(try await verify(setup, commit: setup.commit).status == 0)
        #expect(try await pre(setup, command: Self.passing, key: setup.keys.privatePath).status == 0)
        #expect(try await verify(setup, commit: setup.commit).status == 0)
    }

    @Test func aChangedPayloadDoesNotVerify() async throws {
        let setup = try setup()
        #expect(try await pre(setup, command: Self.blocked, key: setup.keys.privatePEM).status == 1)
        // The attacker turns the blocked decision into a pass and keeps the signature.
        var (envelope, statement) = try envelope(setup.attestation)
        guard case .object(var predicate) = statement["predicate"], case .object(var members) = statement,
              case .object(var outer) = envelope else { Issue.record("unexpected shapes"); return }
        predicate["decision"] = .string("pass")
        predicate["findings"] = .array([])
        members["predicate"] = .object(predicate)
        statement = .object(members)
        outer["payload"] = .string(Data(statement.serialized().utf8).base64EncodedString())
        let forged = setup.scratch.path + "/forged.json"
        try PolicyEngine.JSONValue.object(outer).serialized().write(toFile: forged, atomically: true, encoding: .utf8)

        let result = try await verify(setup, attestation: forged, commit: setup.commit)
        #expect(result.status == 2)
        #expect(result.stdout.hasPrefix("not verified: "))
        #expect(result.stdout.contains("no signature matches the public key"))
    }

    @Test func aSignatureByAnotherKeyDoesNotVerify() async throws {
        let setup = try setup()
        let other = try TestKeys.generate(in: setup.scratch, name: "other")
        #expect(try await pre(setup, command: Self.passing, key: other.privatePEM).status == 0)
        let result = try await verify(setup, commit: setup.commit)
        #expect(result.status == 2)
        #expect(result.stdout.contains("no signature matches the public key"))
        #expect(try await verify(setup, publicKey: other.publicPath, commit: setup.commit).status == 0)
    }

    @Test func anAttestationOfAnotherCommitIsRejected() async throws {
        let setup = try setup()
        #expect(try await pre(setup, command: Self.passing, key: setup.keys.privatePEM).status == 0)
        let result = try await verify(setup, commit: String(repeating: "a", count: 40))
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("rejected: "))
        #expect(result.stdout.contains("not aaaaaaaa"))
    }

    @Test func aBlockedDecisionIsRejected() async throws {
        let setup = try setup()
        #expect(try await pre(setup, command: Self.blocked, key: setup.keys.privatePEM).status == 1)
        let result = try await verify(setup, commit: setup.commit)
        #expect(result.status == 1)
        #expect(result.stdout.contains("authentic, but policy-gate pre blocked commit"))
    }

    @Test func withoutAUsableKeyTheGateCannotDecide() async throws {
        let setup = try setup()
        let missing = try await pre(setup, command: Self.passing, key: nil)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("POLICY_GATE_SIGNING_KEY is not set"))
        #expect(!FileManager.default.fileExists(atPath: setup.attestation))
        // A public key where the private key belongs: refused, and the PEM is never echoed.
        let publicPEM = try String(contentsOfFile: setup.keys.publicPath, encoding: .utf8)
        let wrong = try await pre(setup, command: Self.passing, key: publicPEM)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("no '-----BEGIN PRIVATE KEY-----' block"))
        let body = setup.keys.privateBase64Line
        #expect(!wrong.allOutput.contains(body) && !missing.allOutput.contains(body))
    }

    @Test func verifyRefusesBadInputWithOneLine() async throws {
        let setup = try setup()
        try setup.scratch.write("garbage.json", "{\"payload\": 3}")
        let garbage = try await verify(setup, attestation: setup.scratch.path + "/garbage.json", commit: nil)
        #expect(garbage.status == 2)
        #expect(garbage.stdout.contains("not a DSSE envelope"))
        let missing = try await verify(setup, attestation: setup.scratch.path + "/absent.json", commit: nil)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the attestation"))
        let badCommit = try await GateProcess.runOffPool(["verify", "--attestation", "x", "--public-key", "y", "--commit", "main"])
        #expect(badCommit.status == 64)
    }
}
