import Foundation
import Testing
import TestSupport
@testable import PolicyEngine

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

    @Test func gitleaksDefaultConfigLoadsUnchanged() throws {
        let path = PackagePaths.shared + "/bench/gitleaks-8.30.1.toml"
        try #require(FileManager.default.fileExists(atPath: path), "gitleaks' default config is expected at \(path)")
        let rules = try SecretRulesLoader.load(path: path)
        #expect(rules.rules.count == 222)
        #expect(rules.rule(id: "generic-api-key")?.entropy == 3.5)
        #expect(rules.rule(id: "pkcs12-file")?.regex == nil)
        #expect(!rules.globalAllowlists.isEmpty)
    }

    @Test func missingFileIsAClearError() {
        #expect {
            _ = try SecretRulesLoader.load(path: "/nonexistent/rules.toml")
        } throws: { error in
            (error as? SecretRulesError)?.description == "/nonexistent/rules.toml: cannot read the file"
        }
    }
}
