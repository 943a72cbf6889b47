import Foundation

extension MergeRequestAudit {
    /// The audit as `policy-gate audit` runs it: the token from the environment (`read_api` scope), the
    /// API root given or `CI_API_V4_URL`, the attestation key read from `publicKeyPath`, and limits that
    /// give up after `maxMinutes`.
    /// - Throws: `AuditError` without a token or API root, `AttestationError` for an unreadable key, or a
    ///   `GitLabError` for a bad API root.
    public static func connect(query: AuditQuery, environment: [String: String], gitlabURL: String?, publicKeyPath: String?,
                               requireAttestation: Bool, concurrency: Int, maxMinutes: Int) throws -> MergeRequestAudit {
        let token: GitLabToken
        switch GitLabCredentials(environment: environment) {
        case .token(let found, _): token = found
        case .unavailable(let reason): throw AuditError(reason.replacingOccurrences(of: "api scope", with: "read_api scope"))
        }
        guard let api = gitlabURL ?? environment["CI_API_V4_URL"], !api.isEmpty else {
            throw AuditError("give --gitlab-url (the API root, e.g. https://gitlab.example.com/api/v4) or set CI_API_V4_URL")
        }
        let key = try publicKeyPath.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AttestationError(.invalid, "\(path): cannot read the public key")
            }
            return try Ed25519PEM.publicKey(pem: String(decoding: data, as: UTF8.self), source: path)
        }
        let limits = GitLabLimits(maxAttempts: 8, requestTimeout: 30, totalTime: TimeInterval(maxMinutes * 60),
                                  initialBackoff: 1, maxBackoff: 30, maxRetryAfter: 300, maxPages: 1_000)
        let client = try GitLabClient(baseURL: api, token: token, limits: limits)
        return MergeRequestAudit(client: client, query: query, publicKey: key, requireAttestation: requireAttestation,
                                 concurrency: concurrency)
    }
}
