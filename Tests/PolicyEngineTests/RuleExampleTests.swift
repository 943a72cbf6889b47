import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// One rule example, as a test argument.
struct RuleExampleCase: Sendable, CustomTestStringConvertible {
    let ruleID: String
    let index: Int

    var example: RuleExample {
        RuleRegistry.rule(id: ruleID)!.description.examples[index]  // ids and indices come from the registry itself
    }

    var testDescription: String { "\(ruleID): \(example.name)" }

    static let all: [RuleExampleCase] = RuleRegistry.all.flatMap { rule in
        rule.description.examples.indices.map { RuleExampleCase(ruleID: rule.description.id, index: $0) }
    }
}

@Suite struct RuleExampleTests {
    @Test(arguments: RuleExampleCase.all)
    func example(_ testCase: RuleExampleCase) throws {
        let example = testCase.example
        let location = SourceLocation(fileID: example.file, filePath: example.file, line: example.line, column: 1)
        let rule = try #require(RuleRegistry.rule(id: testCase.ruleID))
        let policy = try example.policyYAML.map { try PolicyLoader.load(text: $0, source: "example.yml") } ?? PolicyLoader.builtIn()
        let violations = rule.evaluate(try example.facts(), policy: policy)
        #expect(violations.count == example.expectedViolations, "\(violations.map(\.message))", sourceLocation: location)
    }

    @Test func registryIDsAreUniqueSortedAndWellFormed() throws {
        let ids = RuleRegistry.ids
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        let shape = try PCRE2Pattern("^[a-z]+(-[a-z]+)*\\.[a-z]+(-[a-z]+)*$")
        for id in ids {
            #expect(try shape.matches(id), "\(id) is not area.what in kebab-case")
        }
    }

    @Test func everyRuleHasAPassingAndAFailingExample() {
        for rule in RuleRegistry.all {
            let examples = rule.description.examples
            #expect(examples.contains { $0.triggers }, "\(rule.description.id) has no triggering example")
            #expect(examples.contains { !$0.triggers }, "\(rule.description.id) has no passing example")
        }
    }

    @Test func theGitLabPagesExampleJobIsBlockedAndWarned() throws {
        let facts = try Facts.pre("""
        claude -p "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}" \
          --permission-mode acceptEdits --allowedTools "Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab" --debug
        """)
        let outcome = Evaluator.evaluate(facts, policy: try PolicyLoader.builtIn())
        #expect(outcome.decision == .block)
        #expect(outcome.findings.contains { $0.rule == "tools.unscoped" && $0.action == .block })
        #expect(outcome.findings.contains { $0.rule == "ci.debug-logging" && $0.action == .warn })
    }

    @Test func aTightlyScopedInvocationPasses() throws {
        let facts = try Facts.pre("""
        claude -p "Fix the failing test" --permission-mode acceptEdits --output-format stream-json --verbose \
          --allowedTools "Read,Edit,Write,Glob,Grep,Bash(swift test:*),Bash(git diff:*),mcp__gitlab" \
          --strict-mcp-config --max-turns 30
        """, environment: ["CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "3"])
        let outcome = Evaluator.evaluate(facts, policy: try PolicyLoader.builtIn())
        #expect(outcome.findings.isEmpty, "\(outcome.findings.map(\.message))")
        #expect(outcome.decision == .pass)
    }

    @Test func policyOverridesChangeTheAction() throws {
        let policy = try PolicyLoader.load(text: "rules:\n  ci.debug-logging: block\n  tools.unscoped: off\n", source: "p.yml")
        let outcome = Evaluator.evaluate(try Facts.pre("-p t --permission-mode plan --allowedTools Bash --debug"), policy: policy)
        #expect(outcome.findings.map(\.rule).sorted() == ["ci.debug-logging", "tools.denied", "tools.not-allowed"])
        #expect(outcome.findings.first { $0.rule == "ci.debug-logging" }?.action == .block)
    }
}
