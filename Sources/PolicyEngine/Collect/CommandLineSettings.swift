import Foundation

/// What `--settings` and `--mcp-config` bring into a session, read as Claude Code reads them, so the
/// rules see grants that do not come through `--allowedTools`.
enum CommandLineSettings {
    /// Folds `--settings` JSON given inline into the invocation. Claude Code applies it on top of every
    /// other settings source, so its `permissions.allow` and `permissions.deny` are grants of the command
    /// line like `--allowedTools` and `--disallowedTools`, and its `permissions.defaultMode` is the mode
    /// when `--permission-mode` is absent; the tool and mode rules then check them.
    /// - Throws: ``ClaudeSettingsError`` when the JSON cannot be read: it could grant anything.
    static func foldInline(into invocation: inout AgentInvocation, source: String) throws(ClaudeSettingsError) {
        for value in invocation.settings where PreStageCollector.isInlineJSON(value) {
            let inline = try ClaudeSettings.decode(Data(value.utf8), path: "\(source): --settings")
            invocation.allowedTools += inline.allow
            invocation.disallowedTools += inline.deny
            if invocation.permissionModeRaw == nil, let raw = inline.defaultModeRaw {
                invocation.permissionModeRaw = raw
                invocation.permissionMode = inline.defaultMode
            }
        }
        for value in invocation.mcpConfigs where PreStageCollector.isInlineJSON(value) {
            _ = try ClaudeSettings.decodeMCPServers(Data(value.utf8), path: "\(source): --mcp-config")
        }
    }

    /// Inline `--settings` (and `--managed-settings`, merged into them) and inline `--mcp-config` JSON, as
    /// settings the command line loads: judged by the same rule as a settings file (hooks, apiKeyHelper,
    /// env, allow rules, MCP servers …), since the CLI applies them alike.
    static func inlineSettings(of invocation: AgentInvocation, source: String) throws(ClaudeSettingsError) -> [ClaudeSettings] {
        var found: [ClaudeSettings] = []
        for (index, value) in invocation.settings.enumerated() where PreStageCollector.isInlineJSON(value) {
            var settings = try ClaudeSettings.decode(Data(value.utf8), path: "\(source): --settings #\(index + 1)")
            settings.loadedByCommandLine = true
            found.append(settings)
        }
        for (index, value) in invocation.mcpConfigs.enumerated() where PreStageCollector.isInlineJSON(value) {
            var settings = ClaudeSettings(path: "\(source): --mcp-config #\(index + 1)")
            settings.mcpServers = try ClaudeSettings.decodeMCPServers(Data(value.utf8), path: settings.path)
            settings.loadedByCommandLine = true
            found.append(settings)
        }
        return found
    }

    /// The repository's own files that `--settings` and `--mcp-config` name, relative to the repository
    /// root where claude starts: anyone who can push can edit them, so they are judged like
    /// `.claude/settings.json`. Other paths (and `$VARIABLE`s) belong to the pipeline, such as a file-type
    /// CI/CD variable, and are read by Claude Code when it starts; a named file that does not exist yet is
    /// not read either.
    static func repositoryFiles(named invocation: AgentInvocation, repository: String) throws -> [ClaudeSettings] {
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        var found: [ClaudeSettings] = []
        let named = invocation.settings.map { ($0, false) } + invocation.mcpConfigs.map { ($0, true) }
        for (value, isMCP) in named where !PreStageCollector.isInlineJSON(value) && !value.contains("$") {
            let full = URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: root + "/")).standardizedFileURL.path
            guard full.hasPrefix(root + "/"), let data = FileManager.default.contents(atPath: full) else { continue }
            let relative = String(full.dropFirst(root.count + 1))
            var settings: ClaudeSettings
            if isMCP {
                settings = ClaudeSettings(path: relative)
                settings.mcpServers = try ClaudeSettings.decodeMCPServers(data, path: relative)
            } else {
                settings = try ClaudeSettings.decode(data, path: relative)
            }
            settings.loadedByCommandLine = true
            found.append(settings)
        }
        return found
    }

    /// Reads the agents of `--agents`: inline JSON, or a file inside the repository. A literal path elsewhere,
    /// or a file that does not exist yet, goes to `unreadFiles`, which ``WideningOptionRule`` reports.
    /// - Throws: ``ClaudeSettingsError`` when the JSON cannot be read (claude refuses it too).
    static func readAgents(into invocation: inout AgentInvocation, source: String, repository: String) throws(ClaudeSettingsError) {
        var found: [AgentDefinition] = []
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        for (index, value) in invocation.agents.enumerated() {
            var path = "\(source): --agents #\(index + 1)"
            var data = Data(value.utf8)
            if !PreStageCollector.isInlineJSON(value) {
                // A variable the pipeline did not resolve is a project or group CI/CD variable (a file-type
                // variable, typically), which a merge request cannot set: the pipeline's, like the settings.
                if value.contains("$") { continue }
                let full = URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: root + "/")).standardizedFileURL.path
                guard full.hasPrefix(root + "/"), let contents = FileManager.default.contents(atPath: full) else {
                    invocation.unreadFiles.append(UnreadFile(option: "--agents", path: value))
                    continue
                }
                path = String(full.dropFirst(root.count + 1))
                data = contents
            }
            found += try ClaudeSettings.decodeAgents(data, path: path)
        }
        invocation.agentDefinitions = found
    }

    /// The directories that stay inside the repository as written but lead outside it once symbolic links
    /// are followed (the checkout's links are the pusher's).
    static func directoriesLeaving(_ directories: [String], repository: String) -> [String] {
        let root = URL(fileURLWithPath: repository).resolvingSymlinksInPath().path
        return directories.filter { directory in
            guard WideningOptionRule.isInside(directory, root: repository) else { return false }
            let full = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: repository + "/")).resolvingSymlinksInPath().path
            return full != root && !full.hasPrefix(root + "/")
        }
    }
}
