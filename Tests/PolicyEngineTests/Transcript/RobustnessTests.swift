import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine
import TestSupport

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

@Suite("Robustness", .tags(.seeded))
struct RobustnessTests {
    @Test("every truncation point of the sample is read or rejected, never crashes", arguments: [1, 2, 3])
    func truncations(_ seed: UInt64) throws {
        let data = try Fixture.data("sample-stream.jsonl")
        var generator = SeededGenerator(state: seed)
        for _ in 0..<150 {
            let cut = Int.random(in: 0...data.count, using: &generator)
            let prefix = data.prefix(cut)
            do {
                let transcript = try TranscriptReader.read(data: prefix, name: "t")
                if cut < data.count - 1 {
                    #expect(!transcript.problems.isEmpty, "cut at \(cut) read as complete")
                }
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test("random byte damage never crashes the reader", arguments: [7, 8, 9])
    func byteDamage(_ seed: UInt64) throws {
        let original = [UInt8](try Fixture.data("sample-stream.jsonl"))
        var generator = SeededGenerator(state: seed)
        for _ in 0..<100 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            let data = Data(bytes)
            do {
                let transcript = try TranscriptReader.read(data: data, name: "t")
                // Invalid UTF-8 is either repaired inside a string or breaks the JSON: never read silently.
                if String(validating: bytes, as: UTF8.self) == nil {
                    #expect(!transcript.problems.isEmpty, "damaged bytes read without a problem")
                }
                let again = try TranscriptReader.read(data: data, name: "t")
                #expect(again.problems.map(\.kind) == transcript.problems.map(\.kind), "two reads differ")
            } catch {
                #expect(!error.description.isEmpty && !error.description.contains("\n"), "one-line error: \(error.description)")
            }
        }
    }

    @Test("random shell text never crashes or hangs the analyzer", arguments: [11, 12, 13, 14])
    func randomShell(_ seed: UInt64) {
        let alphabet = Array("ab c$()`'\"\\|&;<>{}[]!#*~=\n\t-/.0123456789EOF<<").map(String.init)
            + ["curl ", "bash -c ", "rm -rf ", "$(", "<<EOF\n", "\nEOF\n", "case ", " in ", " esac", "for ", " do ", " done", "[[ ", " ]]", "$((", "))", "${", "}", "eval ", "| sh"]
        var generator = SeededGenerator(state: seed)
        let analyzer = BashCommandAnalyzer(workspaceRoot: "/w", allowedHosts: [])
        for _ in 0..<300 {
            let length = Int.random(in: 0...60, using: &generator)
            let command = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }.joined()
            let analysis = analyzer.analyze(command)
            for finding in analysis.findings {
                #expect(finding.snippet.count <= DangerousCommandFinding.maxSnippetLength)
            }
        }
    }

    /// A named, generated input (the name keeps test output short).
    struct Generated: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        init(_ name: String, _ text: String) {
            self.name = name
            self.text = text
        }
        var testDescription: String { name }
    }

    static let pathological: [Generated] = [
        Generated("100k keywords", String(repeating: "then ", count: 100_000) + "ls"),
        Generated("50k ${", String(repeating: "${", count: 50_000)),
        Generated("20k $(", String(repeating: "$(", count: 20_000)),
        Generated("20k \"$(", String(repeating: "\"$(", count: 20_000)),
        Generated("50k $((", String(repeating: "$((", count: 50_000)),
        Generated("20k <(", String(repeating: "<(", count: 20_000)),
        Generated("50k backquotes", String(repeating: "`", count: 50_001)),
        Generated("50k braces", String(repeating: "{ ", count: 50_000)),
        Generated("20k case", String(repeating: "case x in ", count: 20_000)),
        Generated("20k pipes", String(repeating: "a | ", count: 20_000) + "b"),
        Generated("10k here-documents", String(repeating: "cat <<E\n", count: 10_000)),
        Generated("200 kB word", "curl " + String(repeating: "a", count: 200_000)),
    ]

    @Test("pathological shell input ends in a result, not a crash or a hang", arguments: pathological)
    func pathologicalShell(_ input: Generated) {
        let analysis = BashCommandAnalyzer(workspaceRoot: "/w").analyze(input.text)
        #expect(analysis.findings.allSatisfy { $0.snippet.count <= DangerousCommandFinding.maxSnippetLength })
    }

    @Test("deep substitutions across several bash -c levels hit the walk limit")
    func walkDepthLimit() {
        var command = "ls"
        for _ in 0..<6 {
            let quoted = "'" + command.replacingOccurrences(of: "'", with: "'\\''") + "'"
            command = String(repeating: "$(", count: 60) + "bash -c " + quoted + String(repeating: ")", count: 60)
        }
        let analysis = BashCommandAnalyzer(workspaceRoot: "/w").analyze(command)
        #expect(analysis.findings.contains { $0.kind == .unparseable && $0.reason.contains("256") })
    }

    @Test("a large transcript reads in one pass")
    func largeTranscript() throws {
        let lines = try Fixture.lines("sample-stream.jsonl")
        var text = lines[0] + "\n"
        var ids: [String] = []
        for index in 0..<20_000 {
            let id = "toolu_\(index)"
            ids.append(id)
            text += #"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"\#(id)","name":"Bash","input":{"command":"npm test -- \#(index)"}}]}}"# + "\n"
            text += #"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"\#(id)","content":"\#(String(repeating: "x", count: 200))"}]}}"# + "\n"
        }
        text += lines[8] + "\n"
        let transcript = try TranscriptReader.read(data: Data(text.utf8), name: "big")
        #expect(transcript.toolCalls.count == 20_000)
        #expect(transcript.problems.isEmpty)
        #expect(transcript.toolCalls.last?.line == 40_000)
    }
}
