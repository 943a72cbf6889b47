import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct ReporterTests {
    static let report = GateReport(
        stage: .post,
        findings: [
            Finding(rule: "secrets.leak", action: .block, message: "GitLab token in an added line", location: .init(path: "app/a.py", line: 3),
                    secretRule: "gitlab-pat", evidence: "glpa…#1234abcd", fingerprint: "abc:app/a.py:gitlab-pat:3"),
            Finding(rule: "secrets.leak", action: .block, message: "GitLab token in an added line", location: .init(path: "app/a.py", line: 9),
                    secretRule: "gitlab-pat", evidence: "glpa…#1234abcd", fingerprint: "abc:app/a.py:gitlab-pat:9"),
            Finding(rule: "diff.too-large", action: .warn, message: "300 files changed (max_changed_files: 200)"),
            Finding(rule: "transcript.dangerous-command", action: .block, message: "network-access: <curl> & \"quotes\" \u{1}",
                    location: .init(path: "t.jsonl", line: 7)),
        ],
        evaluatedRules: [("secrets.leak", .block), ("diff.too-large", .warn), ("transcript.dangerous-command", .block),
                         ("workspace.submodule", .off), ("workspace.symlink-escape", .block)],
        policySource: "built-in", policySHA256: "00", inputs: ["base": "b", "head": String(repeating: "a", count: 40)])

    private func validate(_ json: String, schema: String) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString + ".json")
        try Data(json.utf8).write(to: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); document = json.load(open(sys.argv[2]))
        jsonschema.validators.validator_for(schema)(schema).validate(document)
        """, PackagePaths.fixtures + "/" + schema, scratch.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "schema validation failed (needs python3 with jsonschema): \(message.suffix(600))")
    }

    @Test func sarifIsValidAgainstTheSchema() throws {
        let sarif = try ReportKind.sarif.render(Self.report, startTime: "", endTime: "")
        try validate(sarif, schema: "sarif-schema-2.1.0.json")
        let log = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
        let run = (log?["runs"] as? [[String: Any]])?.first
        let rules = ((run?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]
        #expect(rules?.count == 5)
        #expect((run?["results"] as? [Any])?.count == 4)
    }

    @Test func secretDetectionReportIsValidAndRedacted() throws {
        let text = try ReportKind.secretDetection.render(Self.report, startTime: "2026-01-01T10:00:00", endTime: "2026-01-01T10:00:05")
        try validate(text, schema: "secret-detection-report-15.2.schema.json")
        let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let vulnerabilities = document?["vulnerabilities"] as? [[String: Any]] ?? []
        #expect(vulnerabilities.count == 2)
        #expect(Set(vulnerabilities.compactMap { $0["id"] as? String }).count == 2)
        #expect(vulnerabilities.allSatisfy { ($0["raw_source_code_extract"] as? String) == "glpa…#1234abcd" })
    }

    @Test func codeQualityFingerprintsAreUnique() throws {
        let text = try ReportKind.codequality.render(Self.report, startTime: "", endTime: "")
        let issues = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
        #expect(issues.count == 4)
        #expect(Set(issues.compactMap { $0["fingerprint"] as? String }).count == 4)
        #expect(issues.allSatisfy { (($0["location"] as? [String: Any])?["lines"] as? [String: Any])?["begin"] as? Int ?? 0 >= 1 })
        #expect(Set(issues.compactMap { $0["severity"] as? String }) == ["major", "minor"])
    }

    @Test func junitParsesWithOneCasePerRule() throws {
        let xml = JUnitReporter.render(Self.report)
        let delegate = CaseCounter()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(delegate.cases == 5)
        #expect(delegate.failures == 2)
        #expect(delegate.skipped == 1)
    }

    @Test func auditRecordCarriesDecisionPolicyAndSortedFindings() throws {
        let text = try ReportKind.json.render(Self.report, startTime: "", endTime: "")
        let record = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(record?["decision"] as? String == "block")
        #expect(record?["stage"] as? String == "post")
        #expect(record?["schema_version"] as? Int == 1)
        #expect((record?["policy"] as? [String: Any])?["sha256"] as? String == "00")
        let actions = (record?["findings"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
        #expect(actions == ["block", "block", "block", "warn"])
    }

    @Test func consoleLinesNameLocationActionAndRule() {
        let text = ConsoleReporter.render(Self.report)
        #expect(text.contains("app/a.py:3: block [secrets.leak] GitLab token in an added line (glpa…#1234abcd)"))
        #expect(text.contains("policy-gate post: block — 3 blocking, 1 warning"))
        #expect(!text.contains("\u{1B}["))
        let sectioned = ConsoleReporter.render(Self.report, style: .init(color: true, gitLabSections: true, timestamp: 5))
        #expect(sectioned.contains("section_start:5:policy_gate_post"))
        #expect(sectioned.contains("\u{1B}[31mblock\u{1B}[0m"))
    }
}

private final class CaseCounter: NSObject, XMLParserDelegate {
    var cases = 0
    var failures = 0
    var skipped = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "testcase": cases += 1
        case "failure": failures += 1
        case "skipped": skipped += 1
        default: break
        }
    }
}
