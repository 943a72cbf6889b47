import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("Strings")
struct TOMLStringTests {
    /// `(document defining key s, expected value of s)`.
    static let cases: [(String, String)] = [
        (#"s = "plain""#, "plain"),
        (#"s = "tab\there""#, "tab\there"),
        (#"s = "\b\t\n\f\r\"\\""#, "\u{08}\t\n\u{0C}\r\"\\"),
        (#"s = "\u00E9\U0001F600 \u0000""#, "é😀 \u{0}"),
        (#"s = "\u00e9 lower-case hex""#, "é lower-case hex"),
        (#"s = "日本語 ʎǝʞ""#, "日本語 ʎǝʞ"),
        ("s = \"a\tb\"", "a\tb"),
        (#"s = 'C:\Users\nodejs\templates'"#, #"C:\Users\nodejs\templates"#),
        (#"s = 'Tom "Dubs" Preston-Werner'"#, #"Tom "Dubs" Preston-Werner"#),
        (#"s = '<\i\c*\s*>'"#, #"<\i\c*\s*>"#),
        ("s = 'a\tb'", "a\tb"),
        (#"s = """#, ""),
        (#"s = ''"#, ""),
        (#"s = """""""#, ""),
        (#"s = ''''''"#, ""),
        ("s = \"\"\"\nRoses are red\nViolets are blue\"\"\"", "Roses are red\nViolets are blue"),
        ("s = \"\"\"\n\nsecond newline kept\"\"\"", "\nsecond newline kept"),
        ("s = \"\"\"\n\"\"\"", ""),
        (
            #"""
            s = """
            The quick brown \


              fox jumps over \
                the lazy dog."""
            """#,
            "The quick brown fox jumps over the lazy dog."
        ),
        (
            #"""
            s = """\
                   The quick brown \
                   fox jumps over \
                   the lazy dog.\
                   """
            """#,
            "The quick brown fox jumps over the lazy dog."
        ),
        ("s = \"\"\"a \\ \t \n   \t\n  b\"\"\"", "a b"),
        ("s = \"\"\"a\\\r\n  b\"\"\"", "ab"),
        (#"s = """Here are two quotation marks: "". Simple enough.""""#, #"Here are two quotation marks: "". Simple enough."#),
        (#"s = """Here are three quotation marks: ""\".""""#, #"Here are three quotation marks: """."#),
        (
            #"s = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\".""""#,
            "Here are fifteen quotation marks: " + String(repeating: "\"", count: 15) + "."
        ),
        (
            #"s = """"This," she said, "is just a pointless statement."""""#,
            #""This," she said, "is just a pointless statement.""#
        ),
        (#"s = """a""""""#, #"a"""#),
        (#"s = """"""""#, #"""#),
        (#"s = '''''''"#, "'"),
        (#"s = """\tx\u0041\"""""#, "\txA\""),
        (
            "s = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
            "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"
        ),
        (#"s = '''I [dw]on't need \d{2} apples'''"#, #"I [dw]on't need \d{2} apples"#),
        (#"s = '''Here are fifteen quotation marks: """""""""""""""'''"#, "Here are fifteen quotation marks: " + String(repeating: "\"", count: 15)),
        (#"s = ''''That,' she said, 'is still pointless.''''"#, "'That,' she said, 'is still pointless.'"),
        (#"s = '''a'''''"#, "a''"),
        (#"s = '''\n'''"#, #"\n"#),
        ("s = \"\"\"\r\nCRLF\r\nlines\"\"\"", "CRLF\nlines"),
        ("s = '''\r\nCRLF\r\nlines'''", "CRLF\nlines"),
        ("s = '''tab\there'''", "tab\there"),
    ]

    @Test("strings decode", arguments: cases)
    func decodes(toml: String, expected: String) throws {
        let table = try TOMLParser.parse(toml)
        #expect(table["s"] == .string(expected))
    }

    @Test("multi-line strings advance the line counter")
    func multilineLineCounting() throws {
        let toml = "a = \"\"\"\none\ntwo\"\"\"\nb = '''\r\nx\r\n'''\nc = \"\"\"x\\\n\n  y\"\"\"\nd = 1\n"
        let table = try TOMLParser.parse(toml)
        #expect(table.line(of: "a") == 1)
        #expect(table.line(of: "b") == 4)
        #expect(table.line(of: "c") == 7)
        #expect(table.line(of: "d") == 10)
        #expect(table["c"] == .string("xy"))
    }

    @Test("quoted keys use string rules")
    func quotedKeys() throws {
        let table = try TOMLParser.parse(#"""
            "key with \"escapes\" \u00E9" = 1
            'literal \n key' = 2
            "" = 3
            """#)
        #expect(table.keys == [#"key with "escapes" é"#, #"literal \n key"#, ""])
    }
}
