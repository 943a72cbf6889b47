import Foundation
@_spi(Fuzzing) @testable import PolicyEngine

/// A second agent, made up, to show what an `AgentAdapter` must say: `toy [--mode M] [--allow TOOL:PROGRAM]…
/// [--prompt TEXT]`, settings in `.toy/settings.json` (`{"allow": ["run_shell:npm"]}`), a transcript of
/// one JSON object a line, and tools called `run_shell`, `read_file`, `write_file` and `fetch_url`.
struct ToyAgent: AgentAdapter {
    var packageID: String { "toy-agent" }
    var programName: String { "toy" }
    var tools: any ToolVocabulary = ToyTools()

    struct ToyError: Error, CustomStringConvertible {
        var description: String
    }

    /// `run_shell:npm` grants what the policy calls `Bash(npm:*)`; `read_file` what it calls `Read`.
    static func grant(_ text: String) -> PermissionRule {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = ToyTools().meaning(ofTool: parts[0], input: .null).grantName
        return PermissionRule(parts.count == 2 ? "\(name)(\(parts[1]):*)" : name)
    }

    func readInvocation(_ argv: [String], source: String, repository: String,
                        extraOptions: [String: ClaudeArgumentParser.Arity]) throws -> AgentCommandLine {
        var invocation = AgentInvocation()
        invocation.argv = argv
        invocation.program = [argv.first ?? "toy"]
        var rest = argv.dropFirst()
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw ToyError(description: "\(source): \(option) needs a value") }
            switch option {
            case "--mode":
                invocation.permissionModeRaw = value
                invocation.permissionMode = PermissionMode(parsing: value)
            case "--allow": invocation.allowedTools.append(Self.grant(value))
            case "--prompt": invocation.prompt = value
            default: throw ToyError(description: "\(source): unknown option \(option)")
            }
            invocation.optionNames.append(option)
        }
        invocation.isPrint = true
        return AgentCommandLine(invocation: invocation)
    }

    func readSettings(repository: String) throws -> [AgentSettings] {
        let path = ".toy/settings.json"
        guard let data = FileManager.default.contents(atPath: repository + "/" + path) else { return [] }
        let bytes = [UInt8](data)
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        guard let allow = try parser.parseDocument()["allow"]?.arrayValue else { throw ToyError(description: "\(path): no allow list") }
        var settings = AgentSettings(path: path, scope: .project)
        settings.allow = allow.compactMap(\.stringValue).map(Self.grant)
        return [settings]
    }

    /// `{"call":"1","tool":"run_shell","args":{…}}`, `{"result":"1","error":false}` and, last, `{"end":"completed"}`.
    func readTranscript(path: String) throws -> Transcript {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ToyError(description: "\(path): unreadable") }
        var transcript = Transcript(name: path, initEvent: .init(cwd: nil))
        for (index, line) in text.split(separator: "\n").enumerated() {
            let bytes = Array(line.utf8)
            var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
            let event = try parser.parseDocument()
            if let id = event["call"]?.stringValue, let tool = event["tool"]?.stringValue {
                transcript.toolCalls.append(.init(id: id, name: tool, input: event["args"] ?? .null, line: index + 1, tools: tools))
            } else if let id = event["result"]?.stringValue, let call = transcript.toolCalls.firstIndex(where: { $0.id == id }) {
                transcript.toolCalls[call].result = .init(isError: event["error"]?.boolValue ?? true, text: "", line: index + 1)
            } else if let end = event["end"]?.stringValue {
                transcript.result = .init(subtype: "success", isError: end != "completed", terminalReason: end, line: index + 1)
            }
        }
        return transcript
    }
}

/// The toy agent's tools, in the gate's words.
struct ToyTools: ToolVocabulary {
    func meaning(ofTool tool: String, input: JSONValue) -> ToolMeaning {
        switch tool {
        case "run_shell": ToolMeaning(kind: .shell, grantName: "Bash", command: input["cmd"]?.stringValue)
        case "read_file": ToolMeaning(kind: .fileRead, grantName: "Read", filePath: input["path"]?.stringValue)
        case "write_file": ToolMeaning(kind: .fileWrite, grantName: "Write", filePath: input["path"]?.stringValue)
        case "fetch_url": ToolMeaning(kind: .webFetch, grantName: "WebFetch", url: input["url"]?.stringValue)
        default: ToolMeaning(kind: .other, grantName: tool)
        }
    }
}
