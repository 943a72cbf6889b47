import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// The real stages, driven through a second CI system (`ToyCI`) running the second agent (`ToyAgent`).
@Suite struct CISeamTests {
    static let configuration = """
        job build
        run make
        job agent
        image node:24
        run npm install -g toy-agent
        run toy --mode bypassPermissions --prompt fix
        """

    @Test func theAgentJobIsReadFromTheToyConfigurationAndAnnotated() async throws {
        let scratch = try ScratchDirectory()
        try GitCLI.repository(in: scratch, files: ["README.md": "hello\n", "ci.toy": Self.configuration])
        let ci = ToyCI()
        let environment = ["TOYCI_CHANGE": "7", "TOYCI_TARGET": "main", "TOYCI_JOB": "42"]
        let outcome = try Gate.pre(repository: scratch.path, policy: try PolicyLoader.builtIn(),
                                   invocation: .ciJob(file: scratch.path + "/ci.toy", job: "agent"), environment: environment,
                                   liveHook: true, agent: ToyAgent(), ciProvider: ci)
        let findings = outcome.report.findings
        #expect(outcome.report.inputs["invocation"] == scratch.path + "/ci.toy:6")
        #expect(findings.contains { $0.rule == "permission-mode.forbidden" })
        // The toy agent's own package, installed unpinned, on an image without a digest.
        let unpinned = findings.filter { $0.rule == "ci.unpinned-agent" }
        #expect(unpinned.count == 2)
        #expect(unpinned.contains { $0.message.contains("'toy-agent'") && $0.location?.line == 5 })
        #expect(outcome.state.jobID == "42")

        let result = await ci.annotate(outcome.report, environment: environment)
        #expect(result.problems.isEmpty)
        #expect(ci.annotations.count == 1)
        #expect(ci.annotations.first?.change == "7")
        #expect(ci.annotations.first?.decision == .block)
        #expect(ci.annotations.first?.rules.contains("ci.unpinned-agent") == true)
    }

    @Test func aJobWithoutTheAgentIsAnError() throws {
        let scratch = try ScratchDirectory()
        try GitCLI.repository(in: scratch, files: ["ci.toy": Self.configuration])
        #expect(throws: PreStageCollector.CollectError.self) {
            try Gate.pre(repository: scratch.path, policy: try PolicyLoader.builtIn(),
                         invocation: .ciJob(file: scratch.path + "/ci.toy", job: "build"), environment: [:],
                         liveHook: true, agent: ToyAgent(), ciProvider: ToyCI())
        }
    }

    @Test func theProtectedBranchRuleReadsTheToyEnvironment() throws {
        let scratch = try ScratchDirectory()
        try GitCLI.repository(in: scratch)
        func rules(_ environment: [String: String]) throws -> [String] {
            try Gate.pre(repository: scratch.path, policy: try PolicyLoader.builtIn(),
                         invocation: .argv(["toy", "--mode", "default", "--prompt", "fix"]), environment: environment,
                         liveHook: true, agent: ToyAgent(), ciProvider: ToyCI()).report.findings.map(\.rule)
        }
        #expect(try rules(["TOYCI_BRANCH": "main"]).contains("branch.protected-target"))
        #expect(try !rules(["TOYCI_BRANCH": "agent/issue-42"]).contains("branch.protected-target"))
        // GitLab's variables mean nothing to the toy system.
        #expect(try !rules(["CI_COMMIT_BRANCH": "main", "CI_PIPELINE_SOURCE": "push"]).contains("branch.protected-target"))
    }

    @Test func postTakesItsBaseFromTheToyTargetBranch() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let main = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try git.run("checkout", "-q", "-b", "agent/work")
        try scratch.write("README.md", "changed\n")
        _ = try git.commitAll()
        var request = PostStageCollector.Request(repository: scratch.path, environment: ["TOYCI_CHANGE": "7", "TOYCI_TARGET": "main"])
        request.ciProvider = ToyCI()
        #expect(try PostStageCollector.base(for: request) == main)
        // The policy post judges by is the base commit's.
        guard case .reference(_, let revision) = try Gate.postPolicySource(explicit: nil, request: request) else {
            Issue.record("post should read the policy from a commit")
            return
        }
        #expect(revision == main)
        request.ciProvider = GitLabCI()
        #expect(throws: PostStageCollector.CollectError.self) { try PostStageCollector.base(for: request) }
    }

    @Test func runAndAgentStartThroughBothSeams() throws {
        let scratch = try ScratchDirectory()
        try GitCLI.repository(in: scratch)
        let start = try Gate.startAgent(repository: scratch.path, explicitPolicy: nil,
                                        command: ["toy", "--mode", "bypassPermissions", "--prompt", "fix"],
                                        environment: ["TOYCI_BRANCH": "main"], agent: ToyAgent(), ciProvider: ToyCI())
        let rules = Set(start.pre.report.findings.map(\.rule))
        #expect(rules.isSuperset(of: ["permission-mode.forbidden", "branch.protected-target"]))
        #expect(start.pre.report.decision == .block)
    }
}
