import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing
import TestSupport

/// The shipped pipelines, run from their own YAML: the jobs' scripts in stage order, in fresh checkouts
/// of a real repository, with GitLab's predefined variables, the built `policy-gate` on PATH, stand-ins
/// for `claude` and `npm`, and a fake GitLab that receives the merge-request annotations.
@Suite(.serialized) struct PipelineEndToEndTests {
    enum Layout: String, CaseIterable, CustomTestStringConvertible {
        /// examples/.gitlab-ci.yml: one job, `policy-gate run -- claude …`.
        case oneJob
        /// examples/two-jobs.gitlab-ci.yml: pre job, agent job, post job.
        case twoJobs
        /// `policy-gate init`'s files plus examples/component.gitlab-ci.yml: the CI/CD component.
        case component

        var testDescription: String { rawValue }

        /// The job that decides the pipeline.
        var gateJob: String { self == .oneJob ? "claude" : "policy-gate:post" }
        /// Where that job writes its audit record, relative to the project folder.
        var auditRecord: String { self == .oneJob ? ".policy-gate/audit.json" : ".policy-gate/post-audit.json" }
        var jobNames: [String] { self == .oneJob ? ["claude"] : ["policy-gate:pre", "claude", "policy-gate:post"] }
    }

    static let mergeRequestBranch = "agent/issue-7"

    /// A project on `main` with a merge-request branch one commit ahead, pushed to a bare `origin`.
    private func project(_ layout: Layout, in scratch: ScratchDirectory,
                         componentInputs: [String: String] = [:]) throws -> (origin: String, head: String) {
        let work = try ScratchDirectory()
        let git = try GitCLI.repository(in: work, files: [
            "README.md": "# shop\n",
            "package.json": "{\"name\": \"shop\", \"scripts\": {\"test\": \"node test.js\"}}\n",
            "src/greeting.js": "module.exports = () => 'Hello';\n",
            ".gitignore": "node_modules/\n.env\n",
        ])
        switch layout {
        case .oneJob:
            try work.write(".gitlab-ci.yml", try PipelineDefinition.read(PackagePaths.root + "/examples/.gitlab-ci.yml"))
        case .twoJobs:
            try work.write(".gitlab-ci.yml", try PipelineDefinition.read(PackagePaths.root + "/examples/two-jobs.gitlab-ci.yml"))
        case .component:
            let initialised = try GateProcess.run(["init", "--repo", work.path])
            #expect(initialised.status == 0, "\(initialised.allOutput)")
            let checked = try GateProcess.run(["check-policy", work.path + "/.policy-gate.yml"])
            #expect(checked.status == 0, "init's policy was refused: \(checked.allOutput)")
            try work.write(".gitlab-ci.yml", try PipelineDefinition.read(PackagePaths.root + "/examples/component.gitlab-ci.yml"))
            if !componentInputs.isEmpty {
                // More inputs under the include's `inputs:`, which ends init's file.
                let include = work.path + "/.gitlab/policy-gate.gitlab-ci.yml"
                let text = try String(contentsOfFile: include, encoding: .utf8)
                try work.write(".gitlab/policy-gate.gitlab-ci.yml",
                               text + componentInputs.sorted { $0.key < $1.key }.map { "      \($0.key): \($0.value)\n" }.joined())
            }
        }
        _ = try git.commitAll("set up the pipeline")
        try git.run("checkout", "-q", "-b", Self.mergeRequestBranch)
        try work.write("docs/issue-7.md", "Greet people by name.\n")
        let head = try git.commitAll("describe issue 7")
        let origin = scratch.path + "/origin.git"
        try GitCLI(directory: scratch.path).run("init", "-q", "--bare", origin)
        try git.run("push", "-q", origin, "main", Self.mergeRequestBranch)
        return (origin, head)
    }

    /// `PATH` with the gate and the stand-ins first.
    private func toolFolder(in scratch: ScratchDirectory) throws -> String {
        let folder = scratch.path + "/bin"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/policy-gate", withDestinationPath: GateProcess.binary.path)
        for name in ["claude", "npm"] {
            try FileManager.default.createSymbolicLink(
                atPath: folder + "/" + name, withDestinationPath: PackagePaths.root + "/Tests/PolicyGateTests/Fixtures/pipeline/bin/" + name)
        }
        return folder
    }

    private struct PipelineResult {
        var pipeline: PipelineDefinition
        var runs: [PipelineRunner.JobRun]
        var gitlab: FakeGitLabState
        var argumentsLog: String
        /// The merge request's head, the pipeline's commit.
        var head: String

        func run(_ name: String) throws -> PipelineRunner.JobRun {
            try #require(runs.first { $0.name == name }, "no job \(name) ran")
        }
    }

    /// Runs the pipeline in `scratch`, which keeps the checkouts and artifacts until the test releases it.
    private func runPipeline(_ layout: Layout, behaviour: String, token: String, in scratch: ScratchDirectory,
                             componentInputs: [String: String] = [:], variables: [String: String] = [:]) async throws -> PipelineResult {
        let (origin, head) = try project(layout, in: scratch, componentInputs: componentInputs)
        let checkout = scratch.path + "/definition"
        try GitCLI(directory: scratch.path).run("clone", "-q", "--branch", Self.mergeRequestBranch, origin, checkout)
        let pipeline = try PipelineDefinition.load(repository: checkout)
        #expect(pipeline.jobs.map(\.name) == layout.jobNames)
        let mcpConfig = scratch.path + "/gitlab-mcp.json"
        try Data("{\"mcpServers\":{\"gitlab\":{\"command\":\"gitlab-mcp\"}}}".utf8).write(to: URL(fileURLWithPath: mcpConfig))
        // The agent runs as a user of its own: its log goes to a folder it may write, and what drives the
        // stand-in is read from a file beside it (the gate passes it only the variables the policy names).
        let logFolder = scratch.path + "/agent-log"
        try FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        let argumentsLog = logFolder + "/claude-arguments.log"
        let tools = try toolFolder(in: scratch)
        try Data("""
            FAKE_CLAUDE_BEHAVIOUR='\(behaviour)'
            FAKE_CLAUDE_LEAKED_TOKEN='\(FakeSecrets.gitlabToken)'
            FAKE_CLAUDE_ARGS_LOG='\(argumentsLog)'

            """.utf8).write(to: URL(fileURLWithPath: tools + "/claude.env"))
        let path = tools + ":/usr/local/bin:/usr/bin:/bin"

        return try await FakeGitLab.with(token: token) { gitlab in
            let environment = [
                "PATH": path, "HOME": scratch.path + "/home", "GIT_CONFIG_NOSYSTEM": "1",
                "CI": "true", "GITLAB_CI": "true", "CI_SERVER_FQDN": "gitlab.example.com",
                "CI_SERVER_URL": "https://gitlab.example.com", "CI_API_V4_URL": gitlab.apiURL,
                "CI_PROJECT_ID": FakeGitLabState.projectID, "CI_PROJECT_PATH": "acme/shop", "CI_CONFIG_PATH": ".gitlab-ci.yml",
                "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_ID": "1001", "CI_PIPELINE_SOURCE": "merge_request_event",
                "CI_COMMIT_SHA": head, "CI_COMMIT_REF_NAME": Self.mergeRequestBranch,
                "CI_MERGE_REQUEST_IID": FakeGitLabState.mergeRequestIID, "CI_MERGE_REQUEST_PROJECT_ID": FakeGitLabState.projectID,
                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": Self.mergeRequestBranch, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
                "CI_JOB_TOKEN": "job-token-value", "POLICY_GATE_GITLAB_TOKEN": token,
                "POLICY_GATE_HANDOFF_KEY": String(repeating: "5e", count: 20),
                "ANTHROPIC_API_KEY": FakeSecrets.anthropicKey, "GITLAB_MCP_CONFIG": mcpConfig,
                "FAKE_CLAUDE_BEHAVIOUR": behaviour, "FAKE_CLAUDE_LEAKED_TOKEN": FakeSecrets.gitlabToken,
                "FAKE_CLAUDE_ARGS_LOG": argumentsLog,
            ]
            try FileManager.default.createDirectory(atPath: scratch.path + "/home", withIntermediateDirectories: true)
            if let check = componentInputs["status_check"] {
                await gitlab.state.addExternalStatusCheck(id: 9, name: check)
                await gitlab.state.setSourceHead(head)
            }
            let runner = PipelineRunner(origin: origin, workspace: scratch.path + "/ci",
                                        environment: environment.merging(variables) { _, variable in variable })
            // The jobs block a thread each; the fake GitLab keeps the concurrency pool.
            let runs = try await onOwnThread { try runner.run(pipeline) }
            let log = (try? String(contentsOfFile: argumentsLog, encoding: .utf8)) ?? ""
            return PipelineResult(pipeline: pipeline, runs: runs, gitlab: gitlab.state, argumentsLog: log, head: head)
        }
    }

    private func record(_ run: PipelineRunner.JobRun, _ relative: String) throws -> PolicyEngine.JSONValue {
        try #require(FileManager.default.fileExists(atPath: run.artifacts + "/" + relative),
                     "job \(run.name) kept no \(relative) but \(FileManager.default.enumerator(atPath: run.artifacts)?.allObjects ?? []):\n\(run.output)")
        return try JSONDecoder().decode(PolicyEngine.JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: run.artifacts + "/" + relative)))
    }

    private func ruleIDs(_ record: PolicyEngine.JSONValue, action: String = "block") -> Set<String> {
        guard case .array(let findings)? = record["findings"] else { return [] }
        return Set(findings.filter { $0["action"]?.stringValue == action }.compactMap { $0["rule"]?.stringValue })
    }

    /// Every report a job declares under `artifacts:reports` was kept, and parses as its format.
    private func expectReports(of job: PipelineDefinition.Job, in run: PipelineRunner.JobRun) throws {
        #expect(!job.artifactReports.isEmpty)
        for (kind, relative) in job.artifactReports {
            try #require(FileManager.default.fileExists(atPath: run.artifacts + "/" + relative),
                         "job \(run.name) kept no \(relative):\n\(run.output)")
            let data = try Data(contentsOf: URL(fileURLWithPath: run.artifacts + "/" + relative))
            if kind == "junit" {
                #expect(String(decoding: data, as: UTF8.self).hasPrefix("<?xml"), "\(relative) is not JUnit XML")
            } else {
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(relative) is not JSON")
            }
        }
    }

    /// No job log, kept report or request to GitLab holds the leaked token, the API key or the GitLab token.
    private func expectNoSecretsEscaped(_ result: PipelineResult, token: String) async throws {
        let secrets = [FakeSecrets.gitlabToken, FakeSecrets.gitlabTokenBody, FakeSecrets.anthropicKey, token]
        for run in result.runs {
            for secret in secrets {
                #expect(!run.output.contains(secret), "job \(run.name) printed a secret")
            }
            let kept = FileManager.default.enumerator(atPath: run.artifacts)?.allObjects as? [String] ?? []
            // The transcript is the agent's own record (kept for developers only); the gate's reports must be clean.
            for file in kept where !file.hasSuffix("transcript.jsonl") && !file.hasSuffix(".bundle") {
                guard let text = try? String(contentsOfFile: run.artifacts + "/" + file, encoding: .utf8) else { continue }
                for secret in secrets {
                    #expect(!text.contains(secret), "\(run.name)'s artifact \(file) holds a secret")
                }
            }
        }
        for request in await result.gitlab.received {
            for secret in secrets where secret != token {
                #expect(!request.body.contains(secret), "a request to GitLab carried a secret")
            }
        }
    }

    @Test(arguments: Layout.allCases)
    func aWellBehavedAgentPassesTheGate(_ layout: Layout) async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let result = try await runPipeline(layout, behaviour: "well-behaved", token: token, in: scratch)
        for run in result.runs {
            #expect(run.status == 0, "job \(run.name) failed:\n\(run.output)")
        }
        #expect(result.argumentsLog.contains("--output-format\nstream-json\n"), "claude did not run with the transcript on")

        for job in result.pipeline.jobs where !job.artifactReports.isEmpty {
            try expectReports(of: job, in: try result.run(job.name))
        }
        let decision = try record(try result.run(layout.gateJob), layout.auditRecord)
        #expect(decision["decision"]?.stringValue == "pass")
        #expect(decision["stage"]?.stringValue == "post")
        // The agent's change reached the gate: post compared a later head with the merge request's commit.
        let inputs = decision["inputs"]
        #expect(inputs?["base"]?.stringValue != nil && inputs?["head"]?.stringValue != inputs?["base"]?.stringValue)
        let labels = await result.gitlab.labels
        #expect(labels.contains(GitLabAnnotator.passedLabel) && !labels.contains(GitLabAnnotator.blockedLabel))
        try await expectNoSecretsEscaped(result, token: token)
    }

    @Test func theComponentSignsItsDecisionsAndAnswersTheStatusCheck() async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let keys = try TestKeys.generate(in: scratch)
        let result = try await runPipeline(.component, behaviour: "well-behaved", token: token, in: scratch,
                                           componentInputs: ["attest": "true", "status_check": "policy-gate"],
                                           variables: [DecisionAttestation.signingKeyVariable: keys.privateBase64Line])
        for run in result.runs {
            #expect(run.status == 0, "job \(run.name) failed:\n\(run.output)")
            #expect(!run.output.contains(keys.privateBase64Line), "job \(run.name) printed the signing key")
        }
        for (job, stage) in [("policy-gate:pre", "pre"), ("policy-gate:post", "post")] {
            let path = try result.run(job).artifacts + "/.policy-gate/\(stage)-attestation.json"
            #expect(FileManager.default.fileExists(atPath: path), "\(job) kept no attestation")
            let verified = try await GateProcess.runOffPool(["verify", "--attestation", path, "--public-key", keys.publicPath, "--commit", result.head])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            #expect(verified.stdout.contains("policy-gate \(stage) passed"))
        }
        let envelope = try record(try result.run("policy-gate:post"), ".policy-gate/post-attestation.json")
        let statement = try JSONDecoder().decode(PolicyEngine.JSONValue.self,
                                                 from: try #require(Data(base64Encoded: envelope["payload"]?.stringValue ?? "")))
        let subjects = statement["subject"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(subjects == ["git-commit:head", "git-commit:pipeline", "transcript", ".policy-gate/agent.bundle"])
        let responses = await result.gitlab.statusCheckResponses
        #expect(responses.map { $0["status"]?.stringValue } == ["passed"])
        #expect(responses.first?["sha"]?.stringValue == result.head)
        try await expectNoSecretsEscaped(result, token: token)
    }

    @Test(arguments: Layout.allCases)
    func aMisbehavingAgentIsBlockedWithTheRulesItBroke(_ layout: Layout) async throws {
        let token = GitLabTestSupport.makeToken()
        let scratch = try ScratchDirectory()
        let result = try await runPipeline(layout, behaviour: "misbehaving", token: token, in: scratch)
        let gate = try result.run(layout.gateJob)
        #expect(gate.status == 1, "the gate did not block:\n\(gate.output)")
        if layout != .oneJob {
            // The gate's pre stage and the agent job itself succeed: only post sees what the agent did.
            #expect(try result.run("policy-gate:pre").status == 0)
            #expect(try result.run("claude").status == 0)
        }
        let decision = try record(gate, layout.auditRecord)
        #expect(decision["decision"]?.stringValue == "block")
        let blocked = ruleIDs(decision)
        for rule in ["workspace.protected-path", "secrets.leak", "transcript.dangerous-command"] {
            #expect(blocked.contains(rule), "\(rule) did not block; blocked: \(blocked.sorted())")
        }
        let notes = await result.gitlab.notes
        #expect(notes.contains { $0.body.contains("secrets.leak") && $0.body.contains("transcript.dangerous-command") })
        #expect(await result.gitlab.labels.contains(GitLabAnnotator.blockedLabel))
        try await expectNoSecretsEscaped(result, token: token)
    }
}
