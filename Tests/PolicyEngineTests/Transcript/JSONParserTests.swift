import Foundation
import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("JSONParser and JSONValue")
struct JSONParserTests {
    private static func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue {
        let bytes = Array(text.utf8)
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        return try parser.parseDocument()
    }

    static let valid: [(text: String, value: JSONValue)] = [
        ("null", .null),
        (" true ", .bool(true)),
        ("-12.5e2", .number(-1250)),
        ("0", .number(0)),
        (#""a\"b\\c\/\n\u00e9\ud83d\ude00""#, .string("a\"b\\c/\né😀")),
        ("[1, [], {}]", .array([.number(1), .array([]), .object([:])])),
        (#"{"a": {"b": [true, null]}}"#, .object(["a": .object(["b": .array([.bool(true), .null])])])),
    ]

    @Test("valid documents", arguments: valid)
    func validDocument(_ testCase: (text: String, value: JSONValue)) throws {
        #expect(try Self.parse(testCase.text) == testCase.value)
    }

    static let invalid: [(text: String, unexpectedEnd: Bool)] = [
        ("", true), ("{", true), (#"{"a":"#, true), (#""abc"#, true), ("tru", true), ("[1,", true),
        ("01", false), ("1.", true), ("+1", false), (#"{"a" 1}"#, false), ("[1 2]", false), ("nul!", false),
        ("\"a\u{01}\"", false), (#""\x""#, false), ("{} {}", false), ("[1,]", false), ("{'a':1}", false),
    ]

    @Test("invalid documents", arguments: invalid)
    func invalidDocument(_ testCase: (text: String, unexpectedEnd: Bool)) {
        do {
            _ = try Self.parse(testCase.text)
            Issue.record("parsed invalid JSON")
        } catch {
            #expect(error.isUnexpectedEnd == testCase.unexpectedEnd, "\(error.reason)")
        }
    }

    @Test("located documents keep lines, offsets, member order and the number text; jsonValue is their view")
    func located() throws {
        let text = "{\n  \"b\": [1.50, \"x\"],\n  \"a\": {\"c\": null},\n  \"b\": true\n}"
        let bytes = Array(text.utf8)
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        let node = try parser.parseLocatedDocument()
        // A repeated key keeps its last value, at its last place.
        #expect(node.members?.map(\.key) == ["a", "b"])
        #expect(node.members?.map(\.line) == [3, 4])
        #expect(parser.sawDuplicateKey)
        #expect(node["a"]?.line == 3)
        #expect(node["a"]?["c"]?.typeName == "null")
        #expect(node["b"]?.bool == true)
        #expect(node.jsonValue == .object(["a": .object(["c": .null]), "b": .bool(true)]))
        var first = JSONParser(bytes: Array("[1.50, \"x\"]".utf8), start: 0, end: 12)
        let array = try first.parseLocatedDocument()
        #expect(array.array?.first?.scalarText == "1.50")
        #expect(array.array?.map(\.offset) == [1, 7])
        #expect(array.jsonValue == .array([.number(1.5), .string("x")]))
    }

    @Test("failures carry line and column in characters", arguments: [
        ("{\n  \"a\": 1,\n}", 3, 1, "expected a string key"),
        ("{\"é\": x}", 1, 7, "unexpected character, expected a value"),
        ("[1,\n 2", 2, 3, "unexpected end of input, expected ',' or ']' in array"),
        ("{\"a\": \"\\q\"}", 1, 8, "invalid escape in string"),
        ("{}\u{0}", 1, 3, "unexpected byte 0x00 after the end of the document"),
        ("\u{7}", 1, 1, "unexpected byte 0x07, expected a value"),
    ])
    func failurePosition(text: String, line: Int, column: Int, reason: String) {
        let bytes = Array(text.utf8)
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        do {
            _ = try parser.parseLocatedDocument()
            Issue.record("parsed invalid JSON")
        } catch {
            #expect(error.line == line && error.column == column && error.reason == reason)
        }
    }

    @Test("lone surrogates are repaired and flagged")
    func loneSurrogate() throws {
        let bytes = Array(#""a\ud800b""#.utf8)
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        #expect(try parser.parseDocument() == .string("a\u{FFFD}b"))
        #expect(parser.repairedInvalidUTF8)
    }

    @Test("serialization is compact with sorted keys, and round-trips through Codable")
    func serialization() throws {
        let value: JSONValue = .object(["b": .array([.number(1), .number(2.5), .null]), "a": .string("x\"\n\u{01}")])
        #expect(value.serialized() == #"{"a":"x\"\n\u0001","b":[1,2.5,null]}"#)
        let encoded = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == value)
        #expect(value["b"]?[1]?.doubleValue == 2.5)
        #expect(value["b"]?[0]?.intValue == 1)
        #expect(value["b"]?[1]?.intValue == nil)
        #expect(value["b"]?[9] == nil)
        #expect(value["a"]?.stringValue?.hasPrefix("x") == true)
    }
}
