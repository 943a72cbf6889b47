import Foundation

/// Recognises files that hold credentials, so a tool call that reads, edits or ships them can
/// be reported (`transcript.path-outside-workspace`, `transcript.dangerous-command`).
///
/// Purely lexical: the name and location decide, contents are never read.
enum SecretFilePath {
    /// Dotenv variants that conventionally hold placeholders, not secrets.
    private static let dotenvTemplates: Set<String> = [".env.example", ".env.sample", ".env.template"]
    /// SSH private key file name stems.
    private static let sshKeyStems = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_xmss"]
    /// Extensions of key and certificate stores.
    private static let keyExtensions: Set<String> = ["pem", "key", "p12", "pfx", "jks", "keystore", "ppk"]

    /// Whether `path` names a file that holds secrets.
    /// - Parameters:
    ///   - path: the path as written (absolute, relative, `~/…` or `$HOME/…`).
    ///   - home: the home directory, when known; `/root` and `/home/<user>` count as homes anyway.
    /// - Returns: why the file is secret (`"SSH private key"`, …), or `nil` when it is not.
    static func isSecretFile(_ path: String, home: String?) -> String? {
        guard !path.isEmpty else { return nil }
        let resolved = PathScope.resolve(path, cwd: "/", home: home)
        let parts = resolved.split(separator: "/").map(String.init)
        guard let name = parts.last else { return nil }
        let lowerName = name.lowercased()
        let directories = Array(parts.dropLast())

        if resolved.hasPrefix("/proc/"), name == "environ" {
            return "process environment (holds the job's secrets)"
        }
        if resolved.hasPrefix("/var/run/secrets/") || resolved.hasPrefix("/run/secrets/") {
            return "mounted secret (container or Kubernetes service account)"
        }
        if directories.contains(".ssh") {
            return "file in an SSH directory (keys, authorized_keys)"
        }
        if sshKeyStems.contains(where: { lowerName.hasPrefix($0) }), !lowerName.hasSuffix(".pub") {
            return "SSH private key"
        }
        if lowerName == ".env" || (lowerName.hasPrefix(".env.") && !dotenvTemplates.contains(lowerName)) {
            return "dotenv file"
        }
        if lowerName == ".envrc" {
            return "direnv file (usually exports secrets)"
        }
        if hasSuffix(parts, [".aws", "credentials"]) {
            return "AWS credentials"
        }
        if contains(directories, [".config", "gcloud"]) {
            return "Google Cloud credentials"
        }
        if directories.contains(".azure") {
            return "Azure CLI credentials"
        }
        if hasSuffix(parts, [".kube", "config"]) {
            return "Kubernetes config (cluster credentials)"
        }
        if hasSuffix(parts, [".docker", "config.json"]) {
            return "Docker registry credentials"
        }
        if hasSuffix(parts, [".claude", ".credentials.json"]) {
            return "Claude Code credentials"
        }
        if hasSuffix(parts, [".git", "config"]) {
            return "git config (a CI clone may embed the job token in the remote URL)"
        }
        if lowerName == ".netrc" || lowerName == "_netrc" {
            return "netrc credentials"
        }
        if lowerName == ".git-credentials" {
            return "git credential store"
        }
        if lowerName == ".pgpass" {
            return "PostgreSQL password file"
        }
        if lowerName == ".npmrc" || lowerName == ".pypirc", isHomeDirectory(directories, resolved: resolved, home: home) {
            return "package registry credentials"
        }
        if let dot = lowerName.lastIndex(of: "."), dot != lowerName.startIndex,
           keyExtensions.contains(String(lowerName[lowerName.index(after: dot)...])) {
            return "private key or certificate store"
        }
        return nil
    }

    // MARK: - Helpers

    private static func hasSuffix(_ parts: [String], _ suffix: [String]) -> Bool {
        parts.count >= suffix.count && Array(parts.suffix(suffix.count)) == suffix
    }

    private static func contains(_ parts: [String], _ run: [String]) -> Bool {
        guard parts.count >= run.count else { return false }
        for start in 0...(parts.count - run.count) where Array(parts[start..<(start + run.count)]) == run {
            return true
        }
        return false
    }

    /// Whether the directory part is a home directory: `~`, the given `home`, `/root` or `/home/<user>`.
    private static func isHomeDirectory(_ directories: [String], resolved: String, home: String?) -> Bool {
        if directories == ["~"] { return true }
        if directories == ["root"] || (directories.count == 2 && directories[0] == "home") { return true }
        if let home, resolved.hasPrefix("/") {
            let homeParts = PathScope.normalize(home).split(separator: "/").map(String.init)
            return directories == homeParts
        }
        return false
    }
}
