import Crypto
import Foundation
@_spi(Fuzzing) @testable import PolicyEngine

/// Merged merge requests spread over three projects of the fake group, each set up to earn one
/// known verdict, so an audit's rows can be checked one by one.
enum AuditScenario {
    /// What each merge request was set up as, and the verdict it must get.
    enum Kind: CaseIterable {
        case gated, gatedSigned, gatedWithoutStatus, gatedInMergedResults
        case jobFailed, statusFailed, signedBlocked, jobRunning, finishedAfterMerge
        case noPipeline, branchPipelineOnly, earlierHeadOnly, jobSkipped
        case jobMissing, jobMissingForgedStatus
        case signedByOtherKey, signedForOtherCommit, serverError
        case mergedBeforeWindow

        var verdict: AuditRow.Verdict? {
            switch self {
            case .gated, .gatedSigned, .gatedWithoutStatus, .gatedInMergedResults: .gated
            case .jobFailed, .statusFailed, .signedBlocked, .jobRunning, .finishedAfterMerge: .mergedWhileBlocked
            case .noPipeline, .branchPipelineOnly, .earlierHeadOnly, .jobSkipped: .noGateRan
            case .jobMissing, .jobMissingForgedStatus: .gateJobMissing
            case .signedByOtherKey, .signedForOtherCommit, .serverError: .couldNotVerify
            case .mergedBeforeWindow: nil
            }
        }
    }

    static let since = "2026-01-01T00:00:00Z"
    static let projectIDs = [11, 12, 13]

    /// Builds `count` merge requests; mostly gated, every kind present, `serverErrors` of them behind a broken endpoint.
    /// - Returns: the kind of each merge request, by `path!iid`.
    static func build(_ state: FakeAuditGitLabState, count: Int, signing: TestKeys, otherKey: TestKeys,
                      serverErrors: Int = 2) async throws -> [String: Kind] {
        for (index, id) in projectIDs.enumerated() {
            await state.addProject(id: id, path: "\(FakeAuditGitLabState.groupPath)/\(["app", "api", "sub/web"][index])")
        }
        let key = try Ed25519PEM.privateKey(pem: signing.privatePEM, source: "test")
        let other = try Ed25519PEM.privateKey(pem: otherKey.privatePEM, source: "test")
        let kinds = Kind.allCases
        var expected: [String: Kind] = [:]
        var errorsLeft = serverErrors
        var iids: [Int: Int] = [:]
        for number in 0..<count {
            // Two of every three are gated; the rest cycle through the other kinds.
            var kind = number % 3 == 0 ? kinds[3 + (number / 3) % (kinds.count - 3)] : kinds[number % 3]
            if kind == .serverError {
                if errorsLeft == 0 { kind = .gated } else { errorsLeft -= 1 }
            }
            // Projects take turns in blocks of seven, so every project gets every kind.
            let project = projectIDs[(number / 7) % projectIDs.count]
            iids[project, default: 0] += 1
            let iid = iids[project] ?? 1
            let sha = String(format: "%040x", 0xC0FFEE + number)
            let created = timestamp(day: 2 + number / 400, second: number)
            let merged = kind == .mergedBeforeWindow ? "2025-12-20T10:00:00Z" : timestamp(day: 3 + number / 400, second: number)
            let mergeRequest = FakeAuditGitLabState.MergeRequest(
                id: 900_000 + number, iid: iid, projectID: project, title: number == 1 ? "=HYPERLINK(\"x\") \u{1B}[31mred" : "change \(number)",
                sha: sha, createdAt: kind == .mergedBeforeWindow ? "2025-12-01T10:00:00Z" : created, mergedAt: merged,
                updatedAt: kind == .mergedBeforeWindow ? "2026-02-01T10:00:00Z" : nil,
                labels: labels(kind, number), author: number % 5 == 0 ? "someone" : "agent-bot")
            await state.add(mergeRequest)
            expected["\(await state.projects[project] ?? "")!\(iid)"] = kind
            try await setUp(kind, mergeRequest, state: state, key: key, other: other)
        }
        return expected
    }

    /// Half the gated ones carry `policy-gate::passed`, the blocked ones `policy-gate::blocked`, the rest no label.
    private static func labels(_ kind: Kind, _ number: Int) -> [String] {
        switch kind.verdict {
        case .gated?: number % 2 == 0 ? ["policy-gate::passed"] : []
        case .mergedWhileBlocked?: ["policy-gate::blocked"]
        default: []
        }
    }

    private static func setUp(_ kind: Kind, _ mergeRequest: FakeAuditGitLabState.MergeRequest, state: FakeAuditGitLabState,
                              key: Curve25519Key, other: Curve25519Key) async throws {
        let job = "policy-gate:post", status = "policy-gate/post"
        switch kind {
        case .noPipeline, .mergedBeforeWindow:
            return
        case .branchPipelineOnly:
            await state.addPipeline(for: mergeRequest, mergeRequestPipeline: false)
            return
        case .earlierHeadOnly:
            let pipeline = await state.addPipeline(for: mergeRequest, sha: String(repeating: "9", count: 40))
            await state.addJob(to: pipeline, name: job, status: "success")
            return
        case .gatedInMergedResults:
            // The pipeline ran on a temporary merge commit; the gate set its status on the source head.
            let pipeline = await state.addPipeline(for: mergeRequest, sha: String(repeating: "7", count: 40), ref: "merge")
            await state.addJob(to: pipeline, name: job, status: "success", finishedAt: "2026-01-01T12:00:00Z")
            await state.addStatus(on: pipeline, sha: mergeRequest.sha, name: status, status: "success")
            return
        case .serverError:
            await state.breakPath("/projects/\(mergeRequest.projectID)/merge_requests/\(mergeRequest.iid)/pipelines")
            return
        default:
            break
        }
        let pipeline = await state.addPipeline(for: mergeRequest)
        await state.addJob(to: pipeline, name: "claude", status: "success")
        switch kind {
        case .jobMissing:
            return
        case .jobMissingForgedStatus:
            await state.addStatus(on: pipeline, name: status, status: "success")
            return
        case .jobSkipped:
            await state.addJob(to: pipeline, name: job, status: "skipped", finishedAt: nil)
            return
        case .jobFailed:
            await state.addJob(to: pipeline, name: job, status: "failed")
            await state.addStatus(on: pipeline, name: status, status: "failed")
            return
        case .jobRunning:
            await state.addJob(to: pipeline, name: job, status: "running", finishedAt: nil)
            return
        default:
            break
        }
        let finished = kind == .finishedAfterMerge ? "2027-01-01T00:00:00Z" : "2026-01-01T12:00:00Z"
        let gateJob = await state.addJob(to: pipeline, name: job, status: "success", finishedAt: finished)
        if kind != .gatedWithoutStatus {
            await state.addStatus(on: pipeline, name: status, status: kind == .statusFailed ? "failed" : "success")
        }
        let signed: (decision: Bool, commit: String, key: Curve25519Key)? = switch kind {
        case .gatedSigned: (true, mergeRequest.sha, key)
        case .signedBlocked: (false, mergeRequest.sha, key)
        case .signedByOtherKey: (true, mergeRequest.sha, other)
        case .signedForOtherCommit: (true, String(repeating: "8", count: 40), key)
        default: nil
        }
        if let signed {
            await state.addArtifact(job: gateJob, data: try attestation(passed: signed.decision, commit: signed.commit, key: signed.key))
        }
    }

    typealias Curve25519Key = Curve25519.Signing.PrivateKey

    /// A post-stage decision signed as `--attest` signs it.
    static func attestation(passed: Bool, commit: String, key: Curve25519Key) throws -> Data {
        let findings = passed ? [] : [Finding(rule: "tools.unscoped", action: .block, message: "blanket grant 'Bash(*)'")]
        let report = GateReport(stage: .post, findings: findings, evaluatedRules: [("tools.unscoped", .block)], policySource: "built-in",
                                policySHA256: String(repeating: "ab", count: 32), inputs: ["head": commit])
        let text = try DecisionAttestation.sign(auditRecord: try AuditRecordReporter.render(report),
                                                subjects: DecisionAttestation.subjects(for: report, files: []), key: key)
        return Data(text.utf8)
    }

    private static func timestamp(day: Int, second: Int) -> String {
        String(format: "2026-%02d-%02dT%02d:%02d:%02d.000Z", 1 + (day - 1) / 28, 1 + (day - 1) % 28, (second / 3600) % 24,
               (second / 60) % 60, second % 60)
    }
}
