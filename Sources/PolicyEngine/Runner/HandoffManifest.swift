import Crypto
import Foundation

/// What the agent job hands to `post`, authenticated so that nothing the agent (or anyone who can
/// replace artifacts) writes can pass as the gate's own record: the commits, the transcript's digest,
/// the git metadata before and after, how the agent ended and how it was isolated.
public struct HandoffManifest: Sendable, Codable, Equatable {
    /// The format.
    var format = "policy-gate-handoff/v1"
    /// `CI_PIPELINE_ID` of the agent job.
    var pipelineID: String
    /// `CI_JOB_ID` and `CI_JOB_NAME` of the agent job.
    var jobID: String
    var jobName: String
    /// The commit the agent started from and the gate's commit of what it left.
    public var base: String
    public var head: String
    /// SHA-256 of the bundle and of the transcript, hex.
    var bundleSHA256: String
    var transcriptSHA256: String
    /// Digests of the git metadata before and after, and what changed, one line per path.
    var metadataBefore: String
    var metadataAfter: String
    var metadataChanges: [String]
    /// The agent's exit status (128 + signal when killed; -1 when its time ran out).
    public var agentExitStatus: Int32
    /// Processes of the agent still running after it exited, which the gate killed.
    var lingeringProcesses: Int
    /// How the agent was isolated.
    public var isolation: AgentIsolation
    /// What the commit left out (nested repositories, devices).
    var skipped: [String]

    /// Creates a manifest.
    public init(pipelineID: String, jobID: String, jobName: String, base: String, head: String, bundleSHA256: String,
                transcriptSHA256: String, metadataBefore: String, metadataAfter: String, metadataChanges: [String],
                agentExitStatus: Int32, lingeringProcesses: Int, isolation: AgentIsolation, skipped: [String]) {
        self.pipelineID = pipelineID
        self.jobID = jobID
        self.jobName = jobName
        self.base = base
        self.head = head
        self.bundleSHA256 = bundleSHA256
        self.transcriptSHA256 = transcriptSHA256
        self.metadataBefore = metadataBefore
        self.metadataAfter = metadataAfter
        self.metadataChanges = metadataChanges
        self.agentExitStatus = agentExitStatus
        self.lingeringProcesses = lingeringProcesses
        self.isolation = isolation
        self.skipped = skipped
    }

    enum CodingKeys: String, CodingKey {
        case format
        case pipelineID = "pipeline_id"
        case jobID = "job_id"
        case jobName = "job_name"
        case base, head
        case bundleSHA256 = "bundle_sha256"
        case transcriptSHA256 = "transcript_sha256"
        case metadataBefore = "git_metadata_before_sha256"
        case metadataAfter = "git_metadata_after_sha256"
        case metadataChanges = "git_metadata_changes"
        case agentExitStatus = "agent_exit_status"
        case lingeringProcesses = "lingering_processes"
        case isolation, skipped
    }

    /// The file as written: the manifest's exact bytes and their HMAC-SHA256.
    struct Envelope: Codable {
        var format: String
        var payload: String
        var hmacSHA256: String?

        enum CodingKeys: String, CodingKey {
            case format, payload
            case hmacSHA256 = "hmac_sha256"
        }
    }

    /// The environment variable holding the hand-off key: a masked CI/CD variable of at least 32
    /// characters that the agent's environment never receives.
    static let keyVariable = "POLICY_GATE_HANDOFF_KEY"
    static let minimumKeyLength = 32

    /// The key from the environment, checked for length.
    /// - Throws: `RunnerError` when it is set but too short.
    static func key(from environment: [String: String]) throws(RunnerError) -> SymmetricKey? {
        guard let text = environment[keyVariable], !text.isEmpty else { return nil }
        guard text.utf8.count >= minimumKeyLength else {
            throw RunnerError("\(keyVariable) is shorter than \(minimumKeyLength) characters; create one with: openssl rand -hex 32")
        }
        return SymmetricKey(data: Data(text.utf8))
    }

    /// The signed file's bytes (unsigned when `key` is nil: the policy turned authentication off).
    func sealed(with key: SymmetricKey?) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = try encoder.encode(self)
        let mac = key.map { Data(HMAC<SHA256>.authenticationCode(for: payload, using: $0)).map { String(format: "%02x", $0) }.joined() }
        let envelope = Envelope(format: format, payload: payload.base64EncodedString(), hmacSHA256: mac)
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(envelope) + Data("\n".utf8)
    }

    /// Reads and checks a manifest file: its MAC when `key` is given, else it must say it is unsigned
    /// only when the caller allows that.
    /// - Throws: `RunnerError` (one line) when it is unreadable, unsigned, or fails verification.
    static func open(_ data: Data, key: SymmetricKey?, path: String) throws(RunnerError) -> HandoffManifest {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data),
              let payload = Data(base64Encoded: envelope.payload) else {
            throw RunnerError("\(path): not a policy-gate hand-off manifest")
        }
        if let key {
            guard let mac = envelope.hmacSHA256, let macBytes = hexBytes(mac),
                  HMAC<SHA256>.isValidAuthenticationCode(macBytes, authenticating: payload, using: key) else {
                throw RunnerError("\(path): the hand-off manifest fails verification (wrong key, or changed after the agent job)")
            }
        }
        guard let manifest = try? JSONDecoder().decode(HandoffManifest.self, from: payload),
              manifest.format == "policy-gate-handoff/v1" else {
            throw RunnerError("\(path): the hand-off manifest's payload is not readable")
        }
        return manifest
    }

    private static func hexBytes(_ text: String) -> Data? {
        guard text.count == 64 else { return nil }
        var bytes = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// How the agent ran, for the manifest and the audit record.
public struct AgentIsolation: Sendable, Codable, Equatable {
    /// `user` (a user of its own), or `none` (the policy allowed a run without isolation).
    public var mode: String
    /// `UID:GID` when isolated.
    public var user: String?
    /// The names of the variables the agent received (never their values).
    public var environment: [String]
    /// Whether set-user-id programs were kept from raising the agent's privileges.
    var noNewPrivileges: Bool
    /// Whether the policy was enforced live, by the PreToolUse hook in managed settings (absent in
    /// records of runners that predate it).
    var liveHook: Bool?

    enum CodingKeys: String, CodingKey {
        case mode, user, environment
        case noNewPrivileges = "no_new_privileges"
        case liveHook = "live_hook"
    }

    /// Creates a value.
    public init(mode: String, user: String?, environment: [String], noNewPrivileges: Bool) {
        self.mode = mode
        self.user = user
        self.environment = environment
        self.noNewPrivileges = noNewPrivileges
    }
}
