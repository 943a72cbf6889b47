import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing
import TestSupport
import Yams

/// The GitLab packaging: the CI/CD component, the example pipelines, CLAUDE.md.example and the
/// README's rule catalogue, held against the gate itself.
@Suite struct PackagingTests {
    static let component = "templates/policy-gate.yml"
    static let oneJobExample = "examples/.gitlab-ci.yml"
    static let twoJobExample = "examples/two-jobs.gitlab-ci.yml"

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: PackagePaths.root + "/" + relative, encoding: .utf8)
    }

    /// A YAML document as a mapping.
    static func mapping(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    /// The component's header (`spec:`) and its jobs, the two documents around `---`.
    static func componentDocuments() throws -> (spec: [String: Any], jobs: [String: Any]) {
        let parts = try text(component).components(separatedBy: "\n---\n")
        try #require(parts.count == 2)
        return (try mapping(parts[0]), try mapping(parts[1]))
    }

    /// Every key anywhere in a parsed YAML value.
    static func keys(in value: Any) -> [String] {
        if let mapping = value as? [String: Any] {
            return mapping.keys + mapping.values.flatMap(keys(in:))
        }
        if let sequence = value as? [Any] {
            return sequence.flatMap(keys(in:))
        }
        return []
    }

    // MARK: - The component

    @Test func componentInputsAreTypedAndAllHaveDefaults() throws {
        let spec = try Self.componentDocuments().spec
        let inputs = try #require((spec["spec"] as? [String: Any])?["inputs"] as? [String: [String: Any]])
        #expect(Set(inputs.keys) == ["agent_job", "ci_config", "policy", "policy_ref", "pre_stage", "post_stage", "reports",
                                     "annotate", "attest", "status_check", "image", "run_if", "expire_in"])
        for (name, input) in inputs {
            #expect(input["default"] != nil, "input \(name) has no default, so including the component would need it")
            #expect((input["description"] as? String)?.isEmpty == false, "input \(name) has no description")
        }
        #expect(inputs["annotate"]?["type"] as? String == "boolean")
        #expect(inputs["annotate"]?["default"] as? Bool == true)
        #expect(inputs["attest"]?["type"] as? String == "boolean")
        #expect(inputs["attest"]?["default"] as? Bool == false, "signing needs a key the project must set up first")
        #expect(inputs["status_check"]?["default"] as? String == "")
        #expect(inputs["policy_ref"]?["default"] as? String == "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
        let reports = try #require(inputs["reports"]?["regex"] as? String)
        for kind in ReportKind.allCases {
            #expect(reports.contains(kind.rawValue), "the reports input does not accept \(kind.rawValue)")
        }
    }

    @Test func componentRunsPreBeforeAndPostAfterTheAgentJob() throws {
        let jobs = try Self.componentDocuments().jobs
        let pre = try #require(jobs["policy-gate:pre"] as? [String: Any])
        let post = try #require(jobs["policy-gate:post"] as? [String: Any])
        let agent = try #require(jobs[".policy-gate:agent"] as? [String: Any])
        #expect(pre["stage"] as? String == "$[[ inputs.pre_stage ]]")
        #expect(post["stage"] as? String == "$[[ inputs.post_stage ]]")

        let agentNeeds = try #require(agent["needs"] as? [[String: Any]])
        #expect(agentNeeds.contains { $0["job"] as? String == "policy-gate:pre" })
        let postNeeds = try #require(post["needs"] as? [[String: Any]])
        for job in ["policy-gate:pre", "$[[ inputs.agent_job ]]"] {
            #expect(postNeeds.contains { $0["job"] as? String == job && $0["artifacts"] as? Bool == true },
                    "post does not take \(job)'s artifacts")
        }
        let postRules = try #require(post["rules"] as? [[String: Any]])
        #expect(!postRules.isEmpty && postRules.allSatisfy { $0["when"] as? String == "always" })

        let handedOver = try #require((agent["artifacts"] as? [String: Any])?["paths"] as? [String])
        #expect(Set(handedOver) == [".policy-gate/transcript.jsonl", ".policy-gate/agent.bundle", ".policy-gate/manifest.json"])
        for (stage, job) in [("pre", pre), ("post", post)] {
            let artifacts = try #require(job["artifacts"] as? [String: Any])
            #expect(artifacts["when"] as? String == "always")
            let reports = try #require(artifacts["reports"] as? [String: String])
            #expect(Set(reports.keys) == ["codequality", "junit", "secret_detection"])
            let paths = try #require(artifacts["paths"] as? [String])
            #expect(paths.contains(".policy-gate/\(stage)-*"), "the \(stage) audit record is not kept")
        }
    }

    @Test(arguments: [component, oneJobExample, twoJobExample])
    func noJobMayFailWithoutFailingThePipeline(_ file: String) throws {
        let documents = try Self.text(file).components(separatedBy: "\n---\n").map { try Self.mapping($0) }
        #expect(!documents.flatMap(Self.keys(in:)).contains("allow_failure"))
    }

    // MARK: - The examples

    private func mergeRequestPipeline() -> [String: String] {
        ["CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
         "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_COMMIT_REF_NAME": "agent/issue-7"]
    }

    private func findings(_ report: String) throws -> [(rule: String, action: String)] {
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let findings = record?["findings"] as? [[String: Any]] ?? []
        return findings.map { ($0["rule"] as? String ?? "", $0["action"] as? String ?? "") }
    }

    @Test func theTwoJobExampleAgentPassesPre() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let report = scratch.path + "/pre.json"
        let outcome = try GateProcess.run(
            ["pre", "--repo", scratch.path, "--ci-config", PackagePaths.root + "/" + Self.twoJobExample, "--job", "claude",
             "--state", scratch.path + "/state.json", "--report", "json=" + report],
            // The MCP configuration is a File-type project variable, in every job's environment.
            environment: mergeRequestPipeline().merging(["GITLAB_MCP_CONFIG": "/builds/tmp/GITLAB_MCP_CONFIG"]) { old, _ in old })
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        // Only the job image's missing digest is left: a digest cannot be written down for every reader.
        #expect(try findings(report).map(\.rule) == ["ci.unpinned-agent"])
    }

    @Test func theOneJobExampleAgentPassesPre() throws {
        let extractor = try CIJobExtractor(yaml: try Self.text(Self.oneJobExample), fileName: Self.oneJobExample)
        let job = try extractor.job(named: "claude")
        let gate = try #require(job.script.first { $0.text.hasPrefix("policy-gate run ") })
        let command = try #require(gate.text.components(separatedBy: " -- ").last)
        #expect(command.hasPrefix("claude -p "))
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        let report = scratch.path + "/pre.json"
        let outcome = try GateProcess.run(
            ["pre", "--repo", scratch.path, "--claude-args", command, "--state", scratch.path + "/state.json",
             "--report", "json=" + report], environment: mergeRequestPipeline())
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        // Given only the command line, pre cannot know that `run` starts it with the live hook.
        #expect(try findings(report).map(\.rule) == ["agent.live-enforcement"])
    }

    @Test(arguments: [oneJobExample, twoJobExample])
    func examplesPinTheAgentAndCallTheGateByName(_ file: String) throws {
        let text = try Self.text(file)
        #expect(text.contains("@anthropic-ai/claude-code@2.1.240"))
        let extractor = try CIJobExtractor(yaml: text, fileName: file)
        let document = try Self.mapping(text)
        let stages = try #require(document["stages"] as? [String])
        var stageOfGateCommand: [String: Int] = [:]
        for name in extractor.jobNames where !name.hasPrefix(".") {
            let job = try extractor.job(named: name)
            let stage = try #require((document[name] as? [String: Any])?["stage"] as? String)
            for line in job.allLines {
                #expect(!line.text.contains("--debug"), "\(file):\(line.line) runs with --debug")
                for command in ["pre", "run", "post"] where line.text.contains("policy-gate \(command) ") {
                    #expect(line.text.hasPrefix("policy-gate \(command) "), "\(file):\(line.line) does not call policy-gate from PATH")
                    stageOfGateCommand[command] = stages.firstIndex(of: stage)
                }
            }
        }
        if let pre = stageOfGateCommand["pre"], let post = stageOfGateCommand["post"] {
            let agent = try #require((document["claude"] as? [String: Any])?["stage"] as? String)
            #expect(pre < (stages.firstIndex(of: agent) ?? -1) && (stages.firstIndex(of: agent) ?? .max) < post)
        } else {
            #expect(stageOfGateCommand.keys.sorted() == ["run"])
        }
    }

    // MARK: - CLAUDE.md.example and the README

    @Test func claudeInstructionsListExactlyThePolicysProtectedPaths() throws {
        let text = try Self.text("CLAUDE.md.example")
        let start = try #require(text.range(of: "<!-- protected-paths:start -->\n"))
        let end = try #require(text.range(of: "<!-- protected-paths:end -->"))
        let listed = text[start.upperBound..<end.lowerBound].split(separator: "\n").map { line in
            line.trimmingCharacters(in: CharacterSet(charactersIn: "-` "))
        }
        let builtIn = try PolicyLoader.builtIn().workspace.protected.patterns.map(\.text)
        let starter = try PolicyLoader.load(path: PackagePaths.root + "/init/policy-gate.yml").workspace.protected.patterns.map(\.text)
        #expect(listed == builtIn)
        #expect(starter == builtIn)
    }

    @Test func readmeRuleCatalogueIsTheOutputOfExplain() throws {
        let readme = try Self.text("README.md")
        let start = try #require(readme.range(of: "<!-- rule-catalogue:start -->\n"))
        let end = try #require(readme.range(of: "<!-- rule-catalogue:end -->"))
        let explain = try GateProcess.run(["explain"])
        #expect(explain.status == 0)
        #expect(String(readme[start.upperBound..<end.lowerBound]) == explain.stdout,
                "README.md's rule catalogue is out of date: run scripts/update-readme-catalogue.sh")
    }
}
