import Foundation

/// Claude Code's PreToolUse hook: the call the agent is about to make, judged by the policy before it
/// runs. The answer is a deny with a reason the model can act on, or nothing (Claude's own rules decide);
/// never an allow, which would skip Claude's own permission checks.
public enum PreToolUseHook {
    /// Why the hook could not judge the call. The hook exits 2 on it, which blocks the call.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        /// One line, never quoting the input.
        public var description: String
    }

    /// The call and where it runs, read from the hook's stdin.
    public struct Input: Sendable {
        /// The call.
        public var call: Transcript.ToolCall
        /// The `cwd` field.
        public var cwd: String
    }

    /// Reads the PreToolUse JSON.
    /// - Throws: `InputError` for anything but a PreToolUse object with a tool name and an input object.
    public static func parse(_ bytes: [UInt8]) throws(InputError) -> Input {
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        let document: JSONValue
        do {
            document = try parser.parseDocument()
        } catch {
            throw InputError(description: "the hook input is not JSON (line \(error.line), column \(error.column): \(error.reason))")
        }
        guard case .object = document else { throw InputError(description: "the hook input is not a JSON object") }
        if let event = document["hook_event_name"], event.stringValue != "PreToolUse" {
            throw InputError(description: "the hook input is not a PreToolUse event")
        }
        guard let name = document["tool_name"]?.stringValue, !name.isEmpty else {
            throw InputError(description: "the hook input has no tool_name")
        }
        guard let input = document["tool_input"], case .object = input else {
            throw InputError(description: "the hook input has no tool_input object")
        }
        guard let cwd = document["cwd"]?.stringValue, cwd.hasPrefix("/") else {
            throw InputError(description: "the hook input has no absolute cwd")
        }
        let id = document["tool_use_id"]?.stringValue ?? "hook"
        return Input(call: Transcript.ToolCall(id: id, name: name, input: input, line: 1), cwd: cwd)
    }

    /// The deny answer for the findings that block, or `nil` when none does.
    public static func answer(for findings: [Finding], policy: Policy) -> String? {
        let blocking = findings.filter { $0.action == .block }
        guard !blocking.isEmpty else { return nil }
        var lines = ["policy-gate refused this call before it ran (the merge request's policy, enforced live):"]
        var hinted = Set<String>()
        for finding in blocking {
            lines.append("- \(finding.rule): \(finding.message)")
        }
        for finding in blocking where hinted.insert(finding.rule).inserted {
            if let hint = hint(for: finding.rule, policy: policy) { lines.append(hint) }
        }
        let reason = lines.joined(separator: "\n")
        let object: JSONValue = .object([
            "hookSpecificOutput": .object([
                "hookEventName": .string("PreToolUse"),
                "permissionDecision": .string("deny"),
                "permissionDecisionReason": .string(reason),
            ]),
        ])
        return object.serialized()
    }

    /// What the policy allows instead, for each rule that can refuse a call.
    static func hint(for rule: String, policy: Policy) -> String? {
        switch rule {
        case TranscriptToolNotAllowedRule.description.id:
            let allowed = policy.agent.allow.map(\.text)
            let list = allowed.prefix(30).joined(separator: ", ") + (allowed.count > 30 ? ", …" : "")
            return "Allowed instead: \(allowed.isEmpty ? "no tools beyond Claude's read-only commands" : list) "
                + "(plus read-only commands such as ls, cat, grep, git status/diff/log). Use one of these."
        case TranscriptDangerousCommandRule.description.id:
            let hosts = policy.transcript.allowedHosts
            return "Allowed instead: commands that stay on this machine and in the repository, written out literally "
                + "(no program or script taken from a variable, eval or an option that runs another program); network "
                + "access only to \(hosts.isEmpty ? "no host" : hosts.joined(separator: ", ")); no uploads of files, "
                + "no downloaded scripts, no pushes."
        case TranscriptPathOutsideWorkspaceRule.description.id:
            return "Allowed instead: files inside the repository, by paths that stay in it. Not .git/ (commits are "
                + "made for you), not the gate's files (.policy-gate*), and no secret files (.env, keys, credentials) "
                + "anywhere."
        case TranscriptSecretExposureRule.description.id:
            return "Allowed instead: refer to a secret by its variable name without printing or expanding it; never put "
                + "a secret's value into a command or a file."
        case ProtectedPathRule.description.id:
            return "Allowed instead: leave protected files (\(policy.workspace.protected.patterns.prefix(8).map(\.text).joined(separator: ", "))) "
                + "unchanged and describe the change they need in your final answer, for a person to make."
        default:
            return nil
        }
    }
}
