import Foundation
import Testing
import TestSupport

/// `pre --ci-config` on scratch repositories: the agent job as GitLab would build and run it.
/// Each case's expectation is what GitLab's documented loading gives (spec/gitlab.md section 10).
@Suite struct PreCIJobTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var job = "agent"
        var files: [String: String] = [:]
        /// The gate's environment: in a pipeline, project and pipeline variables are there.
        var environment: [String: String] = [:]
        /// 0 pass, 1 blocked, 2 undecidable.
        var status: Int32
        /// For 1 a rule id that must block; for 2 a fragment of the error line.
        var expected: String?
        var testDescription: String { name }
    }

    static let forbidden = "permission-mode.forbidden"

    static func run(_ testCase: Case) throws -> GateProcess.Outcome {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: testCase.files.merging(["README.md": "x\n"]) { old, _ in old })
        try scratch.write(".gitlab-ci.yml", testCase.yaml)
        return try GateProcess.run(["pre", "--repo", scratch.path, "--state", scratch.path + "/s.json", "--report", "json=" + scratch.path + "/r.json",
                                    "--ci-config", scratch.path + "/.gitlab-ci.yml", "--job", testCase.job],
                                   environment: testCase.environment)
    }

    static func check(_ testCase: Case) throws {
        let outcome = try run(testCase)
        #expect(outcome.status == testCase.status, "\(outcome.allOutput)")
        guard let expected = testCase.expected else { return }
        if testCase.status == 2 {
            #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "\(outcome.stderr)")
        } else {
            #expect(outcome.allOutput.contains("[\(expected)]"), "\(outcome.allOutput)")
        }
    }

    // MARK: - YAML as GitLab loads it

    static let yamlCases: [Case] = [
        Case(name: "a << written after an explicit key overrides it (Psych merges in key order)", yaml: """
        .b: &b
          script: [claude -p t --dangerously-skip-permissions]
        agent:
          script: [claude -p t --permission-mode plan]
          <<: *b
        """, status: 1, expected: forbidden),
        Case(name: "a << written before an explicit key is overridden by it", yaml: """
        .b: &b
          script: [claude -p t --dangerously-skip-permissions]
        agent:
          <<: *b
          script: [claude -p t --permission-mode plan]
        """, status: 0),
        Case(name: "two << keys in one mapping both apply, the last wins", yaml: """
        .x: &x
          script: [claude -p t --permission-mode plan]
        .y: &y
          script: [claude -p t --dangerously-skip-permissions]
        agent:
          <<: *x
          image: node
          <<: *y
        """, status: 1, expected: forbidden),
        Case(name: "<< with a list: the first item wins", yaml: """
        .x: &x
          script: [claude -p t --dangerously-skip-permissions]
        .y: &y
          script: [claude -p t --permission-mode plan]
        agent:
          <<: [*x, *y]
        """, status: 1, expected: forbidden),
        Case(name: "a << inside a block scalar is text, not a key", yaml: """
        .x: &x
          image: node
        agent:
          <<: *x
          script:
            - |
              cat <<EOF
              <<: not a key
              EOF
            - claude -p t --permission-mode plan
          <<: *x
        """, status: 0),
        Case(name: "a job written twice: GitLab keeps the last", yaml: """
        agent:
          script: [claude -p t --permission-mode plan]
        agent:
          script: [claude -p t --dangerously-skip-permissions]
        """, status: 1, expected: forbidden),
        Case(name: "a key written twice inside a job: the last wins", yaml: """
        agent:
          script: [claude -p t --dangerously-skip-permissions]
          image: node
          script: [claude -p t --permission-mode plan]
        """, status: 0),
        Case(name: "!reference resolves after extends", yaml: """
        .base:
          script: [claude -p t --dangerously-skip-permissions]
        .mid:
          extends: .base
        agent:
          script: !reference [.mid, script]
        """, status: 1, expected: forbidden),
        Case(name: "a one-element !reference is the whole top-level value", yaml: """
        .lines:
          - claude -p t --dangerously-skip-permissions
        agent:
          script:
            - !reference [.lines]
        """, status: 1, expected: forbidden),
        Case(name: "an unresolvable !reference in another job does not stop reading this one", yaml: """
        other:
          script: !reference [.from-a-remote-include, script]
        agent:
          script: [claude -p t --dangerously-skip-permissions]
        """, status: 1, expected: forbidden),
    ]

    @Test(arguments: yamlCases) func yamlAsGitLabLoadsIt(_ testCase: Case) throws { try Self.check(testCase) }

    // MARK: - Every script the job runs

    static let scriptCases: [Case] = [
        Case(name: "hooks:pre_get_sources_script of the job", yaml: """
        agent:
          hooks:
            pre_get_sources_script: [claude -p t --dangerously-skip-permissions]
          script: [claude -p t --permission-mode plan]
        """, status: 1, expected: forbidden),
        Case(name: "hooks:pre_get_sources_script from default:", yaml: """
        default:
          hooks:
            pre_get_sources_script: [claude -p t --dangerously-skip-permissions]
        agent:
          script: [claude -p t --permission-mode plan]
        """, status: 1, expected: forbidden),
        Case(name: "the job's hooks replace the default's", yaml: """
        default:
          hooks:
            pre_get_sources_script: [claude -p t --dangerously-skip-permissions]
        agent:
          hooks:
            pre_get_sources_script: [echo hi]
          script: [claude -p t --permission-mode plan]
        """, status: 0),
        Case(name: "run: steps with script", yaml: """
        agent:
          run:
            - name: agent
              script: claude -p t --dangerously-skip-permissions
        """, status: 1, expected: forbidden),
        Case(name: "run: steps defined elsewhere cannot be seen", yaml: """
        agent:
          run:
            - name: agent
              step: gitlab.com/some/steps/agent@v1
        """, status: 2, expected: "defined elsewhere"),
        Case(name: "every claude of the job is judged, not only the first", yaml: """
        agent:
          script:
            - claude -p t --permission-mode plan
            - claude -p u --dangerously-skip-permissions
        """, status: 1, expected: forbidden),
        Case(name: "a shell function passing its arguments on", yaml: """
        agent:
          script:
            - |
              run_agent() { claude "$@"; }
              run_agent -p t --dangerously-skip-permissions
        """, status: 2, expected: "$@"),
        Case(name: "an alias", yaml: """
        agent:
          script:
            - alias agent='claude --dangerously-skip-permissions'
            - agent -p t
        """, status: 1, expected: forbidden),
        Case(name: "a script file of the checkout", yaml: """
        agent:
          script:
            - claude -p t --permission-mode plan
            - bash scripts/agent.sh
        """, files: ["scripts/agent.sh": "#!/bin/sh\nset -e\nclaude -p t --dangerously-skip-permissions\n"], status: 1, expected: forbidden),
        Case(name: "a script file that is not in the checkout", yaml: """
        agent:
          script:
            - claude -p t --permission-mode plan
            - ./ci/agent.sh
        """, status: 2, expected: "'./ci/agent.sh' cannot be read"),
        Case(name: "claude found through $(which claude)", yaml: """
        agent:
          script:
            - claude -p t --permission-mode plan
            - $(which claude) -p t
        """, status: 2, expected: "named after claude"),
        Case(name: "claude given to another program", yaml: """
        agent:
          script:
            - claude -p t --permission-mode plan
            - ln -s "$(command -v claude)" /usr/local/bin/agent
        """, status: 2, expected: "as an argument"),
        Case(name: "mentions that run nothing are fine", yaml: """
        agent:
          script:
            - npm install -g @anthropic-ai/claude-code
            - which claude
            - echo "claude is ready"
            - claude -p t --permission-mode plan
        """, status: 0),
    ]

    @Test(arguments: scriptCases) func everyScriptTheJobRuns(_ testCase: Case) throws { try Self.check(testCase) }

    // MARK: - Variables

    static let variableCases: [Case] = [
        Case(name: "a global variable holding a flag", yaml: """
        variables:
          CLAUDE_ARGS: --dangerously-skip-permissions
        agent:
          script: [claude -p t $CLAUDE_ARGS]
        """, status: 1, expected: forbidden),
        Case(name: "a job variable overrides a global one", yaml: """
        variables:
          MODE: plan
        agent:
          variables:
            MODE: bypassPermissions
          script: [claude -p t --permission-mode "$MODE"]
        """, status: 1, expected: forbidden),
        Case(name: "variables come through extends", yaml: """
        .base:
          variables:
            CLAUDE_ARGS: --dangerously-skip-permissions
        agent:
          extends: .base
          script: [claude -p t $CLAUDE_ARGS]
        """, status: 1, expected: forbidden),
        Case(name: "a variable made of another variable", yaml: """
        variables:
          FLAG: --dangerously-skip-permissions
          CLAUDE_ARGS: -p t $FLAG
        agent:
          script: [claude $CLAUDE_ARGS]
        """, status: 1, expected: forbidden),
        Case(name: "a safe value in a variable is read as its value", yaml: """
        variables:
          ALLOWED_TOOLS: "Read,Edit,Bash(swift test:*)"
        agent:
          script:
            - claude -p t --permission-mode plan --allowedTools "${ALLOWED_TOOLS}"
        """, status: 0),
        Case(name: "expand: false keeps $ literal", yaml: """
        variables:
          MODE:
            value: $OTHER
            expand: false
        agent:
          script: [claude -p t --permission-mode plan --model "$MODE"]
        """, status: 0),
        Case(name: "eval of a string holding a variable", yaml: """
        variables:
          CLAUDE_FLAGS: --dangerously-skip-permissions
        agent:
          script: ['eval "claude -p t $CLAUDE_FLAGS"']
        """, status: 1, expected: forbidden),
        Case(name: "bash -c of a known variable", yaml: """
        variables:
          AGENT_CMD: claude -p t --dangerously-skip-permissions
        agent:
          script: ['bash -c "$AGENT_CMD"']
        """, status: 1, expected: forbidden),
        Case(name: "bash -c of a value only the pipeline knows", yaml: """
        agent:
          script: ['bash -c "$AGENT_CMD"']
        """, status: 2, expected: "$AGENT_CMD"),
        Case(name: "a program only the pipeline knows", yaml: """
        agent:
          script: ['$CLAUDE_BIN -p t --permission-mode plan']
        """, status: 2, expected: "$CLAUDE_BIN"),
        Case(name: "a variable the script assigns", yaml: """
        agent:
          script:
            - CLAUDE_BIN=claude
            - $CLAUDE_BIN -p t --dangerously-skip-permissions
        """, status: 1, expected: forbidden),
        Case(name: "a grant only the pipeline knows", yaml: """
        agent:
          script: ['claude -p t --permission-mode plan --allowedTools "$PROJECT_TOOLS"']
        """, status: 2, expected: "$PROJECT_TOOLS"),
        Case(name: "an unquoted value only the pipeline knows", yaml: """
        agent:
          script: ['claude -p t --permission-mode plan $EXTRA_ARGS']
        """, status: 2, expected: "$EXTRA_ARGS"),
        Case(name: "the merge request title as the prompt", yaml: """
        agent:
          script: ['claude -p "Work on: $CI_MERGE_REQUEST_TITLE" --permission-mode plan']
        """, status: 0),
        Case(name: "each parallel:matrix combination is judged", yaml: """
        agent:
          parallel:
            matrix:
              - MODE: [plan, bypassPermissions]
          script: [claude -p t --permission-mode "$MODE"]
        """, status: 1, expected: forbidden),
        Case(name: "a project variable is read from the pipeline's environment", yaml: """
        agent:
          script: ['claude -p t --permission-mode plan $EXTRA_ARGS']
        """, environment: ["EXTRA_ARGS": "--dangerously-skip-permissions"], status: 1, expected: forbidden),
        Case(name: "a job variable the environment holds differently may be a project variable's", yaml: """
        agent:
          variables:
            MODE: plan
          script: ['claude -p t --permission-mode "$MODE"']
        """, environment: ["MODE": "bypassPermissions"], status: 2, expected: "$MODE"),
        Case(name: "the merge request title is never taken from the environment", yaml: """
        agent:
          script: ['claude -p t --permission-mode plan $CI_MERGE_REQUEST_TITLE']
        """, environment: ["CI_MERGE_REQUEST_TITLE": "fix"], status: 2, expected: "$CI_MERGE_REQUEST_TITLE"),
        Case(name: "$$ is a literal $ to the runner", yaml: """
        variables:
          DIR: $$HOME/work
        agent:
          script: ['claude -p t --permission-mode plan --model "$DIR"']
        """, status: 0),
    ]

    @Test(arguments: variableCases) func theJobAsGitLabRunsIt(_ testCase: Case) throws { try Self.check(testCase) }

    // MARK: - Includes, inputs and secrets

    static let includeCases: [Case] = [
        Case(name: "local wildcard includes are read, in byte order of their paths", yaml: """
        include:
          - local: 'ci/*.yml'
        agent:
          script: ['claude -p t --permission-mode "$MODE"']
        """, files: ["ci/a.yml": "agent:\n  variables:\n    MODE: plan\n", "ci/b.yml": "agent:\n  variables:\n    MODE: bypassPermissions\n"],
             status: 1, expected: forbidden),
        Case(name: "a wildcard include's later file is beneath the including file", yaml: """
        include:
          - local: 'ci/**/*.yml'
        agent:
          variables:
            MODE: plan
          script: ['claude -p t --permission-mode "$MODE"']
        """, files: ["ci/sub/a.yml": "agent:\n  variables:\n    MODE: bypassPermissions\n"], status: 0),
        Case(name: "an include whose rules: if is false is not read", yaml: """
        include:
          - local: ci/agent.yml
            rules:
              - if: $CI_PIPELINE_SOURCE == "schedule"
        agent:
          script: [claude -p t --permission-mode plan]
        """, files: ["ci/agent.yml": "agent:\n  before_script: [claude -p t --dangerously-skip-permissions]\n"],
             environment: ["CI_PIPELINE_SOURCE": "merge_request_event"], status: 0),
        Case(name: "an include whose rules: if is true is read", yaml: """
        include:
          - local: ci/agent.yml
            rules:
              - if: $CI_PIPELINE_SOURCE == "merge_request_event"
        agent:
          script: [claude -p t --permission-mode plan]
        """, files: ["ci/agent.yml": "agent:\n  before_script: [claude -p t --dangerously-skip-permissions]\n"],
             environment: ["CI_PIPELINE_SOURCE": "merge_request_event"], status: 1, expected: forbidden),
        Case(name: "rules: exists looks into the checkout", yaml: """
        include:
          - local: ci/agent.yml
            rules:
              - exists: [package.json]
        agent:
          script: [claude -p t --permission-mode plan]
        """, files: ["ci/agent.yml": "agent:\n  before_script: [claude -p t --dangerously-skip-permissions]\n", "package.json": "{}\n"],
             status: 1, expected: forbidden),
        Case(name: "rules the gate cannot decide are taken both ways, the worse wins", yaml: """
        include:
          - local: ci/agent.yml
            rules:
              - changes: [src/**/*]
        agent:
          script: [claude -p t --permission-mode plan]
        """, files: ["ci/agent.yml": "agent:\n  before_script: [claude -p t --dangerously-skip-permissions]\n"], status: 1, expected: forbidden),
        Case(name: "spec:inputs defaults are interpolated in the main file", yaml: """
        spec:
          inputs:
            extra_args:
              default: --dangerously-skip-permissions
        ---
        agent:
          script: ['claude -p t $[[ inputs.extra_args ]]']
        """, status: 1, expected: forbidden),
        Case(name: "an include's inputs: are interpolated in the included file", yaml: """
        include:
          - local: ci/agent.yml
            inputs:
              mode: bypassPermissions
        """, files: ["ci/agent.yml": "spec:\n  inputs:\n    mode:\n      default: plan\n---\nagent:\n  script: ['claude -p t --permission-mode $[[ inputs.mode ]]']\n"],
             status: 1, expected: forbidden),
        Case(name: "a component that only ends in policy-gate is not the built-in one", yaml: """
        include:
          - component: gitlab.example.com/someone/else/policy-gate@1.0
        agent:
          extends: .policy-gate:agent
          script: [claude -p t --permission-mode plan]
        """, status: 2, expected: ".policy-gate:agent"),
        Case(name: "a secret in an included file", yaml: """
        include:
          - local: ci/vars.yml
        agent:
          script: [claude -p t --permission-mode plan]
        """, files: ["ci/vars.yml": "variables:\n  GITLAB_TOKEN: TOKEN_HERE\n"], status: 1, expected: "ci.secret-in-config"),
        Case(name: "a variable reference in a URL's password is not a secret", yaml: """
        agent:
          script:
            - git clone "https://gitlab-ci-token:$AI_FLOW_GITLAB_TOKEN@$AI_FLOW_GITLAB_HOSTNAME/group/project.git"
            - git clone "https://oauth2:${GITLAB_ACCESS_TOKEN_FOR_THE_AGENT}@gitlab.example.com/group/project.git"
            - claude -p t --permission-mode plan
        """, status: 0),
    ]

    @Test(arguments: includeCases) func includesAsGitLabFollowsThem(_ testCase: Case) throws {
        var resolved = testCase
        resolved.files = testCase.files.mapValues { $0.replacingOccurrences(of: "TOKEN_HERE", with: FakeSecrets.gitlabToken) }
        try Self.check(resolved)
    }
}
