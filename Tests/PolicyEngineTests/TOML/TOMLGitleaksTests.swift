import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// Facts about a gitleaks-format file, from Python's tomllib, written by `scripts/make_gitleaks_fixture.py`.
struct TOMLGitleaksExpectation: Decodable {
    let ruleCount: Int
    let documentSHA256: String
    let regexSHA256: [String: String]
}

/// The TOML reader against tomllib on a gitleaks-format rule file. By default the file is the fixture in the
/// repository; `bench/gitleaks-parity.sh` points `GITLEAKS_FORMAT_TOML` and `GITLEAKS_FORMAT_EXPECTED` at
/// gitleaks' own default configuration and the facts the script derives from it.
@Suite("gitleaks-format TOML")
struct TOMLGitleaksTests {
    static let environment = ProcessInfo.processInfo.environment
    static let path = environment["GITLEAKS_FORMAT_TOML"] ?? PackagePaths.fixtures + "/gitleaks-format/rules.toml"
    static let expectationPath = environment["GITLEAKS_FORMAT_EXPECTED"]
        ?? PackagePaths.fixtures + "/gitleaks-format/expected.json"
    static let isFixture = environment["GITLEAKS_FORMAT_TOML"] == nil

    static func loadDocument() throws -> TOMLTable {
        try TOMLParser.parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    static func loadExpectation() throws -> TOMLGitleaksExpectation {
        try JSONDecoder().decode(TOMLGitleaksExpectation.self, from: Data(contentsOf: URL(fileURLWithPath: expectationPath)))
    }

    @Test("SHA-256 helper matches the FIPS 180-4 test vectors")
    func sha256Vectors() {
        #expect(TOMLTestSupport.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(TOMLTestSupport.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            TOMLTestSupport.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }

    @Test("parses the rule file like Python's tomllib")
    func matchesTomllib() throws {
        let document = try Self.loadDocument()
        let expected = try Self.loadExpectation()
        let rules = try #require(document["rules"]?.arrayValue)
        #expect(rules.count == expected.ruleCount)

        var regexHashes: [String: String] = [:]
        for rule in rules {
            let table = try #require(rule.tableValue)
            let id = try #require(table["id"]?.stringValue)
            if let regex = table["regex"]?.stringValue {
                regexHashes[id] = TOMLTestSupport.sha256Hex(Array(regex.utf8))
            }
        }
        #expect(regexHashes.count == expected.regexSHA256.count)
        for (id, hash) in expected.regexSHA256.sorted(by: { $0.key < $1.key }) {
            #expect(regexHashes[id] == hash, "regex of rule \(id)")
        }

        let canonical = TOMLTestSupport.canonical(.table(document))
        #expect(TOMLTestSupport.sha256Hex(Array(canonical.utf8)) == expected.documentSHA256)
    }

    @Test("the fixture's keys, values and source lines", .enabled(if: isFixture))
    func fixtureStructure() throws {
        let document = try Self.loadDocument()
        #expect(document.keys == ["title", "minVersion", "allowlist", "rules"])
        #expect(document["title"] == .string("policy-gate gitleaks-format fixture"))
        let rules = try #require(document["rules"]?.arrayValue).compactMap(\.tableValue)
        #expect(rules.count == 8)

        let loose = try #require(rules.first { $0["id"] == .string("loose-assignment") })
        let regex = try #require(loose["regex"]?.stringValue)
        #expect(regex.hasPrefix(#"(?i)[\w.-]{0,50}?(?:credential|(?-i:[Ss]ecret|SECRET)|passw(?:or)?d|token)"#))
        #expect(regex.hasSuffix(#"(?:[\x60'"\s;]|\\[nr]|$)"#))
        #expect(loose["entropy"] == .float(3.5))
        #expect(loose["keywords"] == .array(["credential", "secret", "passwd", "password", "token"].map(TOMLValue.string)))
        let allowlists = try #require(loose["allowlists"]?.arrayValue).compactMap(\.tableValue)
        #expect(allowlists.count == 3)
        #expect(allowlists[0]["regexTarget"] == .string("match"))
        #expect(allowlists[1]["stopwords"]?.arrayValue?.count == 3)
        #expect(allowlists[2]["condition"] == .string("AND"))

        let zephyr = try #require(rules.first { $0["id"] == .string("zephyr-api-key") })
        #expect(zephyr["entropy"] == .integer(3))
        let lantern = try #require(rules.first { $0["id"] == .string("lantern-signing-key") })
        #expect(lantern["description"] == .string("Lantern signing key"))
        #expect(lantern["regex"]?.stringValue?.contains("[^\\n]{0,5}\\t?") == true)
        #expect(lantern["tags"] == .array([]))

        // Source lines for diagnostics such as `rules.toml:32: rule 'loose-assignment': ...`.
        #expect(loose.line == 31)
        #expect(loose.line(of: "id") == 32)
        #expect(document.line(of: "rules") == 21)
        #expect(rules.first?.line == 21)
        #expect(document["allowlist"]?.tableValue?.line == 11)
        #expect(allowlists[1].line == 44)
    }
}
