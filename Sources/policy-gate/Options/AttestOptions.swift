import ArgumentParser
import Foundation
import PolicyEngine

/// `--attest PATH`: a signed decision (DSSE envelope around an in-toto statement whose predicate is
/// the audit record), signed with the Ed25519 key in `POLICY_GATE_SIGNING_KEY`.
struct AttestOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Write a signed attestation of the decision (DSSE, in-toto Statement v1) to PATH.",
        discussion: "Signed with the Ed25519 private key in POLICY_GATE_SIGNING_KEY (PKCS#8 PEM, its base64 body on one "
            + "line, or the path of a file variable). Without a usable key the gate exits 2.",
        valueName: "PATH"))
    var attest: String?

    @Option(name: .customLong("attest-subject"),
            help: ArgumentHelp("A file the attestation names by its SHA-256, such as the agent's bundle (repeatable).",
                               valueName: "PATH"))
    var subjects: [String] = []

    func validate() throws {
        if !subjects.isEmpty && attest == nil { throw ValidationError("--attest-subject needs --attest") }
    }

    /// Signs the audit record of `report` and writes the envelope, when `--attest` was given.
    /// - Throws: `AttestationError` or `ReportWriteError`: the gate then exits 2.
    func write(for report: GateReport, environment: [String: String]) throws {
        guard let attest else { return }
        let key = try Ed25519PEM.privateKey(pem: try Self.keyText(environment: environment),
                                            source: DecisionAttestation.signingKeyVariable)
        var files: [(path: String, sha256: String)] = []
        for path in subjects {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AttestationError(.invalid, "--attest-subject \(path): cannot read the file")
            }
            files.append((path, DecisionAttestation.sha256(data)))
        }
        let envelope = try DecisionAttestation.sign(auditRecord: try AuditRecordReporter.render(report),
                                                    subjects: DecisionAttestation.subjects(for: report, files: files), key: key)
        try ReportFile.write(envelope, to: attest)
        StandardError.write("policy-gate \(report.stage.rawValue): signed attestation written to \(attest)")
    }

    /// The key's text: the variable's value, or the file it names (a GitLab file variable holds a path).
    private static func keyText(environment: [String: String]) throws -> String {
        let variable = DecisionAttestation.signingKeyVariable
        guard let value = environment[variable], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AttestationError(.invalid, "--attest: \(variable) is not set; it must hold the Ed25519 private key "
                                   + "(see the README, section for the security team)")
        }
        if value.hasPrefix("/"), !value.contains("\n"), let data = FileManager.default.contents(atPath: value) {
            return String(decoding: data, as: UTF8.self)
        }
        return value
    }
}

/// `--status-check NAME`: answer the project's external status check of that name (with `--annotate`).
struct StatusCheckOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "With --annotate: set the project's external status check NAME to passed or failed (GitLab Ultimate).",
        valueName: "NAME"))
    var statusCheck: String?

    /// The check is part of the annotation, so it needs the flag.
    func validate(annotate: Bool) throws {
        if let statusCheck {
            if !annotate { throw ValidationError("--status-check needs --annotate") }
            if statusCheck.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--status-check needs a name") }
        }
    }

    /// Answers the status check when asked, prints what happened, and returns the problems for the audit record.
    func run(for report: GateReport, environment: [String: String]) async -> [String] {
        guard let statusCheck else { return [] }
        let result = await StatusCheckResponder.respond(name: statusCheck, report: report, environment: environment)
        for action in result.actions {
            StandardError.write("policy-gate \(report.stage.rawValue): \(action)")
        }
        for problem in result.problems {
            StandardError.write("warning: \(problem)")
        }
        return result.problems
    }
}
