import Foundation

/// Post stage. The session loaded a plugin that does not ship with the CLI: its `init` event lists a
/// plugin whose source is not `…@builtin` (`--plugin-dir` gives `name@inline`, a marketplace
/// `name@marketplace`). A plugin's hooks run outside the tool calls the transcript records, so post cannot
/// judge what they did; pre reports the flag or setting that loaded it, this catches one pre never saw
/// (user settings, a command line changed after pre). Reads `Facts.transcript`.
enum TranscriptPluginLoadedRule: PolicyRule {
    static let description = RuleDescription(
        id: "transcript.plugin-loaded",
        title: "The agent's session loaded a plugin",
        rationale: """
        Plugin hooks and MCP servers run commands that never appear as tool calls, so the transcript audit \
        cannot see them. Only the plugins that ship with Claude Code are expected in a gated run.
        """,
        stages: [.post], defaultAction: .block,
        examples: [
            RuleExample("only the CLI's own plugins", violations: 0) {
                try .post(transcript: pluginLines(["cc-plugin-privacy@builtin"]))
            },
            RuleExample("a --plugin-dir plugin", violations: 1) {
                try .post(transcript: pluginLines(["helper@inline", "cc-plugin-privacy@builtin"]))
            },
        ])

    static func pluginLines(_ sources: [String]) -> [String] {
        var lines = Facts.streamJSON([("Read", #"{"file_path":"/builds/acme/app/a"}"#, false)])
        let plugins = sources.map { #"{"name":"p","path":"builtin","source":"\#($0)"}"# }.joined(separator: ",")
        lines[0] = lines[0].replacingOccurrences(of: #""mcp_servers":[]"#, with: #""mcp_servers":[],"plugins":[\#(plugins)]"#)
        return lines
    }

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let transcript = facts.transcript, let initEvent = transcript.initEvent else { return [] }
        return initEvent.plugins.filter { !$0.hasSuffix("@builtin") }.map { source in
            Violation("the session loaded the plugin '\(source)', whose hooks and servers the transcript does not show",
                      location: .init(path: transcript.name, line: initEvent.line), fingerprint: "transcript.plugin-loaded:\(source)")
        }
    }
}
