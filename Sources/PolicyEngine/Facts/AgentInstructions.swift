/// An `@path` import in a `CLAUDE.md` (or `CLAUDE.local.md`, `.claude/rules/*.md`) that reaches
/// outside the checkout or into a file that holds secrets: Claude Code reads the imported file into
/// the agent's context, from where the agent can repeat it anywhere it writes.
struct MemoryImport: Sendable, Hashable {
    /// The file holding the import (after the chain of imports that led to it).
    var file: String
    /// The 1-based line of the import.
    var line: Int
    /// The path as written after `@`.
    var target: String
    /// Why it is reported: `outside the checkout`, or the kind of secret file.
    var reason: String
}

/// A subagent definition (`.claude/agents/NAME.md`) and what its frontmatter asks for.
struct SubagentDefinition: Sendable, Hashable {
    /// The file.
    var path: String
    /// `permissionMode`, as written.
    var permissionMode: String?
    /// `tools`, split on commas.
    var tools: [String]

    init(path: String, permissionMode: String? = nil, tools: [String] = []) {
        self.path = path
        self.permissionMode = permissionMode
        self.tools = tools
    }
}
