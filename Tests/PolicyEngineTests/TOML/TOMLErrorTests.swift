import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// An invalid document and what the parser must say about it.
struct TOMLErrorCase: Sendable, CustomTestStringConvertible {
    let toml: String
    let line: Int
    let column: Int?
    let fragment: String

    init(_ toml: String, line: Int, column: Int? = nil, _ fragment: String) {
        self.toml = toml
        self.line = line
        self.column = column
        self.fragment = fragment
    }

    var testDescription: String {
        String(reflecting: toml)
    }
}

@Suite("Errors")
struct TOMLErrorTests {
    static let definitionErrors: [TOMLErrorCase] = [
        .init("a = 1\na = 2", line: 2, column: 1, "duplicate key 'a' (first defined on line 1)"),
        .init("name = \"Tom\"\n\"name\" = \"Pradyun\"", line: 2, "duplicate key 'name'"),
        .init("spelling = 1\n'spelling' = 2", line: 2, "duplicate key 'spelling'"),
        .init("[t]\nx.y = 1\nx.y = 2", line: 3, column: 3, "duplicate key 't.x.y'"),
        .init("a = { b = 1, b = 2 }", line: 1, column: 14, "duplicate key 'b'"),
        .init("[fruit]\napple = \"red\"\n\n[fruit]\norange = \"orange\"", line: 4, column: 2, "table 'fruit' is already defined (line 1)"),
        .init("[a.b]\n[a]\n[a]", line: 3, "table 'a' is already defined (line 2)"),
        .init("[fruit]\napple = \"red\"\n\n[fruit.apple]\ntexture = \"smooth\"", line: 4, column: 8, "'fruit.apple' is already defined as a string (line 2), not a table"),
        .init("a = 1\na.b = 2", line: 2, "'a' is already defined as an integer"),
        .init("a.b = 1\n[a]", line: 2, "table 'a' was already defined by dotted keys (line 1)"),
        .init("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple]", line: 4, "table 'fruit.apple' was already defined by dotted keys (line 2)"),
        .init("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.taste]", line: 4, "table 'fruit.apple.taste' was already defined by dotted keys (line 3)"),
        .init("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", line: 4, column: 3, "cannot add to table 'a.b.c' with dotted keys: it is defined by a table header (line 1)"),
        .init("[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1", line: 4, "'a.b.c.d' with dotted keys"),
        .init("[[a]]\n[a]", line: 2, "'a' is already defined as an array of tables (line 1)"),
        .init("[a]\n[[a]]", line: 2, "'a' is already defined as a table (line 1), not an array of tables"),
        .init("[[a.b]]\n[a]\nb.y = 2", line: 3, "'a.b' is already defined as an array of tables"),
        .init("a = []\n[[a]]", line: 2, "cannot append to 'a' with [[...]]: it is a static array (defined on line 1)"),
        .init("fruits = [{ name = \"apple\" }]\n[[fruits]]", line: 2, "static array"),
        .init("a = [1]\n[a.b]", line: 2, "'a' is already defined as an array (line 1), not a table"),
        .init("a = {}\n[a]", line: 2, "cannot add to 'a': inline tables cannot be extended (defined on line 1)"),
        .init("a = { b = 1 }\n[a.c]", line: 2, "inline tables cannot be extended"),
        .init("a = { b = 1 }\na.c = 2", line: 2, "inline tables cannot be extended"),
        .init("a = { b = { c = 1 }, b.d = 2 }", line: 1, "inline tables cannot be extended"),
        .init("product = { type = { name = \"Nail\" } }\ntype.edible = false\n[product.type]", line: 3, "inline tables cannot be extended"),
        .init("a = 1\n[[a]]", line: 2, "'a' is already defined as an integer"),
        .init("[[albums.songs]]\nname = \"Glory Days\"\n\n[[albums]]\nname = \"Born in the USA\"", line: 4, "'albums' is already defined as a table (line 1), not an array of tables"),
        .init("a.b = 0\na = {}", line: 2, "duplicate key 'a' (first defined on line 1)"),
        .init("\"a\" = 1\n\"\\u0061\" = 2", line: 2, "duplicate key 'a'"),
        .init("[t1]\nt2.t3.v = 0\n[t1.t2]", line: 3, "table 't1.t2' was already defined by dotted keys"),
    ]

    static let stringErrors: [TOMLErrorCase] = [
        .init(#"a = "\x41""#, line: 1, column: 6, #"invalid escape sequence '\x'"#),
        .init(#"a = "\e""#, line: 1, #"invalid escape sequence '\e'"#),
        .init(#"a = "\ ""#, line: 1, "a backslash followed by ' '"),
        .init("\n\na = \"\\uD800\"", line: 3, column: 6, "U+D800 is not a Unicode scalar value"),
        .init(#"a = "\U00110000""#, line: 1, "U+110000 is not a Unicode scalar value"),
        .init(#"a = "\u12""#, line: 1, #"'\u' must be followed by 4 hexadecimal digits"#),
        .init(#"a = "\U1234567""#, line: 1, #"'\U' must be followed by 8 hexadecimal digits"#),
        .init(#"a = """\ x""""#, line: 1, "a backslash followed by ' '"),
        .init("a = \"abc\\\n\"", line: 1, "only allowed in multi-line basic strings"),
        .init("a = \"abc", line: 1, column: 5, "unterminated string"),
        .init("a = \"abc\nb = 1", line: 1, "unterminated string"),
        .init("a = 'abc", line: 1, "unterminated literal string"),
        .init("a = 'abc\n'", line: 1, "unterminated literal string"),
        .init("x = 1\na = \"\"\"abc\n\n", line: 2, column: 5, "unterminated multi-line string"),
        .init("x = 1\na = '''abc\n\n''", line: 2, "unterminated multi-line literal string"),
        .init(#"a = """a"""""""#, line: 1, "too many consecutive quotes"),
        .init(#"a = '''a''''''"#, line: 1, "too many consecutive quotes"),
        .init("a = \"\u{01}\"", line: 1, column: 6, "control character U+0001 must be escaped"),
        .init("a = \"\u{7F}\"", line: 1, "control character U+007F"),
        .init("a = 'x\u{0}'", line: 1, "control character U+0000 is not allowed in a literal string"),
        .init("a = \"\"\"\u{1F}\"\"\"", line: 1, "control character U+001F"),
        .init("a = '''\n\n\u{08}'''", line: 3, column: 1, "control character U+0008"),
        .init("a = \"\"\"x\ry\"\"\"", line: 1, "carriage return must be followed by a line feed"),
        .init("\"\"\"key\"\"\" = 1", line: 1, "a multi-line string cannot be used as a key"),
        .init("'''key''' = 1", line: 1, "a multi-line string cannot be used as a key"),
    ]

    static let numberErrors: [TOMLErrorCase] = [
        .init("a = 9223372036854775808", line: 1, column: 5, "does not fit in a 64-bit signed integer"),
        .init("\n\na = -9223372036854775809", line: 3, "does not fit in a 64-bit signed integer"),
        .init("a = 0x8000000000000000", line: 1, "does not fit"),
        .init("a = 0b11111111111111111111111111111111111111111111111111111111111111111", line: 1, "does not fit"),
        .init("a = 99999999999999999999999999", line: 1, "does not fit"),
        .init("a = 01", line: 1, "leading zeros are not allowed"),
        .init("a = -012", line: 1, "leading zeros are not allowed"),
        .init("a = 00.5", line: 1, "leading zeros are not allowed"),
        .init("a = 1__0", line: 1, "each underscore must be between two digits"),
        .init("a = 1_", line: 1, "each underscore must be between two digits"),
        .init("a = _1", line: 1, "expected a value"),
        .init("a = 0x_1", line: 1, "each underscore must be between two digits"),
        .init("a = +0x1", line: 1, "cannot have a sign"),
        .init("a = 0X1", line: 1, "invalid integer '0X1'"),
        .init("a = 0x", line: 1, "missing digits"),
        .init("a = 0b102", line: 1, "invalid binary integer '0b102': unexpected '2'"),
        .init("a = 0o8", line: 1, "invalid octal integer"),
        .init("a = 0xg", line: 1, "invalid hexadecimal integer"),
        .init("a = 1.", line: 1, "expected digits after the decimal point"),
        .init("a = .5", line: 1, "expected a value, found '.'"),
        .init("a = 1.e5", line: 1, "expected digits after the decimal point"),
        .init("a = 1e", line: 1, "expected digits in the exponent"),
        .init("a = 1e+", line: 1, "expected digits in the exponent"),
        .init("a = 1.5_", line: 1, "invalid float"),
        .init("a = 1_.5", line: 1, "invalid float"),
        .init("a = 1._5", line: 1, "expected digits after the decimal point"),
        .init("a = 1.2.3", line: 1, "invalid float"),
        .init("a = infinity", line: 1, "invalid integer 'infinity'"),
        .init("a = +", line: 1, "missing digits"),
        .init("a = 1-2", line: 1, "invalid integer '1-2'"),
        .init("a = 1979-13-27", line: 1, "month 13 is out of range"),
        .init("a = 1979-02-29", line: 1, "day 29 is out of range"),
        .init("a = 1900-02-29", line: 1, "day 29 is out of range"),
        .init("a = 1979-04-31", line: 1, "day 31 is out of range"),
        .init("a = 1979-05-00", line: 1, "day 0 is out of range"),
        .init("a = 1979-5-27", line: 1, "expected YYYY-MM-DD"),
        .init("a = 1979-05-27T25:00:00", line: 1, "out of range"),
        .init("a = 1979-05-27T07:60:00", line: 1, "out of range"),
        .init("a = 07:32", line: 1, "expected HH:MM:SS"),
        .init("a = 1979-05-27T07:32", line: 1, "expected HH:MM:SS"),
        .init("a = 1979-05-27T07:32:00.", line: 1, "expected digits after '.'"),
        .init("a = 1979-05-27T07:32:00+7:00", line: 1, "expected a time offset"),
        .init("a = 1979-05-27T07:32:00+24:00", line: 1, "time offset is out of range"),
        .init("a = 1979-05-27X07:32:00", line: 1, "expected 'T' or a space"),
        .init("a = 1979-05-27T07:32:00ZZ", line: 1, "unexpected 'Z'"),
    ]

    static let syntaxErrors: [TOMLErrorCase] = [
        .init("= 1", line: 1, column: 1, "expected a key, found '='"),
        .init("a b = 1", line: 1, column: 3, "expected '=' after the key, found 'b'"),
        .init("a", line: 1, "expected '=' after the key, found end of input"),
        .init("a =", line: 1, "expected a value, found end of input"),
        .init("a = \n1", line: 1, "expected a value, found a newline"),
        .init("a. = 1", line: 1, "expected a key, found '='"),
        .init(".a = 1", line: 1, "expected a key, found '.'"),
        .init("a..b = 1", line: 1, "expected a key, found '.'"),
        .init("ke~y = 1", line: 1, "expected '=' after the key, found '~'"),
        .init("kéy = 1", line: 1, column: 2, "expected '=' after the key, found 'é'"),
        .init("[a", line: 1, "expected ']' to close the table header, found end of input"),
        .init("[a]]", line: 1, "expected a newline after the table header, found ']'"),
        .init("[[a]", line: 1, "expected ']]' to close the array-of-tables header"),
        .init("[[a] ]", line: 1, "expected ']]' to close the array-of-tables header"),
        .init("[ [a]]", line: 1, "expected a key, found '['"),
        .init("[]", line: 1, "expected a key, found ']'"),
        .init("[a] b = 1", line: 1, "expected a newline after the table header, found 'b'"),
        .init("a = 1 b = 2", line: 1, column: 7, "expected a newline after the value, found 'b'"),
        .init("a = \"x\" \"y\"", line: 1, "expected a newline after the value"),
        .init("a = tru", line: 1, "invalid value 'tru'"),
        .init("a = True", line: 1, "expected a value, found 'T'"),
        .init("a = truee", line: 1, "invalid value 'truee'"),
        .init("a = yes", line: 1, "expected a value, found 'y'"),
        .init("a = [1 2]", line: 1, "expected ',' or ']' after an array element, found '2'"),
        .init("a = [,]", line: 1, "expected a value, found ','"),
        .init("a = [1,,2]", line: 1, "expected a value, found ','"),
        .init("x = 1\na = [1,\n2", line: 2, column: 5, "unterminated array"),
        .init("a = {b = 1,}", line: 1, "a trailing comma is not allowed in an inline table"),
        .init("a = {b = 1\n}", line: 1, "newlines are not allowed inside an inline table"),
        .init("a = {\nb = 1}", line: 1, "newlines are not allowed inside an inline table"),
        .init("a = {b = 1 c = 2}", line: 1, "expected ',' or '}' after an inline table entry, found 'c'"),
        .init("a = {b = 1", line: 1, "unterminated inline table"),
        .init("a = {b}", line: 1, "expected '=' after the key, found '}'"),
        .init("a = 1\r b = 2", line: 1, "carriage return must be followed by a line feed"),
        .init("a = 1\rb = 2", line: 1, "carriage return must be followed by a line feed"),
        .init("# comment \u{7F}", line: 1, column: 11, "control character U+007F is not allowed in a comment"),
        .init("a = 1\n# \u{0} nul", line: 2, "control character U+0000 is not allowed in a comment"),
        .init("a = 1 # ok\u{1B}", line: 1, "control character U+001B"),
        .init("a = [\n  1, # \u{01}\n]", line: 2, "control character U+0001"),
        .init("\u{0}a = 1", line: 1, "expected a key, found control character U+0000"),
    ]

    static let depthErrors: [TOMLErrorCase] = [
        .init("a = " + String(repeating: "[", count: 129) + String(repeating: "]", count: 129), line: 1, "nested more than 128 levels deep"),
        .init("a = " + String(repeating: "{b=", count: 129) + "1" + String(repeating: "}", count: 129), line: 1, "nested more than 128 levels deep"),
        .init("\na = " + String(repeating: "[{b=", count: 70), line: 2, "nested more than 128 levels deep"),
        .init("a = " + String(repeating: "[", count: 100_000), line: 1, "nested more than 128 levels deep"),
        .init((0..<129).map { "k\($0)" }.joined(separator: ".") + " = 1", line: 1, "more than 128 dotted components"),
        .init("[" + (0..<129).map { "k\($0)" }.joined(separator: ".") + "]", line: 1, "more than 128 dotted components"),
    ]

    func check(_ errorCase: TOMLErrorCase) throws {
        let error = try #require(TOMLTestSupport.parseError(errorCase.toml), "expected a parse error")
        #expect(error.line == errorCase.line, "\(error)")
        if let column = errorCase.column {
            #expect(error.column == column, "\(error)")
        }
        #expect(error.reason.contains(errorCase.fragment), "\(error)")
    }

    @Test("table and key definition errors", arguments: definitionErrors)
    func definition(_ errorCase: TOMLErrorCase) throws {
        try check(errorCase)
    }

    @Test("string errors", arguments: stringErrors)
    func string(_ errorCase: TOMLErrorCase) throws {
        try check(errorCase)
    }

    @Test("number and date-time errors", arguments: numberErrors)
    func number(_ errorCase: TOMLErrorCase) throws {
        try check(errorCase)
    }

    @Test("syntax errors", arguments: syntaxErrors)
    func syntax(_ errorCase: TOMLErrorCase) throws {
        try check(errorCase)
    }

    @Test("depth limit errors", arguments: depthErrors)
    func depth(_ errorCase: TOMLErrorCase) throws {
        try check(errorCase)
    }

    @Test("description is 'line L, column C: reason'")
    func description() throws {
        let error = try #require(TOMLTestSupport.parseError("a = 1\n\n  b = 01\n"))
        #expect(error == TOMLParseError(line: 3, column: 7, reason: "invalid integer '01': leading zeros are not allowed"))
        #expect(error.description == "line 3, column 7: invalid integer '01': leading zeros are not allowed")
        #expect("\(error)" == error.description)
    }

    @Test("columns count Unicode scalars, not bytes")
    func unicodeColumns() throws {
        let error = try #require(TOMLTestSupport.parseError("\"日本\" = \"é\" x"))
        #expect(error.line == 1)
        #expect(error.column == 12)
    }
}
