import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// A tool call in `dangerous-stream.jsonl` and what the audit must make of it.
struct AuditExpectation: Sendable, CustomTestStringConvertible {
    let toolUseID: String
    /// Finding kinds for Bash calls; `secret-file` and `outside-workspace` for file tools.
    let labels: Set<String>
    var testDescription: String { toolUseID }
}

/// Reads the fixture and audits every call the way the `transcript.*` rules will.
@Suite("Dangerous transcript")
struct DangerousTranscriptTests {
    static let expectations: [AuditExpectation] = [
        AuditExpectation(toolUseID: "toolu_read_key", labels: ["secret-file", "outside-workspace"]),
        AuditExpectation(toolUseID: "toolu_write_hosts", labels: ["outside-workspace"]),
        AuditExpectation(toolUseID: "toolu_b01", labels: ["file-upload"]),
        AuditExpectation(toolUseID: "toolu_b02", labels: ["network-access", "fetch-and-execute"]),
        AuditExpectation(toolUseID: "toolu_b03", labels: ["obfuscated-execution"]),
        AuditExpectation(toolUseID: "toolu_b04", labels: ["git-force-push"]),
        AuditExpectation(toolUseID: "toolu_b05", labels: ["git-push-other-remote"]),
        AuditExpectation(toolUseID: "toolu_b06", labels: ["destructive-delete", "path-outside-workspace"]),
        AuditExpectation(toolUseID: "toolu_b07", labels: ["destructive-delete", "path-outside-workspace"]),
        AuditExpectation(toolUseID: "toolu_b08", labels: []),
        AuditExpectation(toolUseID: "toolu_b09", labels: ["network-access", "path-outside-workspace"]),
        AuditExpectation(toolUseID: "toolu_b10", labels: ["network-access", "fetch-and-execute"]),
        AuditExpectation(toolUseID: "toolu_b11", labels: []),
        AuditExpectation(toolUseID: "toolu_b12", labels: []),
        AuditExpectation(toolUseID: "toolu_read_ok", labels: []),
    ]

    @Test("the fixture reads cleanly and holds every expected call")
    func fixtureIsComplete() throws {
        let transcript = try TranscriptReader.read(data: try Fixture.data("dangerous-stream.jsonl"), name: "dangerous")
        #expect(transcript.problems.isEmpty)
        #expect(transcript.toolCalls.map(\.id) == Self.expectations.map(\.toolUseID))
    }

    @Test("each call is classified right", arguments: expectations)
    func classify(_ expectation: AuditExpectation) throws {
        let transcript = try TranscriptReader.read(data: try Fixture.data("dangerous-stream.jsonl"), name: "dangerous")
        let call = try #require(transcript.toolCall(id: expectation.toolUseID))
        let root = try #require(transcript.initEvent?.cwd)
        var labels: Set<String> = []
        if let command = call.command {
            let analyzer = BashCommandAnalyzer(workspaceRoot: root, allowedHosts: ["gitlab.example.com"], home: "/root")
            labels = Set(analyzer.analyze(command).findings.map(\.kind.rawValue))
        } else if let path = call.filePath {
            if SecretFilePath.isSecretFile(path, home: "/root") != nil { labels.insert("secret-file") }
            if !PathScope.isInside(PathScope.resolve(path, cwd: root, home: "/root"), root: root) {
                labels.insert("outside-workspace")
            }
        }
        #expect(labels == expectation.labels)
    }
}
