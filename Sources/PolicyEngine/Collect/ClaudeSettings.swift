import Foundation

/// What a Claude Code settings file (`.claude/settings.json`, `.claude/settings.local.json`, a
/// `--settings` JSON string) or MCP file (`.mcp.json`, a `--mcp-config` JSON string) contributes to a
/// run: permission rules and mode, hooks, environment, helpers and MCP servers.
///
/// The format is Claude Code's, not the gate's: unknown keys are ignored (their names are kept in
/// ``topLevelKeys``). Known keys with the wrong JSON type are errors, since the gate cannot judge
/// what it cannot read. Values of `env`, `headers` and `apiKeyHelper` may be secrets: they are
/// kept for scanning but never appear in error messages.
public struct ClaudeSettings: Sendable, Hashable {
    // MARK: - Nested values

    /// One hook handler, flattened from `hooks.<Event>[].hooks[]`.
    public struct Hook: Sendable, Hashable {
        /// The event name (`PreToolUse`, `SessionStart`, …), kept even when Claude Code does not know it.
        var event: String
        /// The matcher of the group the handler sits in, if any.
        var matcher: String?
        /// The handler type: `command`, `http`, `mcp_tool`, `prompt`, `agent` (`command` when absent).
        public var type: String
        /// The shell command, for `command` handlers.
        @_spi(Fuzzing) public var command: String?
        /// The URL, for `http` handlers.
        @_spi(Fuzzing) public var url: String?
        /// The `if` permission-rule condition, if any.
        var condition: String?
        /// The timeout in seconds, if given.
        var timeout: Double?
        /// The 1-based line of the handler in the file.
        var line: Int

        /// Creates a hook value.
        /// - Parameters:
        ///   - event: The event name.
        ///   - matcher: The group matcher.
        ///   - type: The handler type.
        ///   - command: The shell command.
        ///   - url: The URL of an http handler.
        ///   - condition: The `if` condition.
        ///   - timeout: The timeout in seconds.
        ///   - line: The line in the file.
        public init(
            event: String, matcher: String? = nil, type: String = "command", command: String? = nil,
            url: String? = nil, condition: String? = nil, timeout: Double? = nil, line: Int = 1
        ) {
            self.event = event
            self.matcher = matcher
            self.type = type
            self.command = command
            self.url = url
            self.condition = condition
            self.timeout = timeout
            self.line = line
        }
    }

    /// How Claude Code talks to an MCP server.
    public enum MCPTransport: Sendable, Hashable, CustomStringConvertible {
        /// A local process (`command` + `args`).
        case stdio
        /// Streamable HTTP (`url`).
        case http
        /// Server-sent events (`url`).
        case sse
        /// Any other `type` value, kept as given.
        case other(String)

        /// Reads a `type` value.
        /// - Parameter text: The value, e.g. `stdio`.
        public init(parsing text: String) {
            switch text {
            case "stdio": self = .stdio
            case "http", "streamable-http": self = .http
            case "sse": self = .sse
            default: self = .other(text)
            }
        }

        /// The transport's name.
        public var description: String {
            switch self {
            case .stdio: return "stdio"
            case .http: return "http"
            case .sse: return "sse"
            case .other(let text): return text
            }
        }
    }

    /// One MCP server definition from `mcpServers`.
    public struct MCPServer: Sendable, Hashable {
        /// The server's name (the key under `mcpServers`).
        public var name: String
        /// The transport: `type`, or `stdio` with a `command`, or `http` with only a `url`.
        var transport: MCPTransport
        /// The command of a stdio server.
        @_spi(Fuzzing) public var command: String?
        /// The arguments of a stdio server.
        var args: [String]
        /// The URL of an http or sse server.
        @_spi(Fuzzing) public var url: String?
        /// Request headers (values may be secrets).
        var headers: [String: String]
        /// Environment of a stdio server (values may be secrets).
        var env: [String: String]
        /// Names of the variables interpolated with `${VAR}` or `${VAR:-default}` in `command`, `args`,
        /// `url`, `headers` or `env`, sorted and unique.
        @_spi(Fuzzing) public var interpolatedVariables: [String]
        /// Where interpolation happens: `command`, `args[0]`, `url`, `headers.Authorization`, `env.TOKEN`.
        var interpolatedFields: [String]
        /// The 1-based line of the server's entry.
        var line: Int

        /// Whether any field interpolates an environment variable (which Claude Code expands, so the
        /// file can send CI variables to the server or its URL).
        var hasInterpolation: Bool { !interpolatedVariables.isEmpty }

        /// Creates a server value.
        /// - Parameters:
        ///   - name: The server name.
        ///   - transport: The transport.
        ///   - command: The stdio command.
        ///   - args: The stdio arguments.
        ///   - url: The URL.
        ///   - headers: The headers.
        ///   - env: The environment.
        ///   - line: The line in the file.
        public init(
            name: String, transport: MCPTransport, command: String? = nil, args: [String] = [], url: String? = nil,
            headers: [String: String] = [:], env: [String: String] = [:], line: Int = 1
        ) {
            self.name = name
            self.transport = transport
            self.command = command
            self.args = args
            self.url = url
            self.headers = headers
            self.env = env
            self.line = line
            var fields: [(String, String)] = []
            if let command { fields.append(("command", command)) }
            for (offset, arg) in args.enumerated() { fields.append(("args[\(offset)]", arg)) }
            if let url { fields.append(("url", url)) }
            for key in headers.keys.sorted() { fields.append(("headers.\(key)", headers[key] ?? "")) }
            for key in env.keys.sorted() { fields.append(("env.\(key)", env[key] ?? "")) }
            var names = Set<String>()
            var locations: [String] = []
            for (field, text) in fields {
                let found = ClaudeSettings.interpolatedVariableNames(in: text)
                if !found.isEmpty {
                    locations.append(field)
                    names.formUnion(found)
                }
            }
            interpolatedVariables = names.sorted()
            interpolatedFields = locations
        }
    }

    // MARK: - Stored properties

    /// The display path the settings were read from.
    public var path: String
    /// `permissions.allow`.
    public var allow: [PermissionRule] = []
    /// `permissions.ask`.
    var ask: [PermissionRule] = []
    /// `permissions.deny`.
    public var deny: [PermissionRule] = []
    /// `permissions.defaultMode` as written.
    var defaultModeRaw: String?
    /// `permissions.defaultMode`, parsed.
    var defaultMode: PermissionMode?
    /// `permissions.additionalDirectories`.
    var additionalDirectories: [String] = []
    /// `permissions.disableBypassPermissionsMode` (`"disable"` locks bypass mode out).
    var disableBypassPermissionsMode: String?
    /// `disableAutoMode` or `permissions.disableAutoMode`.
    var disableAutoMode: String?
    /// Every hook handler, in file order.
    @_spi(Fuzzing) public var hooks: [Hook] = []
    /// `env` (values may be secrets: never print them).
    var env: [String: String] = [:]
    /// `apiKeyHelper`: a shell command whose output becomes the API key.
    var apiKeyHelper: String?
    /// `enableAllProjectMcpServers`.
    var enableAllProjectMcpServers: Bool?
    /// `enabledMcpjsonServers`.
    var enabledMcpjsonServers: [String] = []
    /// `disabledMcpjsonServers`.
    var disabledMcpjsonServers: [String] = []
    /// `disableAllHooks`.
    var disableAllHooks: Bool?
    /// `model`.
    var model: String?
    /// `mcpServers`, when the file has them (`.mcp.json`, `--mcp-config`, `.claude.json`).
    var mcpServers: [MCPServer] = []
    /// Every top-level key, sorted, known or not.
    var topLevelKeys: [String] = []
    /// The 1-based line of each key that was read, by dotted path (`permissions.allow`, `env`, `hooks`).
    var keyLines: [String: Int] = [:]
    /// Whether the command line names this file (`--settings FILE`, `--mcp-config FILE`): Claude Code
    /// then loads it whatever `--setting-sources` and `--strict-mcp-config` say.
    var loadedByCommandLine = false
    /// The setting source the file belongs to, which `--setting-sources` and `--bare` decide on.
    var scope: Scope

    /// Claude Code's setting sources, and the MCP files beside them.
    public enum Scope: String, Sendable, Hashable {
        /// `~/.claude/settings.json` (or under `$CLAUDE_CONFIG_DIR`).
        case user
        /// `.claude/settings.json`.
        case project
        /// `.claude/settings.local.json`.
        case local
        /// `/etc/claude-code/managed-settings.json`: always loaded, above everything.
        case managed
        /// `.mcp.json` in the checkout.
        case projectMCP
        /// `~/.claude.json`, which holds user-scope MCP servers.
        case userMCP
    }

    /// Creates empty settings for a path; the scope follows the file name unless given.
    /// - Parameters:
    ///   - path: The display path.
    ///   - scope: The setting source; `nil` derives it from `path`.
    public init(path: String, scope: Scope? = nil) {
        self.path = path
        self.scope = scope ?? (path.hasSuffix(".mcp.json") ? .projectMCP : path.hasSuffix("settings.local.json") ? .local : .project)
    }

    /// Whether Claude Code started as `invocation` reads this file: the command line's own files and
    /// managed settings always, the others only without `--bare` and when `--setting-sources` (all
    /// sources when absent) names their source; MCP files unless `--strict-mcp-config`.
    func isLoaded(by invocation: AgentInvocation?) -> Bool {
        if loadedByCommandLine || scope == .managed { return true }
        guard !(invocation?.isBare ?? false) else { return false }
        let sources = invocation?.settingSources
        switch scope {
        case .projectMCP, .userMCP: return !(invocation?.strictMCPConfig ?? false)
        case .project: return sources?.contains("project") ?? true
        case .local: return sources?.contains("local") ?? true
        case .user: return sources?.contains("user") ?? true
        case .managed: return true
        }
    }

    // MARK: - Derived facts

    /// The names of the `env` variables, sorted.
    @_spi(Fuzzing) public var environmentKeys: [String] { env.keys.sorted() }

    /// Keys besides `apiKeyHelper` whose value is a shell command Claude Code runs on its own.
    static let commandRunningKeys = ["awsAuthRefresh", "awsCredentialExport", "otelHeadersHelper",
                                            // Also commands (or objects with a `command`) in 2.1.332's settings schema.
                                            "gcpAuthRefresh", "proxyAuthHelper", "processWrapper", "statusLine",
                                            "subagentStatusLine", "fileSuggestion", "sshHostCommands"]

    /// Whether `apiKeyHelper` is set.
    var hasAPIKeyHelper: Bool { apiKeyHelper != nil }

    /// The event names that have at least one hook, sorted and unique.
    var hookEvents: [String] { Set(hooks.map(\.event)).sorted() }

    /// The 1-based line of a key, by dotted path.
    /// - Parameter keyPath: A path such as `permissions.allow`.
    /// - Returns: The line, when the key was present.
    func line(of keyPath: String) -> Int? {
        keyLines[keyPath]
    }

    // MARK: - Decoding

    /// Decodes a settings file.
    /// - Parameters:
    ///   - data: The file's bytes (UTF-8 JSON).
    ///   - path: The path to name in messages, e.g. `.claude/settings.json`.
    /// - Returns: The settings.
    /// - Throws: ``ClaudeSettingsError`` for invalid JSON (with line and column) or a known key of the
    ///   wrong type.
    @_spi(Fuzzing) public static func decode(_ data: Data, path: String) throws(ClaudeSettingsError) -> ClaudeSettings {
        let root = try parseRoot(data, path: path)
        guard let members = root.members else {
            throw ClaudeSettingsError.invalidValue(path: path, line: root.line, key: "(top level)", reason: "must be an object, found \(root.typeName)")
        }
        var settings = ClaudeSettings(path: path)
        let reader = FieldReader(path: path)
        settings.topLevelKeys = Set(members.map(\.key)).sorted()
        for member in members { settings.keyLines[member.key] = member.line }

        if let permissions = try reader.object(root, "permissions") {
            for member in permissions.members ?? [] { settings.keyLines["permissions.\(member.key)"] = member.line }
            settings.allow = try reader.strings(permissions, "allow", prefix: "permissions").map(PermissionRule.init)
            settings.ask = try reader.strings(permissions, "ask", prefix: "permissions").map(PermissionRule.init)
            settings.deny = try reader.strings(permissions, "deny", prefix: "permissions").map(PermissionRule.init)
            settings.defaultModeRaw = try reader.string(permissions, "defaultMode", prefix: "permissions")
            settings.defaultMode = settings.defaultModeRaw.map(PermissionMode.init(parsing:))
            settings.additionalDirectories = try reader.strings(permissions, "additionalDirectories", prefix: "permissions")
            settings.disableBypassPermissionsMode = try reader.scalar(permissions, "disableBypassPermissionsMode", prefix: "permissions")
            settings.disableAutoMode = try reader.scalar(permissions, "disableAutoMode", prefix: "permissions")
        }
        if let topLevel = try reader.scalar(root, "disableAutoMode") {
            settings.disableAutoMode = topLevel
        }
        settings.env = try reader.stringMap(root, "env")
        settings.apiKeyHelper = try reader.string(root, "apiKeyHelper")
        settings.enableAllProjectMcpServers = try reader.bool(root, "enableAllProjectMcpServers")
        settings.enabledMcpjsonServers = try reader.strings(root, "enabledMcpjsonServers")
        settings.disabledMcpjsonServers = try reader.strings(root, "disabledMcpjsonServers")
        settings.disableAllHooks = try reader.bool(root, "disableAllHooks")
        settings.model = try reader.string(root, "model")
        settings.hooks = try reader.hooks(root)
        settings.mcpServers = try reader.mcpServers(root)
        return settings
    }

    /// Decodes the servers of an MCP configuration (`.mcp.json` or a `--mcp-config` JSON string).
    /// - Parameters:
    ///   - data: The JSON bytes: `{"mcpServers": {"name": {…}}}`.
    ///   - path: The path to name in messages.
    /// - Returns: The servers, sorted by name.
    /// - Throws: ``ClaudeSettingsError`` for invalid JSON or a server entry of the wrong shape.
    @_spi(Fuzzing) public static func decodeMCPServers(_ data: Data, path: String) throws(ClaudeSettingsError) -> [MCPServer] {
        let root = try parseRoot(data, path: path)
        guard root.members != nil else {
            throw ClaudeSettingsError.invalidValue(path: path, line: root.line, key: "(top level)", reason: "must be an object, found \(root.typeName)")
        }
        let reader = FieldReader(path: path)
        return try reader.mcpServers(root)
    }

    /// Decodes `--agents` JSON: `{"name": {"description", "prompt", "tools", "permissionMode", "hooks", "mcpServers", …}}`.
    /// - Parameters:
    ///   - data: The JSON bytes.
    ///   - path: The path to name in messages and definitions.
    /// - Returns: The agents, sorted by name.
    /// - Throws: ``ClaudeSettingsError`` for invalid JSON or an agent that is not an object.
    static func decodeAgents(_ data: Data, path: String) throws(ClaudeSettingsError) -> [AgentDefinition] {
        let root = try parseRoot(data, path: path)
        guard let members = root.members else {
            throw ClaudeSettingsError.invalidValue(path: path, line: root.line, key: "(top level)", reason: "must be an object, found \(root.typeName)")
        }
        let reader = FieldReader(path: path)
        var result: [AgentDefinition] = []
        for member in members {
            guard member.node.members != nil else { throw reader.wrongType(member.node, member.key, "an object") }
            // Any value but null counts: the gate does not second-guess the shape claude accepts.
            func present(_ key: String) -> Bool {
                guard let node = member.node[key] else { return false }
                if case .null = node.value { return false }
                return true
            }
            result.append(AgentDefinition(name: member.key, source: path,
                                          permissionMode: try reader.scalar(member.node, "permissionMode", prefix: member.key),
                                          hasHooks: present("hooks"), hasMCPServers: present("mcpServers")))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The names of the variables in `${NAME}` and `${NAME:-default}` forms inside `text`, in order.
    /// - Parameter text: A string from an MCP server definition.
    /// - Returns: The variable names (possibly repeated).
    @_spi(Fuzzing) public static func interpolatedVariableNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            let after = rest[open.upperBound...]
            let name = after.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            let tail = after.dropFirst(name.count)
            if let first = name.first, !first.isNumber, tail.hasPrefix("}") || tail.hasPrefix(":-") || tail.hasPrefix("-") {
                names.append(String(name))
            }
            rest = after
        }
        return names
    }

    private static func parseRoot(_ data: Data, path: String) throws(ClaudeSettingsError) -> JSONNode {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Unlike a transcript, a settings file with invalid UTF-8 is refused rather than repaired.
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ClaudeSettingsError.invalidJSON(path: path, line: 1, column: 1, reason: "the file is not valid UTF-8")
        }
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        do {
            return try parser.parseLocatedDocument()
        } catch {
            throw ClaudeSettingsError.invalidJSON(path: path, line: error.line, column: error.column, reason: error.reason)
        }
    }

    // MARK: - Field reading

    private struct FieldReader {
        let path: String

        func wrongType(_ node: JSONNode, _ key: String, _ expected: String) -> ClaudeSettingsError {
            .invalidValue(path: path, line: node.line, key: key, reason: "must be \(expected), found \(node.typeName)")
        }

        func dotted(_ prefix: String?, _ key: String) -> String {
            prefix.map { "\($0).\(key)" } ?? key
        }

        func object(_ parent: JSONNode, _ key: String, prefix: String? = nil) throws(ClaudeSettingsError) -> JSONNode? {
            guard let node = parent[key] else { return nil }
            if case .null = node.value { return nil }
            guard node.members != nil else { throw wrongType(node, dotted(prefix, key), "an object") }
            return node
        }

        func string(_ parent: JSONNode, _ key: String, prefix: String? = nil) throws(ClaudeSettingsError) -> String? {
            guard let node = parent[key] else { return nil }
            if case .null = node.value { return nil }
            guard let text = node.string else { throw wrongType(node, dotted(prefix, key), "a string") }
            return text
        }

        func scalar(_ parent: JSONNode, _ key: String, prefix: String? = nil) throws(ClaudeSettingsError) -> String? {
            guard let node = parent[key] else { return nil }
            if case .null = node.value { return nil }
            guard let text = node.scalarText else { throw wrongType(node, dotted(prefix, key), "a string") }
            return text
        }

        func bool(_ parent: JSONNode, _ key: String) throws(ClaudeSettingsError) -> Bool? {
            guard let node = parent[key] else { return nil }
            if case .null = node.value { return nil }
            guard let flag = node.bool else { throw wrongType(node, key, "a boolean") }
            return flag
        }

        func strings(_ parent: JSONNode, _ key: String, prefix: String? = nil) throws(ClaudeSettingsError) -> [String] {
            guard let node = parent[key] else { return [] }
            if case .null = node.value { return [] }
            guard let items = node.array else { throw wrongType(node, dotted(prefix, key), "an array of strings") }
            var result: [String] = []
            for (offset, item) in items.enumerated() {
                guard let text = item.string else {
                    throw wrongType(item, "\(dotted(prefix, key))[\(offset)]", "a string")
                }
                result.append(text)
            }
            return result
        }

        func stringMap(_ parent: JSONNode, _ key: String, prefix: String? = nil) throws(ClaudeSettingsError) -> [String: String] {
            guard let node = try object(parent, key, prefix: prefix) else { return [:] }
            var result: [String: String] = [:]
            for member in node.members ?? [] {
                guard let text = member.node.scalarText else {
                    throw wrongType(member.node, "\(dotted(prefix, key)).\(member.key)", "a string")
                }
                result[member.key] = text
            }
            return result
        }

        func hooks(_ root: JSONNode) throws(ClaudeSettingsError) -> [Hook] {
            guard let hooksNode = try object(root, "hooks") else { return [] }
            var result: [Hook] = []
            for event in hooksNode.members ?? [] {
                let eventPath = "hooks.\(event.key)"
                guard let groups = event.node.array else { throw wrongType(event.node, eventPath, "an array of matcher groups") }
                for (groupOffset, group) in groups.enumerated() {
                    let groupPath = "\(eventPath)[\(groupOffset)]"
                    guard group.members != nil else { throw wrongType(group, groupPath, "an object") }
                    let matcher = try string(group, "matcher", prefix: groupPath)
                    guard let handlers = group["hooks"] else { continue }
                    guard let handlerList = handlers.array else { throw wrongType(handlers, "\(groupPath).hooks", "an array") }
                    for (handlerOffset, handler) in handlerList.enumerated() {
                        let handlerPath = "\(groupPath).hooks[\(handlerOffset)]"
                        guard handler.members != nil else { throw wrongType(handler, handlerPath, "an object") }
                        var timeout: Double?
                        if let timeoutNode = handler["timeout"] {
                            guard case .number(let text) = timeoutNode.value, let seconds = Double(text) else {
                                throw wrongType(timeoutNode, "\(handlerPath).timeout", "a number")
                            }
                            timeout = seconds
                        }
                        result.append(Hook(
                            event: event.key,
                            matcher: matcher,
                            type: try string(handler, "type", prefix: handlerPath) ?? "command",
                            command: try string(handler, "command", prefix: handlerPath),
                            url: try string(handler, "url", prefix: handlerPath),
                            condition: try string(handler, "if", prefix: handlerPath),
                            timeout: timeout,
                            line: handler.line))
                    }
                }
            }
            return result
        }

        func mcpServers(_ root: JSONNode) throws(ClaudeSettingsError) -> [MCPServer] {
            guard let servers = try object(root, "mcpServers") else { return [] }
            var result: [MCPServer] = []
            for member in servers.members ?? [] {
                let serverPath = "mcpServers.\(member.key)"
                let entry = member.node
                guard entry.members != nil else { throw wrongType(entry, serverPath, "an object") }
                let command = try string(entry, "command", prefix: serverPath)
                let url = try string(entry, "url", prefix: serverPath)
                let transport: MCPTransport
                if let type = try string(entry, "type", prefix: serverPath) {
                    transport = MCPTransport(parsing: type)
                } else {
                    transport = command == nil && url != nil ? .http : .stdio
                }
                result.append(MCPServer(
                    name: member.key,
                    transport: transport,
                    command: command,
                    args: try strings(entry, "args", prefix: serverPath),
                    url: url,
                    headers: try stringMap(entry, "headers", prefix: serverPath),
                    env: try stringMap(entry, "env", prefix: serverPath),
                    line: member.line))
            }
            return result.sorted { $0.name < $1.name }
        }
    }
}

// MARK: - Errors

/// Why a Claude Code settings or MCP file could not be read.
public enum ClaudeSettingsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is not valid JSON (or not UTF-8).
    case invalidJSON(path: String, line: Int, column: Int, reason: String)
    /// A known key holds a value of the wrong type. The message names the key, never the value.
    case invalidValue(path: String, line: Int, key: String, reason: String)

    /// A one-line message naming the file, the line and the reason.
    public var description: String {
        switch self {
        case .invalidJSON(let path, let line, let column, let reason):
            return "\(path):\(line):\(column): invalid JSON: \(reason)"
        case .invalidValue(let path, let line, let key, let reason):
            return "\(path):\(line): '\(key)' \(reason)"
        }
    }
}
