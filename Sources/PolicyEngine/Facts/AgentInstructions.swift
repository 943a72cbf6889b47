/// An `@path` import in a `CLAUDE.md` (or `CLAUDE.local.md`, `.claude/rules/*.md`) that reaches
/// outside the checkout or into a file that holds secrets: Claude Code reads the imported file into
/// the agent's context, from where the agent can repeat it anywhere it writes.
public struct MemoryImport: Sendable, Hashable {
    /// The file holding the import (after the chain of imports that led to it).
    public var file: String
    /// The 1-based line of the import.
    public var line: Int
    /// The path as written after `@`.
    public var target: String
    /// Why it is reported: `outside the checkout`, or the kind of secret file.
    public var reason: String

    public init(file: String, line: Int, target: String, reason: String) {
        self.file = file
        self.line = line
        self.target = target
        self.reason = reason
    }
}

/// A subagent definition (`.claude/agents/NAME.md`) and what its frontmatter asks for.
public struct SubagentDefinition: Sendable, Hashable {
    /// The file.
    public var path: String
    /// `permissionMode`, as written.
    public var permissionMode: String?
    /// `tools`, split on commas.
    public var tools: [String]

    public init(path: String, permissionMode: String? = nil, tools: [String] = []) {
        self.path = path
        self.permissionMode = permissionMode
        self.tools = tools
    }
}
