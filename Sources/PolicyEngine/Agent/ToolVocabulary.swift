/// What a tool call does, in the gate's words rather than an agent's tool names: rules ask for a
/// `.shell` call, never for `Bash`.
public enum ToolKind: String, Sendable, Hashable, CaseIterable {
    /// Runs a shell command (`command`).
    case shell
    /// Reads a file (`filePath`).
    case fileRead
    /// Writes or edits a file (`filePath`).
    case fileWrite
    /// Lists or searches files under a folder (`path`, `pattern`).
    case fileSearch
    /// Fetches a URL (`url`).
    case webFetch
    /// Searches the web.
    case webSearch
    /// Starts a subagent, whose own calls are judged one by one.
    case subagent
    /// Organises the agent's own work (to-do lists, plans) or is the agent's own machinery; acts on nothing.
    case bookkeeping
    /// Only reads or stops what another tool started; judged by the tools it serves (`ToolMeaning.serves`).
    case companion
    /// A tool of an MCP server.
    case mcp
    /// Anything else: judged by its name against the policy's grants.
    case other
}

/// One tool call as the rules read it: its kind, the name the policy's grants use for it, and the
/// arguments the rules look at, taken out of the agent's own input by the agent's vocabulary.
public struct ToolMeaning: Sendable, Hashable {
    /// What the call does.
    public var kind: ToolKind
    /// The tool's name in the policy's grants (`agent.tools`, which use Claude Code's permission syntax:
    /// `Bash(npm test)`, `Read(src/**)`, `WebFetch(domain:…)`).
    public var grantName: String
    /// For a `.companion`: the tools it serves.
    public var serves: [ToolMeaning] = []
    /// The shell command of a `.shell` call.
    public var command: String?
    /// The file a `.fileRead` or `.fileWrite` call names.
    public var filePath: String?
    /// The folder a `.fileSearch` call searches (absent: the working directory).
    public var path: String?
    /// The search pattern of a `.fileSearch` call.
    public var pattern: String?
    /// Whether `pattern` is a path glob (it names where the call searches), not a text pattern.
    public var patternIsPathGlob = false
    /// The URL a call reaches.
    public var url: String?

    /// Creates a meaning.
    public init(kind: ToolKind, grantName: String, serves: [ToolMeaning] = [], command: String? = nil, filePath: String? = nil,
                path: String? = nil, pattern: String? = nil, patternIsPathGlob: Bool = false, url: String? = nil) {
        self.kind = kind
        self.grantName = grantName
        self.serves = serves
        self.command = command
        self.filePath = filePath
        self.path = path
        self.pattern = pattern
        self.patternIsPathGlob = patternIsPathGlob
        self.url = url
    }
}

/// An agent's tool names and input shapes, translated into `ToolMeaning`. The one place that knows
/// which of the agent's tools runs a shell command and which field holds it.
public protocol ToolVocabulary: Sendable {
    /// What a call of `tool` with `input` does.
    func meaning(ofTool tool: String, input: JSONValue) -> ToolMeaning
}
