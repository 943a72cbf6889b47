import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct PCRE2PatternTests {
    private func ranges(_ pattern: PCRE2Pattern, _ text: String) throws -> [Range<Int>] {
        var found: [Range<Int>] = []
        try Array(text.utf8).withUnsafeBufferPointer { buffer in
            try pattern.forEachMatch(in: buffer) { groups in
                if let whole = groups[0] { found.append(whole) }
            }
        }
        return found
    }

    @Test func compileErrorCarriesPCRE2MessageAndOffset() {
        #expect {
            _ = try PCRE2Pattern("abc(def")
        } throws: { error in
            guard let error = error as? NativeError else { return false }
            return error.library == .pcre2 && error.offset == 7 && error.message.contains("missing closing parenthesis")
        }
    }

    @Test func offsetsAreUTF8BytesNotCharacters() throws {
        let pattern = try PCRE2Pattern("t[0-9]+")
        // "é" is two bytes: the match starts at byte 3, not character 2.
        #expect(try ranges(pattern, "aé t42") == [4..<7])
    }

    @Test func dotMatchesOneCodePointInUTFMode() throws {
        #expect(try PCRE2Pattern("MB[^x]MB").matches("MBéMB"))
    }

    @Test func invalidUTF8IsScannedNotRejected() throws {
        let pattern = try PCRE2Pattern("key=([a-z]+)")
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("key=abc".utf8) + [0xC3]
        var found: [Range<Int>?] = []
        try bytes.withUnsafeBufferPointer { buffer in
            try pattern.forEachMatch(in: buffer) { found = $0 }
        }
        #expect(found.count == 2 && found[1] == 6..<9)
    }

    @Test func dollarMatchesOnlyAtTheVeryEnd() throws {
        let pattern = try PCRE2Pattern("ENDX$")
        #expect(try !pattern.matches("foo ENDX\n"))
        #expect(try pattern.matches("foo ENDX"))
    }

    @Test func caseInsensitiveFoldsUnicode() throws {
        #expect(try PCRE2Pattern("(?i)k").matches("\u{212A}"))
    }

    @Test func matchLimitIsAnErrorNotANoMatch() throws {
        let pattern = try PCRE2Pattern("(a+)+$", limits: .init(matchLimit: 10_000, depthLimit: 1_000))
        let subject = String(repeating: "a", count: 40) + "!"
        #expect(throws: NativeError.self) { try pattern.matches(subject) }
    }

    @Test func findsEveryNonOverlappingMatch() throws {
        let pattern = try PCRE2Pattern("a+")
        #expect(try ranges(pattern, "aa b aaa a") == [0..<2, 5..<8, 9..<10])
    }

    @Test func reportsCaptureGroups() throws {
        let pattern = try PCRE2Pattern("(x)?(y)")
        #expect(pattern.captureCount == 2)
        var groups: [Range<Int>?] = []
        try Array("y".utf8).withUnsafeBufferPointer { buffer in
            try pattern.forEachMatch(in: buffer) { groups = $0 }
        }
        #expect(groups == [0..<1, nil, 0..<1])
    }
}
