import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// `agent.extra_options` and the classification of the pinned CLI's options behind `ci.widening-option`.
@Suite struct ExtraOptionsTests {
    @Test func everyClassifiedOptionIsAnOptionOfThePinnedCLI() {
        let table = Set(ClaudeArgumentParser.optionTable.keys)
        #expect(ClaudeArgumentParser.judgedOptions.subtracting(table).isEmpty)
        #expect(ClaudeArgumentParser.inertOptions.subtracting(table).isEmpty)
        #expect(ClaudeArgumentParser.judgedOptions.isDisjoint(with: ClaudeArgumentParser.inertOptions))
        // The widening options named in the issue stay unclassified, so the rule reports them.
        for name in ["--plugin-dir", "--plugin-url", "--plugin-dir-no-mcp", "--permission-prompt-tool", "--sdk-url"] {
            #expect(!ClaudeArgumentParser.isJudgedOrInert(name), "\(name)")
        }
    }

    @Test func theSpecsAreTyped() throws {
        let policy = try PolicyLoader.load(text: """
            agent:
              extra_options: ["--plugin-dir <path>", "--frobnicate", "--level [n]", "--targets <names...>"]
            """, source: "p.yml")
        #expect(policy.agent.extraOptions == ["--plugin-dir": .value, "--frobnicate": .flag, "--level": .optionalValue,
                                              "--targets": .variadic])
        #expect(try PolicyLoader.builtIn().agent.extraOptions.isEmpty)
    }

    @Test(arguments: [
        ("--plugin-dir", "policy p.yml:2: agent.extra_options: '--plugin-dir' of claude 2.1.332 takes one value, not no value"),
        ("--x <a> <b>", "policy p.yml:2: agent.extra_options: '--x <a> <b>' is not an option spec such as '--name', '--name <value>', '--name [value]' or '--name <values...>'"),
        ("plugin", "policy p.yml:2: agent.extra_options: 'plugin' is not an option spec such as '--name', '--name <value>', '--name [value]' or '--name <values...>'"),
        ("--x value", "policy p.yml:2: agent.extra_options: '--x value' is not an option spec such as '--name', '--name <value>', '--name [value]' or '--name <values...>'"),
    ])
    func aBadSpecIsRefusedWithItsLine(_ spec: String, _ message: String) {
        #expect {
            _ = try PolicyLoader.load(text: "agent:\n  extra_options: [\"\(spec)\"]\n", source: "p.yml")
        } throws: { error in
            String(describing: error) == message
        }
    }

    @Test func aListedUnknownOptionIsReadWithItsArity() throws {
        let argv = ["claude", "-p", "task", "--new-filter", "fix it", "--new-switch"]
        #expect(throws: ClaudeArgumentParserError.self) { try ClaudeArgumentParser.parse(argv) }
        let invocation = try ClaudeArgumentParser.parse(argv, extraOptions: ["--new-filter": .value, "--new-switch": .flag])
        #expect(invocation.prompt == "task")
        #expect(invocation.extraPositionals.isEmpty)
        #expect(invocation.optionNames == ["-p", "--new-filter", "--new-switch"])
    }

    @Test func aListedOptionPassesTheWideningRule() throws {
        let facts = try Facts.pre("-p task --plugin-dir ./plugin --add-dir /opt/shared")
        let strict = try PolicyLoader.builtIn()
        #expect(WideningOptionRule.evaluate(facts, policy: strict).count == 2)
        let relaxed = try PolicyLoader.load(text: "agent:\n  extra_options: [\"--plugin-dir <path>\", \"--add-dir <directories...>\"]\n", source: "p.yml")
        #expect(WideningOptionRule.evaluate(facts, policy: relaxed).isEmpty)
    }

    /// A directory of the checkout that is a symbolic link to `/` reads as inside but is not.
    @Test func anAddDirLinkLeavingTheCheckoutIsReported() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/shared", withDestinationPath: "/")
        try FileManager.default.createDirectory(atPath: scratch.path + "/src", withIntermediateDirectories: true)
        let collector = PreStageCollector(repository: scratch.path, environment: [:],
                                          scanner: SecretScanner(ruleSet: try PolicySource.secretRules(for: PolicyLoader.builtIn())))
        let facts = try collector.collect(.commandLine("-p task --add-dir shared src"))
        #expect(facts[0].invocation?.addDirsLeavingCheckout == ["shared"])
        let messages = WideningOptionRule.evaluate(facts[0], policy: try PolicyLoader.builtIn()).map(\.message)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("symbolic link") == true)
    }

    /// pre on every option of the pinned CLI, with and without a value: the prompt stays the prompt, nothing
    /// is left over, an option that needs a value and has none is an error, and each option is either
    /// judged, inert, or reported by ci.widening-option.
    @Test func everyOptionWithAndWithoutAValue() throws {
        let policy = try PolicyLoader.builtIn()
        for (name, arity) in ClaudeArgumentParser.optionTable.sorted(by: { $0.key < $1.key }) {
            let value = name == "--add-dir" ? "src" : name == "--agents" ? #"{"x":{"description":"d","prompt":"p"}}"# : "v1"
            let given: [String] = arity == .flag ? [name] : [name, value]
            let invocation = try ClaudeArgumentParser.parse(["claude", "-p", "task"] + given + ["--verbose"])
            if !invocation.showsVersionOrHelp {
                #expect(invocation.prompt == "task", "\(name)")
                #expect(invocation.extraPositionals.isEmpty, "\(name)")
            }
            #expect(invocation.optionNames == ["-p", name, "--verbose"], "\(name)")
            let facts = try Facts.pre((["-p", "task"] + given).map { "'" + $0 + "'" }.joined(separator: " "))
            let reported = WideningOptionRule.evaluate(facts, policy: policy).contains { $0.message.hasPrefix(name + " ") }
            #expect(reported == !ClaudeArgumentParser.isJudgedOrInert(name), "\(name)")
            switch arity {
            case .value, .variadic:
                #expect(throws: ClaudeArgumentParserError.missingValue(source: "command line", option: name)) {
                    try ClaudeArgumentParser.parse(["claude", "-p", "task", name])
                }
            case .flag, .optionalValue, .optionalVariadic:
                _ = try ClaudeArgumentParser.parse(["claude", "-p", "task", name])
            }
        }
    }
}
