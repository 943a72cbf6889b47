import Foundation

/// Something in a transcript that could not be read as intended.
///
/// A transcript with problems is still returned, so what *could* be read is audited, but the
/// gate must not treat it as complete: the caller turns any problem into a blocking finding or
/// exit code 2 (fail closed). A reason names the line and what was wrong, never the line's text,
/// which may hold secrets.
public struct TranscriptProblem: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem, with stable identifiers for reports.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A line (or array element) is not valid JSON, or not a JSON object.
        case malformedLine = "malformed-line"
        /// The last line ends in the middle of a JSON value: the transcript was cut off.
        case truncatedLastLine = "truncated-last-line"
        /// Valid JSON whose shape is not what the event type requires (a `tool_use` without an
        /// id, a `result` without `is_error`, …).
        case malformedEvent = "malformed-event"
        /// A string held invalid UTF-8 (or a lone surrogate) and was repaired with U+FFFD.
        case invalidUTF8 = "invalid-utf8"
        /// An object repeated a key; the last value was used. Claude Code never writes this.
        case duplicateKey = "duplicate-key"
        /// A `tool_use` whose `tool_result` never appeared: its outcome is unknown.
        case toolUseWithoutResult = "tool-use-without-result"
        /// A `tool_result` whose `tool_use` never appeared: a call may be missing.
        case toolResultWithoutUse = "tool-result-without-use"
        /// The same `tool_use` id appeared twice with different inputs.
        case duplicateToolUse = "duplicate-tool-use"
        /// The same `tool_use_id` got two different results.
        case duplicateToolResult = "duplicate-tool-result"
        /// No `result` event: the run did not finish, or the transcript is incomplete.
        case resultEventMissing = "result-event-missing"
        /// No `system`/`init` event: permission mode and tool set are unknown.
        case initEventMissing = "init-event-missing"
        /// A later `system`/`init` event differs from the first in permission mode, tools or MCP
        /// servers; the first was used.
        case multipleInitEvents = "multiple-init-events"
        /// The input was `--output-format json` without `--verbose`: a result only, so the
        /// agent's tool calls cannot be audited.
        case toolCallsUnavailable = "tool-calls-unavailable"
        /// A background task (`system`/`task_started`) never got its `task_notification`: work the
        /// agent started may still have been running, unrecorded, when the transcript ends.
        case taskNotNotified = "task-not-notified"
        /// The agent was invoked again (a `system`/`init`, assistant or user event) after the last
        /// `result`, and no result followed: the transcript ends mid-run.
        case activityAfterResult = "activity-after-result"
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// The 1-based line of the transcript where it was found, when it belongs to one line.
    var line: Int?
    /// What was wrong, in words; never quotes transcript content.
    var reason: String

    /// Creates a problem.
    /// - Parameters:
    ///   - kind: the kind of problem.
    ///   - line: the 1-based line it belongs to, if any.
    ///   - reason: the explanation, without transcript content.
    public init(kind: Kind, line: Int?, reason: String) {
        self.kind = kind
        self.line = line
        self.reason = reason
    }

    /// `line N: reason [kind]`, or `reason [kind]` without a line.
    public var description: String {
        if let line {
            return "line \(line): \(reason) [\(kind.rawValue)]"
        }
        return "\(reason) [\(kind.rawValue)]"
    }
}
