import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("Keys, tables and arrays")
struct TOMLStructureTests {
    /// `(document, expected rendering by TOMLTestSupport.render)`.
    static let documents: [(String, String)] = [
        ("", "{}"),
        ("# only a comment\n\n   \t\n# another", "{}"),
        ("\u{FEFF}a = 1", "{a=1}"),
        ("key = \"value\"\nbare_key = 1\nbare-key = 2\n1234 = 3", #"{key="value",bare_key=1,bare-key=2,1234=3}"#),
        (
            #"""
            "127.0.0.1" = "v"
            "character encoding" = "v"
            "ʎǝʞ" = "v"
            'key2' = "v"
            'quoted "value"' = "v"
            """#,
            #"{"127.0.0.1"="v","character encoding"="v","ʎǝʞ"="v",key2="v","quoted \"value\""="v"}"#
        ),
        (#""" = "blank""#, #"{""="blank"}"#),
        (
            "name = \"Orange\"\nphysical.color = \"orange\"\nphysical.shape = \"round\"\nsite.\"google.com\" = true",
            #"{name="Orange",physical={color="orange",shape="round"},site={"google.com"=true}}"#
        ),
        ("fruit.name = \"banana\"\nfruit. color = \"yellow\"\nfruit . flavor = \"banana\"", #"{fruit={name="banana",color="yellow",flavor="banana"}}"#),
        ("3.14159 = \"pi\"", #"{3={14159="pi"}}"#),
        (
            "apple.type = \"fruit\"\norange.type = \"fruit\"\napple.skin = \"thin\"\norange.skin = \"thick\"",
            #"{apple={type="fruit",skin="thin"},orange={type="fruit",skin="thick"}}"#
        ),
        ("[table-1]\nkey1 = \"some string\"\nkey2 = 123\n\n[table-2]\nkey1 = \"another\"", #"{table-1={key1="some string",key2=123},table-2={key1="another"}}"#),
        ("[dog.\"tater.man\"]\ntype.name = \"pug\"", #"{dog={"tater.man"={type={name="pug"}}}}"#),
        ("[a.b.c]\n[ d.e.f ]\n[ g .  h  . i ]\n[ j . \"ʞ\" . 'l' ]", #"{a={b={c={}}},d={e={f={}}},g={h={i={}}},j={"ʞ"={l={}}}}"#),
        ("[x.y.z.w]\n[x]\nk = 1", "{x={y={z={w={}}},k=1}}"),
        (
            "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n\n[fruit.apple.texture]\nsmooth = true",
            #"{fruit={apple={color="red",taste={sweet=true},texture={smooth=true}}}}"#
        ),
        ("[a.b.c]\nz = 9\n[a]\nb.d = 1", "{a={b={c={z=9},d=1}}}"),
        ("[a] # comment\nx = 1 # comment\n[b]#comment\n", "{a={x=1},b={}}"),
        (
            "[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]  # empty\n\n[[products]]\nname = \"Nail\"\ncolor = \"gray\"",
            #"{products=[{name="Hammer",sku=738594937},{},{name="Nail",color="gray"}]}"#
        ),
        (
            """
            [[fruits]]
            name = "apple"

            [fruits.physical]  # subtable
            color = "red"
            shape = "round"

            [[fruits.varieties]]  # nested array of tables
            name = "red delicious"

            [[fruits.varieties]]
            name = "granny smith"


            [[fruits]]
            name = "banana"

            [[fruits.varieties]]
            name = "plantain"
            """,
            #"{fruits=[{name="apple",physical={color="red",shape="round"},varieties=[{name="red delicious"},{name="granny smith"}]},{name="banana",varieties=[{name="plantain"}]}]}"#
        ),
        ("[[a.b]]\nx = 1\n[a]\ny = 2\n[[a.b]]\nx = 3", "{a={b=[{x=1},{x=3}],y=2}}"),
        ("[[a]]\n[a.b]\nc = 1\n[[a]]\n[a.b]\nc = 2", "{a=[{b={c=1}},{b={c=2}}]}"),
        (
            "name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = { x = 1, y = 2 }\nanimal = { type.name = \"pug\" }",
            #"{name={first="Tom",last="Preston-Werner"},point={x=1,y=2},animal={type={name="pug"}}}"#
        ),
        ("empty = {}\nspaced = {  }\nnested = { a = { b = { c = [1, { d = 2 }] } } }", "{empty={},spaced={},nested={a={b={c=[1,{d=2}]}}}}"),
        ("t = { a.b = 1, a.c = 2, \"q.k\" = 3 }", #"{t={a={b=1,c=2},"q.k"=3}}"#),
        ("t = { a = [\n  1,\n  2, # comment inside an array value\n] }", "{t={a=[1,2]}}"),
        (
            "integers = [ 1, 2, 3 ]\ncolors = [ \"red\", \"yellow\", \"green\" ]\nnested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]\nnested_mixed_array = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]\nstring_array = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]",
            #"{integers=[1,2,3],colors=["red","yellow","green"],nested_arrays_of_ints=[[1,2],[3,4,5]],nested_mixed_array=[[1,2],["a","b","c"]],string_array=["all","strings","are the same","type"]}"#
        ),
        (
            "numbers = [ 0.5, 1, 2 ]\ncontributors = [\n  \"Foo Bar <foo@example.com>\",\n  { name = \"Baz Qux\", email = \"bazqux@example.com\", url = \"https://example.com/bazqux\" }\n]",
            #"{numbers=[0.5,1,2],contributors=["Foo Bar <foo@example.com>",{name="Baz Qux",email="bazqux@example.com",url="https://example.com/bazqux"}]}"#
        ),
        ("integers2 = [\n  1, 2, 3\n]\n\nintegers3 = [\n  1,\n  2, # this is ok\n]", "{integers2=[1,2,3],integers3=[1,2]}"),
        ("a = [\n# leading comment\n\n  1 # after value\n  , # after comma\n  2\n\n]\nb = []\nc = [ ]\nd = [\n]", "{a=[1,2],b=[],c=[],d=[]}"),
        ("a = [[[]]]\nb = [[1,[2]],[]]", "{a=[[[]]],b=[[1,[2]],[]]}"),
        ("points = [ { x = 1, y = 2 },\n           { x = 7, y = 8 } ]", "{points=[{x=1,y=2},{x=7,y=8}]}"),
        ("a = 1\r\n[t]\r\nb = \"x\" # c\r\n\r\nc = [\r\n 1,\r\n]\r\n", #"{a=1,t={b="x",c=[1]}}"#),
        ("  indented = 1\n\t[ tabbed ]\n\t\tkey\t=\t2", "{indented=1,tabbed={key=2}}"),
        ("true = 1\nfalse = 2\ninf = 3\nnan = 4", "{true=1,false=2,inf=3,nan=4}"),
        ("a=1\nb={c=2}", "{a=1,b={c=2}}"),
        ("last = 1", "{last=1}"),
        ("''.x = \"empty.x\"\n1.2 = 3", #"{""={x="empty.x"},1={2=3}}"#),
        ("[[a]]\n[a.b.c]\nd = 1\n[a.b]\ne = 2", "{a=[{b={c={d=1},e=2}}]}"),
        ("\"\\u0061\" = 1\n\"b\\\"c\" = 2", #"{a=1,"b\"c"=2}"#),
        (
            """
            # Top comment.
              # Top comment.
            # Top comment.

            # [no-extraneous-groups-please]

            [group] # Comment
            answer = 42 # Comment
            # no-extraneous-keys-please = 999
            # Inline comment before the end.
            more = [ # Comment
              # What about multiple # comments?
              # Can you handle it?
              #
                      # Evil.
            # Evil.
              42, 42, # Comments within arrays are fun.
              # What about multiple # comments?
              # Can you handle it?
              #
                      # Evil.
            # Evil.
            # ] Did I fool you?
            ] # Hopefully not.
            dt = 1979-05-27T07:32:12-07:00  # Comment
            d = 1979-05-27 # Comment
            """,
            "{group={answer=42,more=[42,42],dt=dt(1979-05-27T07:32:12-07:00),d=dt(1979-05-27)}}"
        ),
    ]

    @Test("documents", arguments: documents)
    func document(toml: String, expected: String) throws {
        #expect(TOMLTestSupport.render(try TOMLParser.parse(toml)) == expected)
    }

    @Test("keys keep source order")
    func keyOrder() throws {
        let table = try TOMLParser.parse("zeta = 1\nalpha = 2\n[mid]\n[[arr]]\n[beta]")
        #expect(table.keys == ["zeta", "alpha", "mid", "arr", "beta"])
        #expect(table.count == 5)
        #expect(!table.isEmpty)
    }

    @Test("lines of keys and tables")
    func lines() throws {
        let toml = """
            title = "x"                  # 1
            list = [                     # 2
              1,
              2,
            ]                            # 5
            dotted.key = 1               # 6
            [a.b]                        # 7
            c = 1                        # 8
            [a]                          # 9
            d = { e = 1 }                # 10

            [[rules]]                    # 12
            id = "one"                   # 13

            [[rules]]                    # 15
            id = "two"                   # 16
            [rules.allowlist]            # 17
            paths = ['''x''']            # 18
            [[rules.allowlists]]         # 19
            regexes = [                  # 20
                '''a''',
            ]
            """
        let root = try TOMLParser.parse(toml)
        #expect(root.line == 1)
        #expect(root.line(of: "title") == 1)
        #expect(root.line(of: "list") == 2)
        #expect(root.line(of: "dotted") == 6)
        #expect(root["dotted"]?.tableValue?.line == 6)
        #expect(root.line(of: "missing") == nil)
        // `a` was created implicitly by [a.b] on line 7 and defined by [a] on line 9.
        #expect(root.line(of: "a") == 9)
        let a = try #require(root["a"]?.tableValue)
        #expect(a.line == 9)
        #expect(a.line(of: "b") == 7)
        #expect(a["b"]?.tableValue?.line == 7)
        #expect(a.line(of: "d") == 10)
        #expect(a["d"]?.tableValue?.line == 10)
        #expect(a["d"]?.tableValue?.line(of: "e") == 10)
        #expect(root.line(of: "rules") == 12)
        let rules = try #require(root["rules"]?.arrayValue).compactMap(\.tableValue)
        #expect(rules.map(\.line) == [12, 15])
        #expect(rules[1].line(of: "id") == 16)
        #expect(rules[1]["allowlist"]?.tableValue?.line == 17)
        #expect(rules[1].line(of: "allowlists") == 19)
        #expect(rules[1]["allowlists"]?.arrayValue?.first?.tableValue?.line(of: "regexes") == 20)
    }

    @Test("CRLF documents count lines like LF documents")
    func crlfLines() throws {
        let table = try TOMLParser.parse("a = 1\r\n\r\n[t]\r\nb = 2\r\n")
        #expect(table.line(of: "t") == 3)
        #expect(table["t"]?.tableValue?.line(of: "b") == 4)
        let error = try #require(TOMLTestSupport.parseError("a = 1\r\n\r\nb = = 2\r\n"))
        #expect(error.line == 3)
        #expect(error.column == 5)
    }

    @Test("value accessors")
    func accessors() throws {
        let table = try TOMLParser.parse("s = 'x'\ni = 1\nf = 1.5\nb = true\nd = 1979-05-27\na = [1]\nt = {}")
        #expect(table["s"]?.stringValue == "x")
        #expect(table["i"]?.integerValue == 1)
        #expect(table["f"]?.floatValue == 1.5)
        #expect(table["b"]?.booleanValue == true)
        #expect(table["d"]?.dateTimeValue == "1979-05-27")
        #expect(table["a"]?.arrayValue == [.integer(1)])
        #expect(table["t"]?.tableValue == TOMLTable())
        #expect(table["i"]?.stringValue == nil)
        #expect(table["s"]?.integerValue == nil)
        #expect(table["i"]?.floatValue == nil)
        let names = table.keys.compactMap { table[$0]?.typeName }
        #expect(names == ["string", "integer", "float", "boolean", "date-time", "array", "table"])
    }

    @Test("table equality ignores key order and lines")
    func equality() throws {
        let first = try TOMLParser.parse("a = 1\nb = [2]\n[c]\nd = 'x'")
        let second = try TOMLParser.parse("\n\nc = { d = 'x' }\nb = [ 2 ]\na = 1")
        let third = try TOMLParser.parse("a = 1\nb = [2]\n[c]\nd = 'y'")
        #expect(first == second)
        #expect(first != third)
        #expect(first != TOMLTable())
    }

    @Test("nesting up to the limit is accepted")
    func nestingLimit() throws {
        let arrays = "a = " + String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect(TOMLTestSupport.parseError(arrays) == nil)
        let inline = "a = " + String(repeating: "{b=", count: 127) + "[1]" + String(repeating: "}", count: 127)
        #expect(TOMLTestSupport.parseError(inline) == nil)
        let key = (0..<128).map { "k\($0)" }.joined(separator: ".") + " = 1"
        #expect(TOMLTestSupport.parseError(key) == nil)
    }
}
