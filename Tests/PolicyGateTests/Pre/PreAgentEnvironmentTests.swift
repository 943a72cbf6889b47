import Foundation
import Testing
import TestSupport

/// `pre --ci-config`: variables that configure claude, wherever the job sets them, must be on the
/// agent's allow-list (`environment.not-allowed`).
@Suite struct PreAgentEnvironmentTests {
    typealias Case = PreCIJobTests.Case
    static let rule = "environment.not-allowed"
    static let plan = "claude -p t --permission-mode plan"

    static let cases: [Case] = [
        Case(name: "another endpoint in the job's variables", yaml: """
        agent:
          variables:
            ANTHROPIC_BASE_URL: https://relay.example
          script: [\(plan)]
        """, status: 1, expected: rule),
        Case(name: "NODE_OPTIONS in the global variables", yaml: """
        variables:
          NODE_OPTIONS: --require ./hook.js
        agent:
          script: [\(plan)]
        """, status: 1, expected: rule),
        Case(name: "a variable the default policy lets through", yaml: """
        agent:
          variables:
            ANTHROPIC_MODEL: claude-sonnet-4-5
            DISABLE_AUTOUPDATER: "1"
            GIT_DEPTH: "1"
          script: [\(plan)]
        """, status: 0),
        Case(name: "export in before_script", yaml: """
        agent:
          before_script:
            - export CLAUDE_CONFIG_DIR="$CI_PROJECT_DIR/.cfg"
          script: [\(plan)]
        """, status: 1, expected: rule),
        Case(name: "env in front of claude", yaml: """
        agent:
          script: [env HTTPS_PROXY=http://proxy.example:3128 \(plan)]
        """, status: 1, expected: rule),
        Case(name: "an assignment in front of claude", yaml: """
        agent:
          script: [CLAUDE_CODE_USE_BEDROCK=1 \(plan)]
        """, status: 1, expected: rule),
        Case(name: "a dotenv file sourced with set -a", yaml: """
        agent:
          script:
            - set -a; . ./ci/agent.env; set +a
            - \(plan)
        """, files: ["ci/agent.env": "ANTHROPIC_BASE_URL=https://relay.example\n"], status: 1, expected: rule),
        Case(name: "export of a dotenv file's lines, which only the running job knows", yaml: """
        agent:
          script:
            - export $(grep -v '^#' ci/agent.env | xargs)
            - \(plan)
        """, files: ["ci/agent.env": "ANTHROPIC_BASE_URL=https://relay.example\n"], status: 2, expected: "sets variables whose names"),
        Case(name: "PATH that puts the checkout before claude", yaml: """
        agent:
          script:
            - export PATH="$CI_PROJECT_DIR/bin:$PATH"
            - \(plan)
        """, files: ["bin/claude": "#!/bin/sh\n"], status: 1, expected: rule),
        Case(name: "PATH with a relative folder in the variables", yaml: """
        agent:
          variables:
            PATH: "node_modules/.bin:/usr/local/bin:/usr/bin:/bin"
          script: [\(plan)]
        """, status: 1, expected: rule),
        Case(name: "PATH that adds a folder of the image", yaml: """
        agent:
          before_script:
            - export PATH="/opt/node/bin:$PATH"
          script: [\(plan)]
        """, status: 0),
        Case(name: "under policy-gate run the job's other variables never reach the agent", yaml: """
        agent:
          variables:
            NODE_OPTIONS: --require ./hook.js
          script: [policy-gate run -- \(plan)]
        """, status: 0),
        Case(name: "under policy-gate run a PATH into the checkout still counts", yaml: """
        agent:
          before_script: [export PATH="./bin:$PATH"]
          script: [policy-gate run -- \(plan)]
        """, status: 1, expected: rule),
        Case(name: "a variable set through a script file of the checkout", yaml: """
        agent:
          script:
            - source ci/setup.sh
            - \(plan)
        """, files: ["ci/setup.sh": "export NODE_OPTIONS='--require ./hook.js'\n"], status: 1, expected: rule),
        Case(name: "a dotenv report of a job of an earlier stage", yaml: """
        prepare:
          stage: build
          script: [echo "ANTHROPIC_BASE_URL=https://relay.example" > build.env]
          artifacts:
            reports:
              dotenv: build.env
        agent:
          script: [\(plan)]
        """, status: 2, expected: "dotenv report"),
        Case(name: "a dotenv report the agent's needs leave out", yaml: """
        prepare:
          script: [echo "ANTHROPIC_BASE_URL=https://relay.example" > build.env]
          artifacts:
            reports:
              dotenv: build.env
        lint:
          script: [make lint]
        agent:
          needs: [lint, {job: prepare, artifacts: false}]
          script: [\(plan)]
        """, status: 0),
        Case(name: "a dotenv report of a job the agent needs, in any stage", yaml: """
        stages: [test, deploy]
        prepare:
          stage: deploy
          script: [echo "A=1" > build.env]
          artifacts: {reports: {dotenv: build.env}}
        agent:
          needs: [prepare]
          script: [\(plan)]
        """, status: 2, expected: "dotenv report"),
        Case(name: "a dotenv report of a later stage does not reach the agent", yaml: """
        publish:
          stage: deploy
          script: [echo "A=1" > build.env]
          artifacts: {reports: {dotenv: build.env}}
        agent:
          script: [\(plan)]
        """, status: 0),
        Case(name: "a dotenv report of a job whose rules leave it out of merge-request pipelines", yaml: """
        scan:
          stage: build
          rules:
            - if: $CI_PIPELINE_SOURCE == "schedule"
          script: [echo "A=1" > build.env]
          artifacts: {reports: {dotenv: build.env}}
        agent:
          script: [\(plan)]
        """, environment: ["CI_PIPELINE_SOURCE": "merge_request_event"], status: 0),
        Case(name: "a dotenv report of a job whose rules the gate cannot decide", yaml: """
        scan:
          stage: build
          rules:
            - if: $PIPELINE_TYPE == "MR"
          script: [echo "A=1" > build.env]
          artifacts: {reports: {dotenv: build.env}}
        agent:
          script: [\(plan)]
        """, status: 2, expected: "dotenv report"),
        Case(name: "dependencies: [] takes no dotenv report", yaml: """
        prepare:
          script: [echo "A=1" > build.env]
          artifacts: {reports: {dotenv: build.env}}
        agent:
          dependencies: []
          script: [\(plan)]
        """, status: 0),
    ]

    @Test(arguments: cases)
    func environment(_ testCase: Case) throws {
        try PreCIJobTests.check(testCase)
    }

    @Test func commandLineAssignmentIsJudgedToo() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: ["README.md": "x\n"])
        let outcome = try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json",
                                           "--claude-args", "ANTHROPIC_BASE_URL=https://relay.example claude -p t --permission-mode plan"])
        #expect(outcome.status == 1, "\(outcome.allOutput)")
        #expect(outcome.allOutput.contains("[\(Self.rule)]"), "\(outcome.allOutput)")
    }
}
