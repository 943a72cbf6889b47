import Foundation
import Testing
import TestSupport
@testable import PolicyEngine

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
}
