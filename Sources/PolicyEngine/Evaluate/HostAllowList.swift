import Foundation

/// The hosts a command may contact, and the parsing of hosts out of URLs and destinations.
///
/// Loopback names and addresses are always allowed. An entry `*.example.com` allows the
/// subdomains of `example.com` but not `example.com` itself, as `WebFetch(domain:…)` does.
struct HostAllowList: Sendable {
    /// What a URL or destination says about the host it reaches.
    enum Target: Sendable, Equatable {
        /// A host name or address, lowercased, without port, brackets or trailing dot.
        case host(String)
        /// The host comes from a variable or command output and is unknown.
        case dynamic
        /// Not a network destination (a `file:` URL, for example).
        case local
    }

    private let exact: Set<String>
    private let suffixes: [String]

    /// Creates the list from entries such as `gitlab.example.com`, `gitlab.example.com:8443`,
    /// `https://gitlab.example.com/` or `*.example.com`.
    init(_ entries: [String]) {
        var exact: Set<String> = []
        var suffixes: [String] = []
        for entry in entries {
            let trimmed = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed.hasPrefix("*.") {
                let base = Self.normalize(String(trimmed.dropFirst(2)))
                if !base.isEmpty { suffixes.append("." + base) }
            } else if case .host(let host) = Self.target(of: trimmed, defaultScheme: true) {
                exact.insert(host)
            }
        }
        self.exact = exact
        self.suffixes = suffixes
    }

    /// Whether `host` is loopback or on the list.
    func isAllowed(_ host: String) -> Bool {
        let name = Self.normalize(host)
        if Self.isLoopback(name) { return true }
        if exact.contains(name) { return true }
        return suffixes.contains { name.hasSuffix($0) }
    }

    /// Whether `target` is allowed; a dynamic target never is, a local one always is.
    func isAllowed(_ target: Target) -> Bool {
        switch target {
        case .host(let host): return isAllowed(host)
        case .dynamic: return false
        case .local: return true
        }
    }

    // MARK: - Parsing

    /// The host a URL (`https://user@host:443/x`) or, with `defaultScheme`, a bare destination
    /// (`host/x`, `host:8080`) reaches. Returns `nil` when there is no host in it.
    static func target(of text: String, defaultScheme: Bool) -> Target? {
        var rest = Substring(text)
        if let separator = text.range(of: "://") {
            let scheme = text[..<separator.lowerBound].lowercased()
            if scheme == "file" { return .local }
            rest = text[separator.upperBound...]
        } else if !defaultScheme {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("$") || authority.contains("`") { return .dynamic }
        var hostPart = authority
        if let at = hostPart.lastIndex(of: "@") {
            hostPart = hostPart[hostPart.index(after: at)...]
        }
        let host: Substring
        if hostPart.hasPrefix("[") {
            host = hostPart.dropFirst().prefix { $0 != "]" }
        } else {
            host = hostPart.prefix { $0 != ":" }
        }
        let name = normalize(String(host))
        return name.isEmpty ? nil : .host(name)
    }

    /// The host of an ssh-style destination: `user@host`, `host`, or an `ssh://` URL.
    static func destination(_ text: String) -> Target? {
        if text.contains("://") { return target(of: text, defaultScheme: false) }
        if text.contains("$") || text.contains("`") { return .dynamic }
        var host = Substring(text)
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if host.hasPrefix("[") { host = host.dropFirst().prefix { $0 != "]" } }
        let name = normalize(String(host))
        return name.isEmpty ? nil : .host(name)
    }

    /// The hosts of every `scheme://host` URL inside free text (interpreter code, for example).
    static func urlHosts(in text: String) -> [Target] {
        var targets: [Target] = []
        var searchStart = text.startIndex
        while let separator = text.range(of: "://", range: searchStart..<text.endIndex) {
            var schemeStart = separator.lowerBound
            while schemeStart > text.startIndex {
                let previous = text.index(before: schemeStart)
                guard text[previous].isLetter || text[previous] == "+" else { break }
                schemeStart = previous
            }
            let scheme = text[schemeStart..<separator.lowerBound]
            if !scheme.isEmpty {
                let rest = text[separator.upperBound...].prefix { !$0.isWhitespace && !"'\"`)<>".contains($0) }
                if let target = target(of: String(scheme) + "://" + rest, defaultScheme: false) {
                    targets.append(target)
                }
            }
            searchStart = separator.upperBound
        }
        return targets
    }

    /// Lowercases and strips a trailing dot.
    static func normalize(_ host: String) -> String {
        var name = host.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// `localhost`, `*.localhost`, `127.0.0.0/8`, `::1` and `0.0.0.0`.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" || host == "0.0.0.0" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) < 256
        }
    }
}
