import Foundation
import Testing
import TestSupport
@testable import PolicyEngine

/// Expected facts about the gitleaks file, generated from Python's tomllib by
/// `scripts/make_gitleaks_fixture.py`.
struct TOMLGitleaksExpectation: Decodable {
    let ruleCount: Int
    let documentSHA256: String
    let regexSHA256: [String: String]
}

@Suite("gitleaks 8.30.1 configuration")
struct TOMLGitleaksTests {
    static let path = PackagePaths.shared + "/bench/gitleaks-8.30.1.toml"
    static let fileExists = FileManager.default.fileExists(atPath: path)

    static func loadDocument() throws -> TOMLTable {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try TOMLParser.parse(text)
    }

    static func loadExpectation() throws -> TOMLGitleaksExpectation {
        let url = URL(fileURLWithPath: PackagePaths.fixtures + "/gitleaks-8.30.1-expected.json")
        return try JSONDecoder().decode(TOMLGitleaksExpectation.self, from: Data(contentsOf: url))
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

    @Test(
        "parses the gitleaks file like Python's tomllib",
        .enabled(if: fileExists, "needs ../shared/bench/gitleaks-8.30.1.toml beside the checkout, which is missing")
    )
    func matchesTomllib() throws {
        let document = try Self.loadDocument()
        let expected = try Self.loadExpectation()
        #expect(document.keys == ["title", "minVersion", "allowlist", "rules"])
        #expect(document["title"] == .string("gitleaks config"))

        let rules = try #require(document["rules"]?.arrayValue)
        #expect(rules.count == 222)
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

    @Test(
        "generic-api-key has its regex, entropy, keywords and allowlists",
        .enabled(if: fileExists, "needs ../shared/bench/gitleaks-8.30.1.toml beside the checkout, which is missing")
    )
    func genericAPIKey() throws {
        let document = try Self.loadDocument()
        let rules = try #require(document["rules"]?.arrayValue).compactMap(\.tableValue)
        let rule = try #require(rules.first { $0["id"] == .string("generic-api-key") })
        let regex = try #require(rule["regex"]?.stringValue)
        #expect(regex.hasPrefix(#"(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)"#))
        #expect(regex.hasSuffix(#"(?:[\x60'"\s;]|\\[nr]|$)"#))
        #expect(rule["entropy"] == .float(3.5))
        #expect(rule["keywords"] == .array(
            ["access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"].map(TOMLValue.string)
        ))
        let allowlists = try #require(rule["allowlists"]?.arrayValue).compactMap(\.tableValue)
        #expect(allowlists.count == 4)
        #expect(allowlists[1]["regexTarget"] == .string("match"))
        #expect((allowlists[1]["stopwords"]?.arrayValue?.count ?? 0) > 100)

        // Source lines for diagnostics such as `gitleaks.toml:638: rule 'generic-api-key': ...`.
        #expect(rule.line(of: "id") == 638)
        #expect(rule.line == 637)
        #expect(document.line(of: "rules") == 71)
        #expect(rules.first?.line == 71)
        #expect(document["allowlist"]?.tableValue?.line == 22)
    }
}
