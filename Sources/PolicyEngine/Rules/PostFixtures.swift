import Foundation

/// Builders for post-stage rule examples.
extension Facts {
    /// Post-stage facts for a change given as files (path, status, modes, symlink target).
    public static func post(_ files: [ChangedFile], secrets: [SecretFinding] = [], environment: [String: String] = [:],
                            preState: PreState? = nil, gitMetadata: GitMetadata? = nil) -> Facts {
        Facts(stage: .post, ci: CIContext(environment: environment), changeSet: ChangeSet(files: files),
              changeSecrets: secrets, preState: preState, gitMetadata: gitMetadata, workspaceRoot: "/builds/acme/app",
              home: "/root")
    }

    /// Post-stage facts for a stream-json transcript given as lines.
    public static func post(transcript lines: [String], transcriptSecrets: [SecretFinding] = [],
                            grants: [String] = []) throws -> Facts {
        let transcript = try TranscriptReader.read(data: Data(lines.joined(separator: "\n").utf8), name: "transcript.jsonl")
        let state = PreState(baseline: String(repeating: "0", count: 40), gitConfigSHA256: nil, hooks: [:], policySource: "built-in",
                             policySHA256: "", grants: grants, permissionMode: "acceptEdits")
        return Facts(stage: .post, changeSet: ChangeSet(), transcript: transcript, transcriptSecrets: transcriptSecrets,
                     preState: state, workspaceRoot: "/builds/acme/app", home: "/root")
    }

    /// One stream-json transcript of a run: init, the given tool calls (name, input JSON, is_error), result.
    /// Calls at the indices in `refusedByHook` / `refusedByRules` carry the CLI's record of a refusal by a
    /// PreToolUse hook / by its permission rules, as 2.1.332 writes it.
    static func streamJSON(_ calls: [(name: String, input: String, isError: Bool)], complete: Bool = true,
                                  refusedByHook: Set<Int> = [], refusedByRules: Set<Int> = []) -> [String] {
        var lines = [#"{"type":"system","subtype":"init","cwd":"/builds/acme/app","session_id":"s","tools":["Bash","Read","Edit","Write"],"mcp_servers":[],"model":"m","permissionMode":"acceptEdits","claude_code_version":"2.1.240"}"#]
        for (index, call) in calls.enumerated() {
            lines.append(#"{"type":"assistant","message":{"role":"assistant","content":[{"type":"tool_use","id":"t\#(index)","name":"\#(call.name)","input":\#(call.input)}]},"session_id":"s"}"#)
            let source = refusedByHook.contains(index) ? "hook" : refusedByRules.contains(index) ? "config" : nil
            let meta = source.map { #","tool_result_meta":[{"id":"t\#(index)","non_execution_kind":"permission-rule","permission_decision":{"decision":"reject","source":"\#($0)","reason_type":"\#($0 == "hook" ? "hook" : "rule")"}}]"# } ?? ""
            lines.append(#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t\#(index)","content":"ok","is_error":\#(call.isError)}]},"session_id":"s"\#(meta)}"#)
        }
        if complete {
            lines.append(#"{"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"done","session_id":"s","permission_denials":[]}"#)
        }
        return lines
    }
}

extension ChangedFile {
    /// A modified regular file.
    static func modified(_ path: String, added: Int = 1) -> ChangedFile {
        ChangedFile(path: path, status: .modified, addedLines: added)
    }
}

extension PreState {
    /// A state for rule examples, with the CI files pre read.
    public static func example(ciFiles: [String] = [], ciFilePatterns: [String] = []) -> PreState {
        PreState(baseline: String(repeating: "0", count: 40), gitConfigSHA256: nil, hooks: [:], policySource: "built-in",
                 policySHA256: "", grants: [], permissionMode: "plan", ciFiles: ciFiles, ciFilePatterns: ciFilePatterns)
    }
}
