import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("CIConfigurationReader")
struct CIConfigurationReaderTests {
    static let agentJob = """
    claude:
      extends: .policy-gate:agent
      script:
        - claude -p "fix it" --permission-mode acceptEdits --allowedTools "Read,Edit"
    """

    @Test func includeEntriesOfEveryFormAreRead() throws {
        let file = CIJobExtractor.SourceFile(name: ".gitlab-ci.yml", text: """
        include:
          - ci/local.yml
          - local: /ci/other.yml
          - https://example.com/remote.yml
          - component: $CI_SERVER_FQDN/security/policy-gate/policy-gate@0.1.0
            inputs:
              agent_job: claude
          - project: group/templates
            file: /claude.yml
          - local: ci/*.yml
        """)
        let includes = try CIJobExtractor.includes(in: file)
        #expect(includes == [
            .local(path: "ci/local.yml", file: ".gitlab-ci.yml", line: 2),
            .local(path: "/ci/other.yml", file: ".gitlab-ci.yml", line: 3),
            .elsewhere(description: "remote https://example.com/remote.yml", file: ".gitlab-ci.yml", line: 4),
            .component(address: "$CI_SERVER_FQDN/security/policy-gate/policy-gate@0.1.0", file: ".gitlab-ci.yml", line: 5),
            .elsewhere(description: "project group/templates", file: ".gitlab-ci.yml", line: 8),
            .localWildcard(pattern: "ci/*.yml", file: ".gitlab-ci.yml", line: 10),
        ])
        #expect(includes[3].componentName == "policy-gate")
        #expect(try CIJobExtractor.includes(in: .init(name: "a.yml", text: "include: b.yml\n")) == [.local(path: "b.yml", file: "a.yml", line: 1)])
        #expect(throws: CIJobExtractorError.self) {
            try CIJobExtractor.includes(in: .init(name: "a.yml", text: "include:\n  - inputs: {}\n"))
        }
    }

    @Test func aJobExtendingThePolicyGateComponentsTemplateResolves() throws {
        let scratch = try ScratchDirectory()
        let text = """
        include:
          - component: gitlab.example.com/security/policy-gate/policy-gate@0.1.0
        \(Self.agentJob)
        """
        let extractor = try CIConfigurationReader(repository: scratch.path, environment: ["CI_SERVER_FQDN": "gitlab.example.com"])
            .extractor(file: ".gitlab-ci.yml", text: text)
        let job = try extractor.job(named: "claude")
        #expect(job.extendsChain == [".policy-gate:agent"])
        #expect(job.beforeScript.map(\.text).contains("mkdir -p .policy-gate"))
        #expect(job.beforeScript.contains { $0.text.contains("refs/policy-gate/policy") })
        #expect(try extractor.claudeCommands(in: job).count == 1)
    }

    @Test func anotherComponentIsNotGuessed() throws {
        let scratch = try ScratchDirectory()
        let text = "include:\n  - component: gitlab.example.com/acme/ci/agent-template@1.0\n" + Self.agentJob
        #expect(throws: CIJobExtractorError.self) {
            try CIConfigurationReader(repository: scratch.path).extractor(file: ".gitlab-ci.yml", text: text).job(named: "claude")
        }
    }

    @Test func localIncludesNestAndTheIncludingFileWins() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("ci/outer.yml", """
        include:
          - local: ci/inner.yml
        .base:
          variables:
            LEVEL: outer
        """)
        try scratch.write("ci/inner.yml", """
        .base:
          before_script:
            - echo from-inner
          variables:
            LEVEL: inner
            INNER_ONLY: "yes"
        """)
        let text = """
        include: /ci/outer.yml
        job:
          extends: .base
          script:
            - echo main
        """
        let job = try CIConfigurationReader(repository: scratch.path).extractor(file: ".gitlab-ci.yml", text: text).job(named: "job")
        #expect(job.beforeScript.map(\.text) == ["echo from-inner"])
        #expect(job.beforeScript.first?.file == "ci/inner.yml")
        #expect(job.variables["LEVEL"] == "outer")
        #expect(job.variables["INNER_ONLY"] == "yes")
    }

    @Test func aFileIncludedTwiceOrInACycleIsReadOnce() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("a.yml", "include: b.yml\n.a:\n  script: [echo a]\n")
        try scratch.write("b.yml", "include: a.yml\n.b:\n  script: [echo b]\n")
        let text = "include: [a.yml, b.yml]\njob:\n  extends: [.a, .b]\n"
        let job = try CIConfigurationReader(repository: scratch.path).extractor(file: ".gitlab-ci.yml", text: text).job(named: "job")
        #expect(job.script.map(\.text) == ["echo b"])
    }

    @Test(arguments: [
        ("../outside.yml", "leads outside the repository"),
        ("ci/missing.yml", "cannot be read"),
        ("link.yml", "leads outside the repository"),
    ])
    func aLocalIncludeThatCannotBeReadSafelyIsAnError(path: String, reason: String) throws {
        let scratch = try ScratchDirectory()
        let repository = scratch.path + "/repo"
        try scratch.write("outside.yml", ".t:\n  script: [echo outside]\n")
        try scratch.write("repo/.keep", "")
        try FileManager.default.createSymbolicLink(atPath: repository + "/link.yml", withDestinationPath: scratch.path + "/outside.yml")
        do {
            _ = try CIConfigurationReader(repository: repository).extractor(file: ".gitlab-ci.yml", text: "include: \(path)\n")
            Issue.record("include \(path) was accepted")
        } catch {
            #expect(error.description.hasPrefix(".gitlab-ci.yml:1: include local '\(path)' \(reason)"))
        }
    }
}
