import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct SecretRulesLoaderTests {
    private func load(_ toml: String) throws -> SecretRuleSet {
        try SecretRulesLoader.load(text: toml, source: "rules.toml", directory: nil)
    }

    private func loadError(_ toml: String) -> String? {
        do {
            _ = try load(toml)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test(arguments: [
        ("[[rules]]\nid = \"x\"\nregex = '''a(b'''\n", "rules.toml:1: rule 'x': regex does not compile: missing closing parenthesis at offset 3"),
        ("[[rules]]\nid = \"x\"\nregex = '''a(?=b)'''\n", "rules.toml:1: rule 'x': regex: lookahead is not supported by RE2"),
        ("[[rules]]\nid = \"x\"\nregex = '''(?<!a)b'''\n", "lookbehind is not supported"),
        ("[[rules]]\nid = \"x\"\nregex = '''(a)\\1'''\n", "backreferences"),
        ("[[rules]]\nid = \"x\"\nregex = '''a{1,1001}'''\n", "over RE2's limit"),
        ("[[rules]]\nid = \"x\"\nregex = '''(a)'''\nsecretGroup = 2\n", "secretGroup 2 but the regex has 1 groups"),
        ("[[rules]]\nid = \"x\"\n", "rules.toml:1: rule 'x' has neither regex nor path"),
        ("[[rules]]\nregex = 'a'\n", "rule without an id"),
        ("[[rules]]\nid = \"x\"\nregex = 'a'\n[[rules]]\nid = \"x\"\nregex = 'b'\n", "defined twice"),
        ("[[rules]]\nid = \"x\"\nregex = 'a'\n[rules.allowlist]\nregexes = ['b']\n[[rules.allowlists]]\nregexes = ['c']\n",
         "cannot be used together"),
        ("[[rules]]\nid = \"x\"\nregex = 'a'\n[[rules.allowlists]]\ndescription = 'empty'\n", "none of commits, paths, regexes"),
        ("[[rules]]\nid = \"x\"\nregex = 'a'\n[[rules.allowlists]]\ncondition = 'XOR'\nregexes = ['b']\n", "unknown allowlist condition"),
        ("[[rules]]\nid = \"x\"\nregex = 'a'\nentropy = \"high\"\n", "rules.toml:4: 'entropy' must be a number"),
        ("[[allowlists]]\ntargetRules = ['nope']\nregexes = ['b']\n", "unknown rule 'nope'"),
        ("[[rules]\n", "invalid TOML"),
        ("[extend]\nuseDefault = true\npath = 'x.toml'\n", "cannot set both"),
    ])
    func badRuleFilesFailWithFileLineAndReason(toml: String, expected: String) {
        let message = loadError(toml)
        #expect(message?.contains(expected) == true, "got: \(message ?? "no error")")
    }

    @Test func olderSingleAllowlistFormsLoad() throws {
        let rules = try load("""
        [allowlist]
        paths = ['''vendor/''']

        [[rules]]
        id = "x"
        regex = '''tok_[a-z]{8}'''
        [rules.allowlist]
        stopwords = ["example"]
        """)
        #expect(rules.globalAllowlists.count == 1)
        #expect(rules.rules.first?.allowlists.first?.stopwords == ["example"])
    }

    @Test func extendUseDefaultLayersOnTheBuiltInRules() throws {
        let builtIn = try SecretRulesLoader.builtIn()
        let firstID = try #require(builtIn.rules.first?.id)
        let extended = try load("""
        [extend]
        useDefault = true
        disabledRules = ["\(firstID)"]

        [[rules]]
        id = "company-token"
        regex = '''acme_[a-z0-9]{20}'''
        """)
        #expect(extended.rule(id: "company-token") != nil)
        #expect(extended.rule(id: firstID) == nil)
        #expect(extended.rules.count == builtIn.rules.count)
    }

    @Test func extendMergesFieldsOfARuleWithTheSameID() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("base.toml", """
        [[rules]]
        id = "x"
        description = "base"
        regex = '''tok_[a-z]{8}'''
        keywords = ["tok_"]
        tags = ["a"]
        """)
        try scratch.write("top.toml", """
        [extend]
        path = "base.toml"

        [[rules]]
        id = "x"
        entropy = 2.5
        keywords = ["tok2_"]
        tags = ["b"]
        """)
        let rules = try SecretRulesLoader.load(path: scratch.path + "/top.toml")
        let rule = try #require(rules.rule(id: "x"))
        #expect(rule.description == "base" && rule.entropy == 2.5)
        #expect(rule.keywords == ["tok_", "tok2_"] && rule.tags == ["a", "b"])
    }

    @Test func gitleaksFormatFixtureLoads() throws {
        let rules = try SecretRulesLoader.load(path: PackagePaths.fixtures + "/gitleaks-format/rules.toml")
        #expect(rules.rules.map(\.id).sorted() == [
            "keystore-file", "lantern-signing-key", "loose-assignment", "orbit-deploy-token",
            "quill-client-id", "quill-client-secret", "quill-region", "zephyr-api-key",
        ])
        #expect(rules.rule(id: "zephyr-api-key")?.entropy == 3)
        #expect(rules.rule(id: "zephyr-api-key")?.secretGroup == 1)
        #expect(rules.rule(id: "loose-assignment")?.entropy == 3.5)
        #expect(rules.rule(id: "keystore-file")?.regex == nil)
        #expect(rules.rule(id: "keystore-file")?.path != nil)
        #expect(rules.rule(id: "lantern-signing-key")?.description == "Lantern signing key")

        let global = try #require(rules.globalAllowlists.first)
        #expect(rules.globalAllowlists.count == 1)
        #expect(global.stopwords == ["placeholder"])

        let loose = try #require(rules.rule(id: "loose-assignment")).allowlists
        #expect(loose.map(\.regexTarget) == [.match, .secret, .line])
        #expect(loose.map(\.condition) == [.or, .or, .and])
        #expect(loose[1].stopwords == ["example", "changeme", "dummy"])
        let orbit = try #require(rules.rule(id: "orbit-deploy-token")).allowlists
        #expect(orbit.count == 1)
        #expect(orbit.first?.commits == ["0123456789abcdef0123456789abcdef01234567"])

        let composite = try #require(rules.rule(id: "quill-client-secret"))
        #expect(composite.required == [
            SecretRule.Requirement(ruleID: "quill-client-id", withinLines: 3),
            SecretRule.Requirement(ruleID: "quill-region", withinColumns: 80),
        ])
        #expect(rules.rule(id: "quill-client-id")?.skipReport == true)
    }

    @Test func gitleaksFormatFixtureExtends() throws {
        let rules = try SecretRulesLoader.load(path: PackagePaths.fixtures + "/gitleaks-format/extend-top.toml")
        #expect(rules.rule(id: "lantern-signing-key") == nil)
        #expect(rules.rule(id: "mistral-webhook") != nil)
        #expect(rules.rules.count == 8)
        let zephyr = try #require(rules.rule(id: "zephyr-api-key"))
        #expect(zephyr.description == "Zephyr API key (extended)")
        #expect(zephyr.keywords == ["zephyr", "zph"] && zephyr.tags == ["api-key", "extended"])
        #expect(zephyr.entropy == 3 && zephyr.secretGroup == 1)
        #expect(zephyr.allowlists.map(\.stopwords) == [["sandbox"]])
        // The base file's single global allowlist, then this file's two.
        #expect(rules.globalAllowlists.count == 3)
        #expect(rules.globalAllowlists.map(\.targetRules) == [[], ["orbit-deploy-token"], []])
    }

    @Test func missingFileIsAClearError() {
        #expect {
            _ = try SecretRulesLoader.load(path: "/nonexistent/rules.toml")
        } throws: { error in
            (error as? SecretRulesError)?.description == "/nonexistent/rules.toml: cannot read the file"
        }
    }
}
