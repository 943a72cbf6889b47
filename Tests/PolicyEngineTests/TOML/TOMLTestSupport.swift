@_spi(Fuzzing) @testable import PolicyEngine

/// Helpers shared by the TOML tests.
enum TOMLTestSupport {
    /// Parses `text`, returning the error instead of throwing it.
    static func parseError(_ text: String) -> TOMLParseError? {
        do throws(TOMLParseError) {
            _ = try TOMLParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// A compact, order-preserving rendering used to state expected documents in tests:
    /// `{a=1,b="x",c=[1.5,true],d={e=dt(1979-05-27)}}`.
    static func render(_ table: TOMLTable) -> String {
        "{" + table.keys.map { key in
            renderKey(key) + "=" + (table[key].map(render) ?? "?")
        }.joined(separator: ",") + "}"
    }

    /// See `render(_:)` for tables.
    static func render(_ value: TOMLValue) -> String {
        switch value {
        case .string(let string):
            return quote(string)
        case .integer(let integer):
            return String(integer)
        case .float(let float):
            return "\(float)"
        case .boolean(let boolean):
            return boolean ? "true" : "false"
        case .dateTime(let text):
            return "dt(\(text))"
        case .array(let elements):
            return "[" + elements.map(render).joined(separator: ",") + "]"
        case .table(let table):
            return render(table)
        }
    }

    private static func renderKey(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
        }
        return bare ? key : quote(key)
    }

    private static func quote(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\u{00}"..."\u{1F}", "\u{7F}": result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The canonical rendering `scripts/make_gitleaks_fixture.py` also writes: strings as
    /// `s<utf8 length>:<text>`, integers `i<n>;`, floats `f<IEEE bits as 16 hex digits>;`,
    /// booleans `b1;`/`b0;`, arrays `[...]`, tables `{<key><value>...}` in source order.
    static func canonical(_ value: TOMLValue) -> String {
        switch value {
        case .string(let string):
            return "s\(string.utf8.count):\(string)"
        case .integer(let integer):
            return "i\(integer);"
        case .float(let float):
            let hex = String(float.bitPattern, radix: 16)
            return "f" + String(repeating: "0", count: 16 - hex.count) + hex + ";"
        case .boolean(let boolean):
            return boolean ? "b1;" : "b0;"
        case .dateTime(let text):
            return "d\(text.utf8.count):\(text)"
        case .array(let elements):
            return "[" + elements.map(canonical).joined() + "]"
        case .table(let table):
            return "{" + table.keys.map { key in
                canonical(.string(key)) + (table[key].map(canonical) ?? "")
            }.joined() + "}"
        }
    }

    /// SHA-256 of `bytes` as lowercase hex.
    static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        SecretRedaction.hash(String(decoding: Array(bytes), as: UTF8.self))
    }
}
