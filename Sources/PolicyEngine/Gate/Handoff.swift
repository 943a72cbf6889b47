import Crypto
import Foundation

/// The files the agent job hands to `post`, in one folder (`.policy-gate/` by default).
public enum Handoff {
    static let bundleName = "agent.bundle"
    static let transcriptName = "transcript.jsonl"
    static let manifestName = "manifest.json"

    /// Writes the hand-off of `work` into `folder` (inside the checkout, after the agent is gone).
    /// - Throws: `RunnerError` when a file cannot be written or the key is missing while required.
    public static func write(_ work: AgentSession.Work, bundle: Data, folder: String, checkout: String,
                             environment: [String: String], policy: Policy) throws -> HandoffManifest {
        let key = try requireKey(environment: environment, policy: policy)
        guard let transcript = FileManager.default.contents(atPath: work.transcriptPath) else {
            throw RunnerError("\(work.transcriptPath): cannot read the transcript")
        }
        let manifest = HandoffManifest(
            pipelineID: environment["CI_PIPELINE_ID"] ?? "", jobID: environment["CI_JOB_ID"] ?? "",
            jobName: environment["CI_JOB_NAME"] ?? "", base: work.base, head: work.head,
            bundleSHA256: sha256(bundle), transcriptSHA256: work.transcriptSHA256,
            metadataBefore: work.metadataBefore.digest, metadataAfter: work.metadataAfter.digest,
            metadataChanges: work.metadataChanges, agentExitStatus: work.exitStatus,
            lingeringProcesses: work.lingeringProcesses, isolation: work.isolation, skipped: work.skipped)
        let sealed: Data
        do { sealed = try manifest.sealed(with: key) } catch { throw RunnerError("cannot encode the hand-off manifest") }
        try WorkspaceFile.write(bundle, to: folder + "/" + bundleName, checkout: checkout)
        try WorkspaceFile.write(transcript, to: folder + "/" + transcriptName, checkout: checkout)
        try WorkspaceFile.write(sealed, to: folder + "/" + manifestName, checkout: checkout)
        return manifest
    }

    /// The key that authenticates the hand-off; `nil` when the policy does without.
    /// - Throws: `RunnerError` when the policy requires it and it is not set.
    @discardableResult
    static func requireKey(environment: [String: String], policy: Policy) throws -> SymmetricKey? {
        let key = try HandoffManifest.key(from: environment)
        if key == nil && policy.agent.handoffAuthentication {
            throw RunnerError("\(HandoffManifest.keyVariable) is not set: the hand-off cannot be authenticated (create a masked CI/CD variable with openssl rand -hex 32, or set agent.handoff_authentication: none)")
        }
        return key
    }

    /// A hand-off that `post` checked: its manifest is authentic (or the policy allows it unsigned),
    /// belongs to this pipeline, and the bundle and transcript beside it are the ones it names.
    public struct Verified: Sendable {
        var manifest: HandoffManifest
        var transcriptPath: String
        var authenticated: Bool
    }

    /// Checks the hand-off in `folder`.
    /// - Throws: `RunnerError` (the gate exits 2) on a missing or forged manifest, another pipeline's
    ///   hand-off, or any digest that does not match.
    public static func verify(folder: String, environment: [String: String], policy: Policy,
                              expectedBase: String?) throws(RunnerError) -> Verified {
        let manifestPath = folder + "/" + manifestName
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw RunnerError("\(manifestPath): no hand-off manifest; the agent job must run the agent with policy-gate agent")
        }
        let key = try HandoffManifest.key(from: environment)
        if key == nil && policy.agent.handoffAuthentication {
            throw RunnerError("\(HandoffManifest.keyVariable) is not set: the hand-off cannot be verified (set the masked CI/CD variable, or agent.handoff_authentication: none in the policy)")
        }
        let manifest = try HandoffManifest.open(data, key: key, path: manifestPath)
        if let pipeline = environment["CI_PIPELINE_ID"], manifest.pipelineID != pipeline {
            throw RunnerError("\(manifestPath): the hand-off belongs to pipeline \(manifest.pipelineID), not to this pipeline \(pipeline)")
        }
        if let expectedBase, manifest.base != expectedBase {
            throw RunnerError("\(manifestPath): the agent started from \(manifest.base), but pre recorded \(expectedBase)")
        }
        for (name, expected) in [(bundleName, manifest.bundleSHA256), (transcriptName, manifest.transcriptSHA256)] {
            guard let bytes = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw RunnerError("\(folder)/\(name): missing from the hand-off")
            }
            guard sha256(bytes) == expected else {
                throw RunnerError("\(folder)/\(name): does not match the hand-off manifest (replaced after the agent job)")
            }
        }
        return Verified(manifest: manifest, transcriptPath: folder + "/" + transcriptName, authenticated: key != nil)
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
