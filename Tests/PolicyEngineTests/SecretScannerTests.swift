import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct SecretScannerTests {
    private func ruleSet(_ toml: String) throws -> SecretRuleSet {
        try SecretRulesLoader.load(text: toml, source: "test.toml", directory: nil)
    }

    private let tokenRule = """
    [[rules]]
    id = "demo-token"
    description = "Demo token"
    regex = '''\\b(demo_[a-zA-Z0-9]{16})\\b'''
    keywords = ["demo_"]
    entropy = 3.0
    """

    @Test func findsASecretWithLineColumnAndRedaction() throws {
        let scanner = SecretScanner(ruleSet: try ruleSet(tokenRule))
        let findings = try scanner.scan(ScanFragment(path: "a.py", lines: ["x = 1", "key = demo_Q7fK2pL9xW4mZ8rT"], firstLine: 10))
        #expect(findings.count == 1)
        #expect(findings.first?.line == 11)
        #expect(findings.first?.column == 7)
        #expect(findings.first?.redacted.hasPrefix("demo…#") == true)
        #expect(findings.first?.redacted.contains("Q7fK2pL9") == false)
    }

    @Test func messagesQuotingASecretAreRedacted() throws {
        let scanner = SecretScanner(ruleSet: try ruleSet(tokenRule))
        let message = "unknown rule id 'demo_Q7fK2pL9xW4mZ8rT' (did you mean 'demo'?)"
        #expect(scanner.redactingSecrets(in: message) == "unknown rule id 'demo…#\(SecretRedaction.hash("demo_Q7fK2pL9xW4mZ8rT").prefix(8))' (did you mean 'demo'?)")
        #expect(scanner.redactingSecrets(in: "unknown rule id 'secret.leak'") == "unknown rule id 'secret.leak'")
    }

    @Test func aPatternThatHitsTheMatchLimitIsOneErrorWithPathLineAndRule() throws {
        let rules = try ruleSet("""
        [[rules]]
        id = "nested"
        regex = '''(a+)+b'''
        keywords = ["aaaa"]
        """)
        let lines = ["first", "second", String(repeating: "a", count: 5000) + "!b"]
        #expect(throws: SecretScanError(path: "x.txt", line: 2, ruleID: "nested", reason: "match limit exceeded (PCRE2 match limit "
                                        + "10000000, depth limit 100000); this text was not checked: simplify the pattern")) {
            try SecretScanner(ruleSet: rules).scan(ScanFragment(path: "x.txt", lines: lines, firstLine: 1))
        }
    }

    @Test func keywordPrefilterSkipsRulesWithoutAHit() throws {
        // The regex would match, but the keyword is absent, so the rule does not run (gitleaks' semantics).
        let rules = try ruleSet("""
        [[rules]]
        id = "needs-keyword"
        regex = '''secret-[0-9]{4}'''
        keywords = ["zzz"]
        """)
        #expect(try SecretScanner(ruleSet: rules).scan(lines: "secret-1234").isEmpty)
        #expect(try SecretScanner(ruleSet: rules).scan(lines: "ZZZ secret-1234").count == 1)
    }

    @Test func lowEntropySecretsAreDropped() throws {
        let scanner = SecretScanner(ruleSet: try ruleSet(tokenRule))
        #expect(try scanner.scan(lines: "demo_aaaaaaaaaaaaaaaa").isEmpty)
    }

    @Test func inlineMarkersSuppressOnlyWhenHonoured() throws {
        let rules = try ruleSet(tokenRule)
        let line = "k = demo_Q7fK2pL9xW4mZ8rT # gitleaks:allow"
        #expect(try SecretScanner(ruleSet: rules).scan(lines: line).isEmpty)
        let strict = SecretScanner(ruleSet: rules, options: .init(honoursInlineAllowMarkers: false))
        let findings = try strict.scan(lines: line)
        #expect(findings.count == 1 && findings.first?.hasAllowMarker == true)
    }

    @Test func ignoredFingerprintsAreDropped() throws {
        let rules = try ruleSet(tokenRule)
        let fragment = ScanFragment(path: "a.py", commit: "abc", lines: ["demo_Q7fK2pL9xW4mZ8rT"])
        #expect(try SecretScanner(ruleSet: rules, options: .init(ignoredFingerprints: ["abc:a.py:demo-token:1"])).scan(fragment).isEmpty)
        #expect(try SecretScanner(ruleSet: rules, options: .init(ignoredFingerprints: ["a.py:demo-token:1"])).scan(fragment).isEmpty)
        #expect(try SecretScanner(ruleSet: rules, options: .init(ignoredFingerprints: ["a.py:demo-token:2"])).scan(fragment).count == 1)
    }

    @Test(arguments: [
        // regexTarget, condition, extra keys, whether the finding survives
        ("secret", "OR", "regexes = ['''Q7fK''']", false),
        ("match", "OR", "regexes = ['''^key = ''']", true),
        ("line", "OR", "regexes = ['''^key = ''']", false),
        // A stopword suppresses only a secret that is little more than stopwords.
        ("secret", "OR", "stopwords = ['''q7fk''']", true),
        ("secret", "OR", "stopwords = ['''q7fk2pl9xw4m''']", false),
        ("secret", "AND", "regexes = ['''Q7fK''']\npaths = ['''\\.md$''']", true),
        ("secret", "AND", "regexes = ['''Q7fK''']\npaths = ['''\\.py$''']", false),
        ("secret", "OR", "paths = ['''\\.py$''']", false),
    ])
    func ruleAllowlistsFollowGitleaksSemanticsButStopwords(target: String, condition: String, criteria: String, survives: Bool) throws {
        let rules = try ruleSet(tokenRule + """

        [[rules.allowlists]]
        condition = "\(condition)"
        regexTarget = "\(target)"
        \(criteria)
        """)
        let findings = try SecretScanner(ruleSet: rules).scan(ScanFragment(path: "app.py", lines: ["key = demo_Q7fK2pL9xW4mZ8rT"]))
        #expect(findings.isEmpty != survives)
    }

    @Test func globalAllowlistCanTargetRules() throws {
        let rules = try ruleSet(tokenRule + """

        [[allowlists]]
        targetRules = ["demo-token"]
        regexes = ['''Q7fK''']
        """)
        #expect(try SecretScanner(ruleSet: rules).scan(lines: "demo_Q7fK2pL9xW4mZ8rT").isEmpty)
    }

    @Test func secretGroupSelectsTheCapture() throws {
        let rules = try ruleSet("""
        [[rules]]
        id = "pair"
        regex = '''(user)=(\\w+) pass=(\\w+)'''
        secretGroup = 3
        """)
        let finding = try #require(try SecretScanner(ruleSet: rules).scan(lines: "user=bob pass=Zq8wLm3rXy7tKp2v").first)
        #expect(finding.redacted.hasPrefix("Zq8w"))
    }

    @Test func genericFindingsYieldToSpecificOnesOnTheSameLine() throws {
        let rules = try ruleSet(tokenRule + """

        [[rules]]
        id = "generic-assignment"
        regex = '''key = (\\S+)'''
        """)
        let findings = try SecretScanner(ruleSet: rules).scan(lines: "key = demo_Q7fK2pL9xW4mZ8rT")
        #expect(findings.map(\.ruleID) == ["demo-token"])
    }

    @Test func compositeRulesNeedTheirRequiredRuleNearby() throws {
        let rules = try ruleSet("""
        [[rules]]
        id = "key-id"
        regex = '''ID[0-9]{6}'''
        skipReport = true

        [[rules]]
        id = "key-secret"
        regex = '''SECRET[0-9]{6}'''
        [[rules.required]]
        id = "key-id"
        withinLines = 1
        """)
        let scanner = SecretScanner(ruleSet: rules)
        #expect(try scanner.scan(lines: "ID123456\nSECRET654321").map(\.ruleID) == ["key-secret"])
        #expect(try scanner.scan(lines: "ID123456\n\n\nSECRET654321").isEmpty)
        #expect(try scanner.scan(lines: "SECRET654321").isEmpty)
    }

    @Test func multiLineSecretsMatchAcrossAddedLines() throws {
        let rules = try ruleSet("""
        [[rules]]
        id = "private-key"
        regex = '''-----BEGIN PRIVATE KEY-----[\\s\\S]{20,}?-----END PRIVATE KEY-----'''
        keywords = ["-----begin"]
        """)
        let fragment = ScanFragment(path: "k.pem", lines: ["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
                                                           "-----END PRIVATE KEY-----"], firstLine: 5)
        let finding = try #require(try SecretScanner(ruleSet: rules).scan(fragment).first)
        #expect(finding.line == 5 && finding.endLine == 7)
    }

    @Test func entropyMatchesTheTextbookFormula() {
        #expect(ShannonEntropy.of("") == 0)
        #expect(ShannonEntropy.of("aaaa") == 0)
        #expect(abs(ShannonEntropy.of("ab") - 1) < 1e-9)
        #expect(abs(ShannonEntropy.of("0123456789abcdef") - 4) < 1e-9)
    }

    @Test func keywordAutomatonFindsOverlappingKeywordsCaseInsensitively() {
        let automaton = KeywordAutomaton(keywordsPerRule: [["he"], ["she"], ["hers"], ["xyz"]])
        var hits = [Bool](repeating: false, count: 4)
        Array("uSHERS".utf8).withUnsafeBufferPointer { _ = automaton.markRules(in: $0, hits: &hits) }
        #expect(hits == [true, true, true, false])
    }

    /// The automaton's hits equal a naive search, in order of end offset, also for texts long enough to
    /// be scanned as two halves and with keywords across the middle.
    @Test(arguments: [17, 4095, 4096, 4097, 10_001, 70_000])
    func keywordAutomatonHitsMatchANaiveSearch(length: Int) {
        let keywords = [["token"], ["glpat-", "gldt-"], ["AKIA"], ["key", "secret_key"], ["t"]]
        let automaton = KeywordAutomaton(keywordsPerRule: keywords)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("tokenGLPATglpat-akiaKEYsecret_ \n=xyz".utf8)
        var text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        // A keyword straddling the middle and one at each end.
        for (keyword, position) in [("SECRET_KEY", length / 2 - 4), ("gldt-", 0), ("token", length - 5)] where position >= 0 {
            for (offset, byte) in keyword.utf8.enumerated() where position + offset < length { text[position + offset] = byte }
        }
        var found: [Pair] = []
        text.withUnsafeBufferPointer { buffer in automaton.forEachHit(in: buffer) { found.append(Pair(rule: $0, end: $1)) } }
        // A rule is reported once per end offset, even when two of its keywords end there.
        var expected: Set<Pair> = []
        let folded = text.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for (rule, words) in keywords.enumerated() {
            for word in Set(words.map { Array($0.lowercased().utf8) }) where word.count <= folded.count {
                for start in 0...(folded.count - word.count) where Array(folded[start..<(start + word.count)]) == word {
                    expected.insert(Pair(rule: rule, end: start + word.count))
                }
            }
        }
        #expect(found.map(\.end) == found.map(\.end).sorted(), "hits are not in order of end offset")
        let missing = expected.subtracting(found).sorted().prefix(5)
        let extra = Set(found).subtracting(expected).sorted().prefix(5)
        #expect(missing.isEmpty && extra.isEmpty && found.count == expected.count,
                "missing \(Array(missing)), extra \(Array(extra)), \(found.count) found, \(expected.count) expected")
    }

    struct Pair: Comparable, Hashable {
        var rule: Int
        var end: Int
        static func < (lhs: Pair, rhs: Pair) -> Bool { (lhs.end, lhs.rule) < (rhs.end, rhs.rule) }
    }
}
