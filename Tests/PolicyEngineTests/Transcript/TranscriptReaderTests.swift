import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// A variation of the spec's sample transcript and what reading it must give.
struct SampleVariant: Sendable, CustomTestStringConvertible {
    let name: String
    let build: @Sendable ([String]) -> String
    let format: Transcript.Format
    let toolCallIDs: [String]
    let toolCallLines: [Int]
    let problems: [Expected]
    let hasResult: Bool

    /// A problem kind and its line.
    struct Expected: Sendable, Equatable, CustomStringConvertible {
        let kind: TranscriptProblem.Kind
        let line: Int?
        var description: String { "\(kind.rawValue)@\(line.map(String.init) ?? "-")" }
    }

    var testDescription: String { name }
}

private let sampleIDs = ["toolu_01MR", "toolu_01BASH", "toolu_01READ", "toolu_01EDIT", "toolu_01WRITE", "toolu_01FETCH"]

@Suite("TranscriptReader")
struct TranscriptReaderTests {
    static let variants: [SampleVariant] = [
        SampleVariant(
            name: "stream-json as in the spec",
            build: { $0.joined(separator: "\n") + "\n" },
            format: .streamJSON, toolCallIDs: sampleIDs, toolCallLines: [2, 2, 4, 6, 6, 6], problems: [], hasResult: true
        ),
        SampleVariant(
            name: "CRLF line ends, blank lines, no final newline",
            build: { lines in lines.flatMap { [$0, ""] }.joined(separator: "\r\n") },
            format: .streamJSON, toolCallIDs: sampleIDs, toolCallLines: [3, 3, 7, 11, 11, 11], problems: [], hasResult: true
        ),
        SampleVariant(
            name: "json array, one line",
            build: { "[" + $0.joined(separator: ",") + "]" },
            format: .jsonArray, toolCallIDs: sampleIDs, toolCallLines: [1, 1, 1, 1, 1, 1], problems: [], hasResult: true
        ),
        SampleVariant(
            name: "json array, one element per line",
            build: { "[\n" + $0.joined(separator: ",\n") + "\n]\n" },
            format: .jsonArray, toolCallIDs: sampleIDs, toolCallLines: [3, 3, 5, 7, 7, 7], problems: [], hasResult: true
        ),
        SampleVariant(
            name: "truncated last line",
            build: { lines in
                var copy = lines
                copy[8] = String(copy[8].prefix(copy[8].count / 2))
                return copy.joined(separator: "\n")
            },
            format: .streamJSON, toolCallIDs: sampleIDs, toolCallLines: [2, 2, 4, 6, 6, 6],
            problems: [.init(kind: .truncatedLastLine, line: 9), .init(kind: .resultEventMissing, line: nil)],
            hasResult: false
        ),
        SampleVariant(
            name: "cut off after a tool_use, no result event",
            build: { $0.prefix(6).joined(separator: "\n") + "\n" },
            format: .streamJSON, toolCallIDs: sampleIDs, toolCallLines: [2, 2, 4, 6, 6, 6],
            problems: [
                .init(kind: .toolUseWithoutResult, line: 6), .init(kind: .toolUseWithoutResult, line: 6),
                .init(kind: .toolUseWithoutResult, line: 6), .init(kind: .resultEventMissing, line: nil),
            ],
            hasResult: false
        ),
        SampleVariant(
            name: "malformed middle line",
            build: { lines in
                var copy = lines
                copy[3] = "{\"type\":\"assistant\",\"message\":{\"content\":[oops]}}"
                return copy.joined(separator: "\n")
            },
            format: .streamJSON, toolCallIDs: ["toolu_01MR", "toolu_01BASH", "toolu_01EDIT", "toolu_01WRITE", "toolu_01FETCH"],
            toolCallLines: [2, 2, 6, 6, 6],
            problems: [.init(kind: .malformedLine, line: 4), .init(kind: .toolResultWithoutUse, line: 5)],
            hasResult: true
        ),
        SampleVariant(
            name: "tool_use without result",
            build: { lines in lines.enumerated().filter { $0.offset != 6 }.map(\.element).joined(separator: "\n") },
            format: .streamJSON, toolCallIDs: sampleIDs, toolCallLines: [2, 2, 4, 6, 6, 6],
            problems: [
                .init(kind: .toolUseWithoutResult, line: 6), .init(kind: .toolUseWithoutResult, line: 6),
                .init(kind: .toolUseWithoutResult, line: 6),
            ],
            hasResult: true
        ),
        SampleVariant(
            name: "truncated json array",
            build: { lines in
                let text = "[\n" + lines.joined(separator: ",\n") + "\n]"
                return String(text.prefix(text.count - 200))
            },
            format: .jsonArray, toolCallIDs: sampleIDs, toolCallLines: [3, 3, 5, 7, 7, 7],
            problems: [.init(kind: .truncatedLastLine, line: 10), .init(kind: .resultEventMissing, line: nil)],
            hasResult: false
        ),
    ]

    @Test("sample transcript variants", arguments: variants)
    func sampleVariant(_ variant: SampleVariant) throws {
        let lines = try Fixture.lines("sample-stream.jsonl")
        #expect(lines.count == 9)
        let data = Data(variant.build(lines).utf8)
        let transcript = try TranscriptReader.read(data: data, name: "sample")
        #expect(transcript.format == variant.format)
        #expect(transcript.toolCalls.map(\.id) == variant.toolCallIDs)
        #expect(transcript.toolCalls.map(\.line) == variant.toolCallLines)
        let problems = transcript.problems.map { SampleVariant.Expected(kind: $0.kind, line: $0.line) }
        #expect(problems == variant.problems, "\(transcript.problems)")
        #expect((transcript.result != nil) == variant.hasResult)
        #expect(transcript.initEvent?.permissionMode == "acceptEdits")
        #expect(transcript.isComplete == variant.problems.isEmpty)
    }

    @Test("the spec's sample transcript, field by field")
    func sampleFields() throws {
        let transcript = try TranscriptReader.read(data: try Fixture.data("sample-stream.jsonl"), name: "sample-stream.jsonl")
        let initEvent = try #require(transcript.initEvent)
        #expect(initEvent.tools.count == 11)
        #expect(initEvent.tools.contains("mcp__gitlab__get_merge_request"))
        #expect(initEvent.claudeCodeVersion == "2.1.240")
        #expect(initEvent.cwd == "/builds/acme/web")
        #expect(initEvent.model == "claude-sonnet-4-5-20250929")
        #expect(initEvent.mcpServers == [Transcript.MCPServer(name: "gitlab", status: "connected")])
        #expect(initEvent.sessionID == "7f1c2a90-4b1e-4c55-9d0e-2f6a8b3c1d44")
        #expect(initEvent.apiKeySource == "ANTHROPIC_API_KEY")
        #expect(initEvent.line == 1)

        let calls = transcript.toolCalls
        #expect(calls.map(\.name) == ["mcp__gitlab__get_merge_request", "Bash", "Read", "Edit", "Write", "WebFetch"])
        #expect(calls[0].isMCP)
        #expect(calls[0].input["merge_request_iid"]?.intValue == 42)
        #expect(calls[0].result?.text == "{\"iid\":42,\"target_branch\":\"main\",\"source_branch\":\"fix/cart-total\"}")
        #expect(calls[0].result?.isError == false)
        #expect(calls[1].command == "npm test -- --runInBand src/cart")
        #expect(calls[1].result?.isError == true)
        #expect(calls[1].result?.line == 3)
        #expect(calls[2].filePath == "/builds/acme/web/src/cart/total.ts")
        #expect(calls[3].filePath == "/builds/acme/web/src/cart/total.ts")
        #expect(calls[4].filePath == "/builds/acme/web/CHANGELOG.d/42.md")
        #expect(calls[5].url == "https://example.com/pricing-spec")
        #expect(calls[5].result?.isError == true)
        #expect(calls.allSatisfy { !$0.isSubagent })
        #expect(calls[1].filePath == nil && calls[2].command == nil)

        let result = try #require(transcript.result)
        #expect(result.subtype == "success")
        #expect(result.isError == false)
        #expect(result.numTurns == 5)
        #expect(result.terminalReason == "completed")
        #expect(result.stopReason == "end_turn")
        #expect(result.totalCostUSD == 0.0412)
        #expect(result.line == 9)
        #expect(result.permissionDenials.count == 1)
        #expect(result.permissionDenials.first?.toolName == "WebFetch")
        #expect(result.permissionDenials.first?.toolUseID == "toolu_01FETCH")
        #expect(result.permissionDenials.first?.input["url"]?.stringValue == "https://example.com/pricing-spec")
        #expect(!result.isCleanSuccess)
        #expect(transcript.problems.isEmpty)
        #expect(transcript.eventCount == 9)
        #expect(transcript.unknownEventCount == 0)
    }

    @Test("--output-format json: one result object")
    func singleObject() throws {
        let text = """
        {"type":"result","subtype":"success","is_error":false,"duration_ms":2100,"duration_api_ms":1700,"num_turns":2,\
        "result":"done","stop_reason":"end_turn","session_id":"s1","total_cost_usd":0.0017,"usage":{},"modelUsage":{},\
        "permission_denials":[],"terminal_reason":"completed","uuid":"u1"}
        """
        let transcript = try TranscriptReader.read(data: Data(text.utf8), name: "out.json")
        #expect(transcript.format == .jsonObject)
        #expect(transcript.result?.isCleanSuccess == true)
        #expect(transcript.result?.numTurns == 2)
        #expect(transcript.toolCalls.isEmpty)
        #expect(transcript.problems.map(\.kind) == [.toolCallsUnavailable])
    }

    @Test("pretty-printed single object, older cost_usd field")
    func prettySingleObject() throws {
        let text = "{\n  \"type\": \"result\",\n  \"subtype\": \"error_max_turns\",\n  \"is_error\": true,\n  \"cost_usd\": 1.5\n}\n"
        let transcript = try TranscriptReader.read(data: Data(text.utf8), name: "out.json")
        #expect(transcript.format == .jsonObject)
        #expect(transcript.result?.subtype == "error_max_turns")
        #expect(transcript.result?.isError == true)
        #expect(transcript.result?.totalCostUSD == 1.5)
    }

    @Test("defensive shapes: top-level content, subagent calls, string content, unknown events")
    func defensiveShapes() throws {
        let lines = [
            #"{"type":"system","subtype":"init","tools":["Agent","Bash"],"permissionMode":"dontAsk","mcp_servers":[]}"#,
            #"{"type":"assistant","content":[{"type":"tool_use","id":"t_agent","name":"Agent","input":{"prompt":"p"}}]}"#,
            #"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t_sub","name":"Bash","input":{"command":"ls"}}]},"parent_tool_use_id":"t_agent"}"#,
            #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t_sub","content":[{"type":"text","text":"a"},{"type":"image","source":{}},{"type":"text","text":"b"}]}]},"parent_tool_use_id":"t_agent"}"#,
            #"{"type":"user","content":[{"type":"tool_result","tool_use_id":"t_agent","content":"done"}]}"#,
            #"{"type":"rate_limit_event","info":{}}"#,
            #"{"type":"future_event","x":1}"#,
            #"{"type":"system","subtype":"hook_response","hook_name":"h"}"#,
            #"{"type":"user","message":{"role":"user","content":"a plain prompt"}}"#,
            #"{"type":"result","subtype":"success","is_error":false,"permission_denials":[{"tool_name":"Write","tool_use_id":"t_x","tool_input":{"file_path":"/etc/x"}}]}"#,
        ]
        let transcript = try TranscriptReader.read(data: Data(lines.joined(separator: "\n").utf8), name: "t")
        #expect(transcript.problems.isEmpty, "\(transcript.problems)")
        #expect(transcript.toolCalls.map(\.id) == ["t_agent", "t_sub"])
        #expect(transcript.toolCalls[1].isSubagent)
        #expect(transcript.toolCalls[1].parentToolUseID == "t_agent")
        #expect(transcript.toolCalls[1].result?.text == "a\nb")
        #expect(transcript.toolCalls[1].result?.hasNonTextContent == true)
        #expect(transcript.toolCalls[0].result?.text == "done")
        #expect(transcript.unknownEventCount == 1)
        #expect(transcript.result?.permissionDenials.first?.input["file_path"]?.stringValue == "/etc/x")
        #expect(transcript.initEvent?.permissionMode == "dontAsk")
    }

    @Test("suspicious JSON: duplicate keys, invalid UTF-8 and different duplicate tool_use")
    func suspiciousJSON() throws {
        var bytes = Array(#"{"type":"system","subtype":"init","tools":[],"permissionMode":"plan","permissionMode":"bypassPermissions"}"#.utf8)
        bytes += Array("\n".utf8)
        bytes += Array(#"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls "#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""}}]}}"#.utf8) + [0x0A]
        bytes += Array(#"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"rm -rf /"}}]}}"#.utf8) + [0x0A]
        bytes += Array(#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}}"#.utf8) + [0x0A]
        bytes += Array(#"{"type":"result","subtype":"success","is_error":false}"#.utf8)
        let transcript = try TranscriptReader.read(data: Data(bytes), name: "t")
        #expect(transcript.initEvent?.permissionMode == "bypassPermissions")
        #expect(transcript.problems.map(\.kind) == [.duplicateKey, .invalidUTF8, .duplicateToolUse])
        #expect(transcript.toolCalls.count == 2)
        #expect(transcript.toolCalls[0].command == "ls \u{FFFD}\u{FFFD}")
        #expect(transcript.toolCalls[1].command == "rm -rf /")
    }

    @Test("repeated init and result events")
    func repeatedEvents() throws {
        let initLine = #"{"type":"system","subtype":"init","tools":["Bash"],"permissionMode":"plan","mcp_servers":[]}"#
        let lines = [
            initLine,
            initLine,
            #"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"permission_denials":[{"tool_name":"Bash","tool_use_id":"a","tool_input":{}}]}"#,
            #"{"type":"system","subtype":"init","tools":["Bash"],"permissionMode":"bypassPermissions","mcp_servers":[]}"#,
            #"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":2,"permission_denials":[{"tool_name":"Bash","tool_use_id":"a","tool_input":{}},{"tool_name":"Write","tool_use_id":"b","tool_input":{}}]}"#,
        ]
        let transcript = try TranscriptReader.read(data: Data(lines.joined(separator: "\n").utf8), name: "t")
        #expect(transcript.problems.map(\.kind) == [.multipleInitEvents])
        #expect(transcript.problems.first?.line == 4)
        #expect(transcript.initEvent?.permissionMode == "plan")
        #expect(transcript.result?.subtype == "error_max_turns")
        #expect(transcript.result?.numTurns == 2)
        #expect(transcript.result?.line == 5)
        #expect(transcript.result?.permissionDenials.map(\.toolName) == ["Bash", "Write"])
    }

    @Test("shape errors inside valid JSON are problems, not silence")
    func malformedEvents() throws {
        let lines = [
            #"{"type":"system","subtype":"init"}"#,
            #"{"message":{}}"#,
            #"[1,2]"#,
            #"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{}}]}}"#,
            #"{"type":"result","subtype":"success"}"#,
        ]
        let transcript = try TranscriptReader.read(data: Data(lines.joined(separator: "\n").utf8), name: "t")
        let found = transcript.problems.map { SampleVariant.Expected(kind: $0.kind, line: $0.line) }
        #expect(found == [
            .init(kind: .malformedEvent, line: 1), .init(kind: .malformedEvent, line: 1),
            .init(kind: .malformedEvent, line: 2), .init(kind: .malformedLine, line: 3),
            .init(kind: .malformedEvent, line: 4), .init(kind: .malformedEvent, line: 5),
        ], "\(transcript.problems)")
        #expect(transcript.result?.isError == nil)
    }

    // MARK: - Errors

    /// Inputs that hold nothing usable and the error they must raise.
    struct FailureCase: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let sizeLimit: Int
        let expected: TranscriptError
        var testDescription: String { name }
    }

    static let failures: [FailureCase] = [
        FailureCase(name: "empty", bytes: [], sizeLimit: 1024, expected: .empty(file: "t")),
        FailureCase(name: "whitespace", bytes: Array(" \n\r\n\t".utf8), sizeLimit: 1024, expected: .empty(file: "t")),
        FailureCase(name: "UTF-8 BOM only", bytes: [0xEF, 0xBB, 0xBF, 0x0A], sizeLimit: 1024, expected: .empty(file: "t")),
        FailureCase(name: "plain text", bytes: Array("hello world\n".utf8), sizeLimit: 1024,
                    expected: .notJSON(file: "t", line: 1, reason: "unexpected character, expected a value")),
        FailureCase(name: "UTF-16", bytes: [0xFF, 0xFE, 0x7B, 0x00], sizeLimit: 1024,
                    expected: .notUTF8(file: "t", reason: "UTF-16 or UTF-32 byte order mark")),
        FailureCase(name: "binary", bytes: [0x7B, 0x00, 0x01, 0x02], sizeLimit: 1024,
                    expected: .notUTF8(file: "t", reason: "NUL bytes at the start (UTF-16 or binary data)")),
        FailureCase(name: "too large", bytes: Array(#"{"type":"result","is_error":false}"#.utf8), sizeLimit: 10,
                    expected: .tooLarge(file: "t", limit: 10)),
        FailureCase(name: "array of numbers", bytes: Array("[1,2,3]".utf8), sizeLimit: 1024,
                    expected: .noUsableEvents(file: "t", reason: "no array element is an event object with a 'type'")),
        FailureCase(name: "lines without type", bytes: Array("{\"a\":1}\n{\"b\":2}\n".utf8), sizeLimit: 1024,
                    expected: .noUsableEvents(file: "t", reason: "no line is an event object with a 'type'")),
        FailureCase(name: "lone truncated line", bytes: Array(#"{"type":"assistant","mess"#.utf8), sizeLimit: 1024,
                    expected: .notJSON(file: "t", line: 1, reason: "unexpected end of input")),
        FailureCase(name: "deep nesting", bytes: Array(String(repeating: "[", count: 100_000).utf8), sizeLimit: 1 << 20,
                    expected: .notJSON(file: "t", line: 1, reason: "nesting deeper than 512 levels")),
    ]

    @Test("nothing usable throws", arguments: failures)
    func failure(_ testCase: FailureCase) {
        #expect(throws: testCase.expected) {
            try TranscriptReader.read(data: Data(testCase.bytes), name: "t", sizeLimit: testCase.sizeLimit)
        }
    }

    @Test("messages never quote transcript content")
    func noContentInMessages() throws {
        let secret = "glpat-SECRETSECRETSECRET1234"
        let lines = [
            #"{"type":"system","subtype":"init","tools":[],"permissionMode":"plan"}"#,
            #"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"echo \#(secret)"}}]}}"#,
            "{\"type\":\"user\",\"message\":{\"content\":[\(secret)]}}",
            #"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"curl -H 'x: \#(secret)"#,
        ]
        let transcript = try TranscriptReader.read(data: Data(lines.joined(separator: "\n").utf8), name: "t")
        #expect(transcript.problems.map(\.kind) == [.toolUseWithoutResult, .malformedLine, .truncatedLastLine, .resultEventMissing])
        for problem in transcript.problems {
            #expect(!problem.description.contains("SECRET"))
        }
        do {
            _ = try TranscriptReader.read(data: Data("not json \(secret)".utf8), name: "t")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("SECRET"))
            #expect(error.description == "t:1: transcript is not JSON: invalid literal, expected a value")
        }
    }

    // MARK: - Files

    @Test("reading from a path, and path errors")
    func readPath() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.jsonl")
        try Fixture.data("sample-stream.jsonl").write(to: file)

        let transcript = try TranscriptReader.read(path: file.path)
        #expect(transcript.name == file.path)
        #expect(transcript.toolCalls.count == 6)

        #expect(throws: TranscriptError.tooLarge(file: file.path, limit: 100)) {
            try TranscriptReader.read(path: file.path, sizeLimit: 100)
        }
        let missing = directory.appendingPathComponent("missing.jsonl").path
        #expect(throws: TranscriptError.unreadable(file: missing, reason: "no such file")) {
            try TranscriptReader.read(path: missing)
        }
        #expect(throws: TranscriptError.unreadable(file: directory.path, reason: "is a directory")) {
            try TranscriptReader.read(path: directory.path)
        }
    }

    @Test("error descriptions name file, line and reason")
    func errorDescriptions() {
        #expect(TranscriptError.notJSON(file: "a.jsonl", line: 3, reason: "x").description == "a.jsonl:3: transcript is not JSON: x")
        #expect(TranscriptError.empty(file: "a.jsonl").description == "a.jsonl: transcript is empty")
        #expect(TranscriptError.empty(file: "a.jsonl").line == nil)
        let problem = TranscriptProblem(kind: .truncatedLastLine, line: 9, reason: "cut")
        #expect(problem.description == "line 9: cut [truncated-last-line]")
    }
}
