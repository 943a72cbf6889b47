import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// Malformed input must produce errors, never traps.
@Suite("Robustness")
struct TOMLRobustnessTests {
    static let sample = #"""
        # sample
        title = "T\u00E9st \"quoted\""
        [owner]
        name = 'Tom'
        dob = 1979-05-27T07:32:00-08:00
        [database]
        ports = [ 8000, 8001, 0x1F, 0o17, 0b11 ]
        data = [ ["delta", "phi"], [3.14, -inf, nan] ]
        temp_targets = { cpu = 79.5, case = 72.0 }
        [[servers]]
        ip = "10.0.0.1"
        role = """
        front\
          end"""
        [[servers.tags]]
        x.y = '''a'b'''
        [servers.meta]
        "quoted key" = 1_000
        """#

    @Test("every prefix of a document parses or fails cleanly")
    func prefixes() {
        let bytes = Array(Self.sample.utf8)
        var failures = 0
        for length in 0...bytes.count {
            let text = String(decoding: bytes[0..<length], as: UTF8.self)
            if let error = TOMLTestSupport.parseError(text) {
                failures += 1
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        #expect(failures > 0)
        #expect(TOMLTestSupport.parseError(Self.sample) == nil)
    }

    @Test("random byte edits parse or fail cleanly")
    func mutations() {
        let bytes = Array(Self.sample.utf8)
        let alphabet = Array("[]{}\"'\\=.,#\n\r\t _-+:0123456789abcxyzTZe".utf8) + [0x00, 0x7F, 0xC3, 0xA9]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0...next(3) {
                let position = next(mutated.count)
                switch next(3) {
                case 0: mutated[position] = alphabet[next(alphabet.count)]
                case 1: mutated.insert(alphabet[next(alphabet.count)], at: position)
                default: mutated.remove(at: position)
                }
            }
            let text = String(decoding: mutated, as: UTF8.self)
            if let error = TOMLTestSupport.parseError(text) {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
    }

    @Test("pathological inputs fail without exhausting the stack")
    func pathological() {
        let cases = [
            String(repeating: "[", count: 200_000),
            "a = " + String(repeating: "{a = ", count: 50_000),
            "a = " + String(repeating: "[{a=", count: 50_000),
            String(repeating: "a.", count: 50_000) + "a = 1",
            "[" + String(repeating: "a.", count: 50_000) + "a]",
            String(repeating: "\"", count: 100_000),
            "a = " + String(repeating: "\\", count: 1000),
        ]
        for text in cases {
            #expect(TOMLTestSupport.parseError(text) != nil)
        }
    }

    @Test("many sections and long arrays stay fast enough")
    func volume() throws {
        var text = ""
        for index in 0..<5000 {
            text += "[[rules]]\nid = \"r\(index)\"\nregex = '''(?i)x\(index)'''\nkeywords = [\"a\", \"b\",]\n"
        }
        let table = try TOMLParser.parse(text)
        #expect(table["rules"]?.arrayValue?.count == 5000)
    }
}
