import Foundation

/// Everything the gate knows about one coding agent: how its command line reads, which files configure
/// it, how its transcript reads, what its tools mean, and the package it is installed from. The rules
/// see only what an adapter produces (`AgentInvocation`, `AgentSettings`, `Transcript` with
/// `ToolMeaning`s), so a second agent is a second conformer, not a change to the rules.
///
/// `ClaudeCode` is the first conformer.
public protocol AgentAdapter: Sendable {
    /// The package the agent is installed from (`@anthropic-ai/claude-code`), for the pinning checks.
    var packageID: String { get }
    /// What the agent's tools mean.
    var tools: any ToolVocabulary { get }
    /// The program that starts it (`claude`), put in front of a command line given as arguments alone.
    var programName: String { get }
    /// Parses a command line that starts the agent and reads what it names (settings files, inline JSON).
    /// - Parameters:
    ///   - argv: the words, program first.
    ///   - source: where they came from, for messages.
    ///   - repository: the checkout, for files the command line names inside it.
    ///   - extraOptions: the policy's `agent.extra_options` (options the pinned version lacks, with arities).
    /// - Throws: a one-line error naming `source` when the command line cannot be read or changes the
    ///   agent's configuration where the gate cannot read it.
    func readInvocation(_ argv: [String], source: String, repository: String,
                        extraOptions: [String: ClaudeArgumentParser.Arity]) throws -> AgentCommandLine
    /// The settings files of the checkout that configure the agent, read; a file that exists but cannot
    /// be read is an error (the gate cannot tell what it grants).
    func readSettings(repository: String) throws -> [AgentSettings]
    /// Reads a transcript the agent wrote. Defects it can read past go into `Transcript.problems`.
    func readTranscript(path: String) throws -> Transcript
}

/// One settings file of an agent, in the shape the rules read (Claude Code's, the first agent's).
public typealias AgentSettings = ClaudeSettings

/// A command line that starts the agent, parsed, and the settings it loads.
public struct AgentCommandLine: Sendable {
    /// The invocation.
    public var invocation: AgentInvocation
    /// Settings the command line loads (`--settings`, `--mcp-config`), read.
    public var settings: [AgentSettings]

    /// Creates a command line.
    public init(invocation: AgentInvocation, settings: [AgentSettings] = []) {
        self.invocation = invocation
        self.settings = settings
    }
}
