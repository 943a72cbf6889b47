import Foundation

/// Small builders for rule examples and tests.
extension Facts {
    /// Pre-stage facts for a claude command line written as in a shell (`claude` may be left out).
    public static func pre(_ commandLine: String, environment: [String: String] = [:],
                           settings: [(path: String, json: String)] = [], configurationSecrets: [SecretFinding] = [],
                           ciJob: CIJobFacts? = nil) throws -> Facts {
        var words = try ShellWords.split(commandLine)
        if !ClaudeArgumentParser.isClaudeCommand(words) { words.insert("claude", at: 0) }
        var invocation = try ClaudeArgumentParser.parse(words, source: "--claude-args")
        try CommandLineSettings.foldInline(into: &invocation, source: "--claude-args")
        var parsed = try CommandLineSettings.inlineSettings(of: invocation, source: "--claude-args")
        try CommandLineSettings.readAgents(into: &invocation, source: "--claude-args", repository: "/builds/acme/app")
        for (path, json) in settings {
            if path.hasSuffix(".mcp.json") {
                var mcp = ClaudeSettings(path: path)
                mcp.mcpServers = try ClaudeSettings.decodeMCPServers(Data(json.utf8), path: path)
                parsed.append(mcp)
            } else {
                parsed.append(try ClaudeSettings.decode(Data(json.utf8), path: path))
            }
        }
        return Facts(stage: .pre, ci: CIContext(environment: environment), invocation: invocation,
                     invocationSource: "--claude-args", ciJob: ciJob, repositorySettings: parsed,
                     configurationSecrets: configurationSecrets, workspaceRoot: "/builds/acme/app")
    }
}
