import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("CIJobExtractor")
struct CIJobExtractorTests {
    /// The GitLab page's sample job, written with before_script, extends and !reference.
    static let gitLabSample = """
    variables:
      GLOBAL: "g"
      SHARED: from-global
      NUMBER: 3

    default:
      before_script:
        - echo default-before

    .setup:
      before_script:
        - apk add --no-cache git curl bash
        - npm install -g @anthropic-ai/claude-code

    .claude-base:
      image: node:24-alpine3.21
      variables:
        SHARED: from-template
        DESCRIBED:
          value: "described value"
          description: "a variable with a description"
      script:
        - echo base

    claude:
      stage: ai
      extends: .claude-base
      rules:
        - if: '$CI_PIPELINE_SOURCE == "web"'
      before_script:
        - !reference [.setup, before_script]
        - echo ready
      script:
        # Optional: start a GitLab MCP server if your setup provides one
        - /bin/gitlab-mcp-server || true
        - echo "$AI_FLOW_INPUT for $AI_FLOW_CONTEXT on $AI_FLOW_EVENT"
        - >
          claude
          -p "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}"
          --permission-mode acceptEdits
          --allowedTools "Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab"
          --debug
      variables:
        JOB: "j"
    """

    @Test("the GitLab sample job: extends, !reference, folded scalar, variables")
    func gitLabSampleJob() throws {
        let extractor = try CIJobExtractor(yaml: Self.gitLabSample, fileName: ".gitlab-ci.yml")
        #expect(extractor.jobNames == [".setup", ".claude-base", "claude"])
        let job = try extractor.job(named: "claude")
        #expect(job.line == 25)
        #expect(job.extendsChain == [".claude-base"])
        #expect(job.beforeScript.map(\.text) == ["apk add --no-cache git curl bash", "npm install -g @anthropic-ai/claude-code", "echo ready"])
        #expect(job.beforeScript.map(\.line) == [12, 13, 32])
        #expect(job.script.count == 3)
        #expect(job.script[2].text == """
        claude -p "${AI_FLOW_INPUT:-'Review this MR and implement the requested changes'}" --permission-mode acceptEdits \
        --allowedTools "Bash(*) Read(*) Edit(*) Write(*) mcp__gitlab" --debug

        """)
        #expect(job.script[2].line == 38)
        #expect(job.afterScript.isEmpty)
        #expect(job.variables == [
            "GLOBAL": "g", "SHARED": "from-template", "NUMBER": "3", "DESCRIBED": "described value", "JOB": "j",
        ])
        #expect(job.image == "node:24-alpine3.21")

        let commands = try extractor.claudeCommands(in: job)
        #expect(commands.count == 1)
        let command = try #require(commands.first)
        #expect(command.argv == ClaudeArgumentParserTests.gitLabExample)
        #expect(command.line == 38)
        #expect(command.section == .script)
        #expect(command.nesting.isEmpty)
        let invocation = try command.invocation()
        #expect(invocation.permissionMode == .acceptEdits)
        #expect(invocation.allowedTools.map(\.text) == ["Bash(*)", "Read(*)", "Edit(*)", "Write(*)", "mcp__gitlab"])
        #expect(invocation.debug)
        #expect(extractor.unrecognizedClaudeMentions(in: job).isEmpty)
    }

    struct InheritanceCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let job: String
        let beforeScript: [String]
        let script: [String]
        var afterScript: [String] = []
        var variables: [String: String] = [:]
        var extendsChain: [String]?
        var testDescription: String { name }
    }

    static let inheritanceCases: [InheritanceCase] = [
        InheritanceCase(name: "default before_script is inherited", yaml: """
        default:
          before_script: [echo d]
          after_script: [echo a]
        job:
          script: [run]
        """, job: "job", beforeScript: ["echo d"], script: ["run"], afterScript: ["echo a"]),
        InheritanceCase(name: "inherit default false", yaml: """
        default:
          before_script: [echo d]
        job:
          inherit:
            default: false
          script: [run]
        """, job: "job", beforeScript: [], script: ["run"]),
        InheritanceCase(name: "inherit default list", yaml: """
        default:
          before_script: [echo d]
          after_script: [echo a]
        job:
          inherit:
            default: [after_script]
          script: [run]
        """, job: "job", beforeScript: [], script: ["run"], afterScript: ["echo a"]),
        InheritanceCase(name: "deprecated global before_script", yaml: """
        before_script: [echo global]
        job:
          script: [run]
        """, job: "job", beforeScript: ["echo global"], script: ["run"]),
        InheritanceCase(name: "extends deep-merges hashes and replaces arrays", yaml: """
        .base:
          variables: {A: base-a, B: base-b}
          script: [base one, base two]
          before_script: [base before]
        job:
          extends: .base
          variables: {B: job-b}
          script: [job]
        """, job: "job", beforeScript: ["base before"], script: ["job"], variables: ["A": "base-a", "B": "job-b"]),
        InheritanceCase(name: "multi-level and list extends, later parents win", yaml: """
        .a:
          script: [from a]
          variables: {X: a, Y: a}
        .b:
          extends: .a
          variables: {Y: b}
        .c:
          script: [from c]
          variables: {Z: c}
        job:
          extends: [.b, .c]
        """, job: "job", beforeScript: [], script: ["from c"], variables: ["X": "a", "Y": "b", "Z": "c"],
           extendsChain: [".a", ".b", ".c"]),
        InheritanceCase(name: "job variables override global, inherit variables list", yaml: """
        variables: {G1: one, G2: two}
        job:
          inherit:
            variables: [G2]
          variables: {G2: mine}
          script: [run]
        """, job: "job", beforeScript: [], script: ["run"], variables: ["G2": "mine"]),
        InheritanceCase(name: "inherit variables false", yaml: """
        variables: {G1: one}
        job:
          inherit: {variables: false}
          script: [run]
        """, job: "job", beforeScript: [], script: ["run"]),
        InheritanceCase(name: "nested !reference and nested arrays flatten", yaml: """
        .c:
          script: [c1]
        .b:
          script:
            - b1
            - !reference [.c, script]
        job:
          script:
            - !reference [.b, script]
            - [x, [y]]
        """, job: "job", beforeScript: [], script: ["b1", "c1", "x", "y"]),
        InheritanceCase(name: "anchors, aliases and merge keys", yaml: """
        .tpl: &tpl
          script: [from anchor]
          variables: &vars {V: 1}
        job:
          <<: *tpl
          variables:
            <<: *vars
            W: 2
        """, job: "job", beforeScript: [], script: ["from anchor"], variables: ["V": "1", "W": "2"]),
        InheritanceCase(name: "script as a single string", yaml: """
        job:
          script: make test
        """, job: "job", beforeScript: [], script: ["make test"]),
        InheritanceCase(name: "a duplicated key keeps its last value, as in GitLab", yaml: """
        job:
          script: [a]
          script: [b]
        """, job: "job", beforeScript: [], script: ["b"]),
        InheritanceCase(name: "hidden jobs can be read by name", yaml: """
        .hidden:
          script: [secret]
        """, job: ".hidden", beforeScript: [], script: ["secret"]),
        InheritanceCase(name: "a spec header's input defaults are interpolated", yaml: """
        spec:
          inputs:
            stage: {default: test}
        ---
        job:
          script:
            - run $[[ inputs.stage ]]
        """, job: "job", beforeScript: [], script: ["run test"]),
    ]

    @Test("GitLab inheritance rules", arguments: inheritanceCases)
    func inheritance(_ testCase: InheritanceCase) throws {
        let job = try CIJobExtractor(yaml: testCase.yaml, fileName: "ci.yml").job(named: testCase.job)
        #expect(job.beforeScript.map(\.text) == testCase.beforeScript)
        #expect(job.script.map(\.text) == testCase.script)
        #expect(job.afterScript.map(\.text) == testCase.afterScript)
        #expect(job.variables == testCase.variables)
        if let chain = testCase.extendsChain {
            #expect(job.extendsChain == chain)
        }
    }

    @Test("included files are merged beneath the main file")
    func includedFiles() throws {
        let template = CIJobExtractor.SourceFile(name: "templates/claude.yml", text: """
        .claude:
          script:
            - claude -p "from template" --max-turns 5
        job:
          variables: {FROM_TEMPLATE: "yes"}
        """)
        let extractor = try CIJobExtractor(yaml: """
        include: templates/claude.yml
        job:
          extends: .claude
        """, fileName: ".gitlab-ci.yml", includedFiles: [template])
        let commands = try extractor.claudeCommands(inJob: "job")
        #expect(commands.map(\.file) == ["templates/claude.yml"])
        #expect(commands.map(\.line) == [3])
        #expect(try #require(commands.first).invocation().maxTurns == 5)
        #expect(try extractor.job(named: "job").variables == ["FROM_TEMPLATE": "yes"])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let job: String
        let message: String
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(name: "YAML syntax error", yaml: "job:\n  script: [\n    echo\n  variables: x\n", job: "job",
                  message: "ci.yml:4:12: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 2)"),
        ErrorCase(name: "job not found, with suggestions", yaml: "claude:\n  script: [a]\nclaude-review:\n  script: [b]\nlint:\n  script: [c]\n",
                  job: "claud", message: "ci.yml: no job named 'claud' (did you mean 'claude', 'claude-review'?)"),
        ErrorCase(name: "job not found, includes not passed", yaml: "include: x.yml\nlint:\n  script: [c]\n", job: "claude",
                  message: "jobs from include: files are only seen when those files are passed in"),
        ErrorCase(name: "extends a missing job", yaml: "job:\n  extends: .missing\n  script: [a]\n", job: "job",
                  message: "ci.yml:2: job 'job' extends '.missing', which is not defined"),
        ErrorCase(name: "extends cycle", yaml: ".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n", job: "job",
                  message: "circular extends: job -> .a -> .b -> .a"),
        ErrorCase(name: "reference to nothing", yaml: "job:\n  script:\n    - !reference [.nope, script]\n", job: "job",
                  message: "ci.yml:3: !reference [.nope, script] points at nothing"),
        ErrorCase(name: "circular references", yaml: ".a:\n  script: [!reference [.b, script]]\n.b:\n  script: [!reference [.a, script]]\njob:\n  script: [x]\n",
                  job: "job", message: "nests more than 10 levels (or is circular)"),
        ErrorCase(name: "mapping in a script", yaml: "job:\n  script:\n    - echo: hi\n", job: "job",
                  message: "ci.yml:3: 'script' of job 'job' must hold strings, found a mapping"),
        ErrorCase(name: "boolean in a script", yaml: "job:\n  before_script:\n    - true\n  script: [a]\n", job: "job",
                  message: "ci.yml:3: 'before_script' of job 'job' must hold strings, found the non-string scalar 'true'"),
        ErrorCase(name: "number in a script", yaml: "job:\n  script: [42]\n", job: "job",
                  message: "found the non-string scalar '42'"),
        ErrorCase(name: "unknown tag", yaml: "job:\n  script: [!include x]\n", job: "job",
                  message: "ci.yml:2: unknown YAML tag '!include'"),
        ErrorCase(name: "top level not a mapping", yaml: "- a\n- b\n", job: "job",
                  message: "ci.yml:1: the top level must be a mapping"),
        ErrorCase(name: "variable of the wrong shape", yaml: "job:\n  variables:\n    X: [1, 2]\n  script: [a]\n", job: "job",
                  message: "ci.yml:3: variable 'X' must be a string or a mapping with 'value', found an array"),
    ]

    @Test("errors name the file, line and reason", arguments: errorCases)
    func errors(_ testCase: ErrorCase) {
        #expect {
            let extractor = try CIJobExtractor(yaml: testCase.yaml, fileName: "ci.yml")
            _ = try extractor.job(named: testCase.job)
        } throws: { error in
            guard let error = error as? CIJobExtractorError else { return false }
            return error.description.contains(testCase.message)
        }
    }

    struct FindCase: Sendable, CustomTestStringConvertible {
        let name: String
        let script: String
        let argvs: [[String]]
        let lines: [Int]
        var nesting: [[String]]?
        var testDescription: String { name }
    }

    static let findCases: [FindCase] = [
        FindCase(name: "literal block with a continuation", script: """
            - |
              echo start
              claude -p "fix the build" \\
                --permission-mode dontAsk --max-turns 3
              echo end
        """, argvs: [["claude", "-p", "fix the build", "--permission-mode", "dontAsk", "--max-turns", "3"]], lines: [5]),
        FindCase(name: "version check and the real run", script: """
            - claude --version
            - timeout 600 claude -p hi --output-format stream-json --verbose > transcript.jsonl
        """, argvs: [["claude", "--version"], ["timeout", "600", "claude", "-p", "hi", "--output-format", "stream-json", "--verbose"]],
                 lines: [3, 4]),
        FindCase(name: "bash -c", script: """
            - bash -lc 'claude -p "hi" --max-turns 2'
        """, argvs: [["claude", "-p", "hi", "--max-turns", "2"]], lines: [3], nesting: [["bash -c"]]),
        FindCase(name: "command substitution", script: """
            - OUT=$(claude -p hi --output-format json)
        """, argvs: [["claude", "-p", "hi", "--output-format", "json"]], lines: [3], nesting: [["$(…)"]]),
        FindCase(name: "eval", script: """
            - eval "claude -p \\"$PROMPT\\" --model opus"
        """, argvs: [["claude", "-p", "$PROMPT", "--model", "opus"]], lines: [3], nesting: [["eval"]]),
        FindCase(name: "after an && and in an if", script: """
            - cd app && npx -y @anthropic-ai/claude-code@2.1.240 -p go
            - if [ -n "$X" ]; then claude -p again; fi
        """, argvs: [["npx", "-y", "@anthropic-ai/claude-code@2.1.240", "-p", "go"], ["claude", "-p", "again"]], lines: [3, 4]),
        FindCase(name: "after a bash array exported on the same line", script: """
            - export CE_ONLY=(Raspberry); declare -a FLAGS=(--max-turns 3)
            - claude -p "fix it" --max-turns 3
        """, argvs: [["claude", "-p", "fix it", "--max-turns", "3"]], lines: [4]),
        FindCase(name: "installing is not running", script: """
            - npm install -g @anthropic-ai/claude-code
            - echo claude
        """, argvs: [], lines: []),
    ]

    @Test("finds claude commands in script lines", arguments: findCases)
    func findsClaude(_ testCase: FindCase) throws {
        let yaml = "job:\n  script:\n" + testCase.script
        let extractor = try CIJobExtractor(yaml: yaml, fileName: "ci.yml")
        let commands = try extractor.claudeCommands(inJob: "job")
        #expect(commands.map(\.argv) == testCase.argvs)
        #expect(commands.map(\.line) == testCase.lines)
        if let nesting = testCase.nesting {
            #expect(commands.map(\.nesting) == nesting)
        }
    }

    @Test("lines that mention claude without a recognisable command are reported")
    func unrecognizedMentions() throws {
        let extractor = try CIJobExtractor(yaml: """
        job:
          script:
            - ${CLAUDE_BIN:-claude} -p "x"
            - claude -p "y"
            - npm i -g @anthropic-ai/claude-code
        """, fileName: "ci.yml")
        let job = try extractor.job(named: "job")
        #expect(extractor.unrecognizedClaudeMentions(in: job).map(\.line) == [3])
    }

    @Test("shell syntax errors in a script line name the file and line")
    func shellSyntaxError() throws {
        let extractor = try CIJobExtractor(yaml: """
        job:
          script:
            - echo ok
            - claude -p "unterminated --max-turns 3
        """, fileName: "ci.yml")
        #expect {
            _ = try extractor.claudeCommands(inJob: "job")
        } throws: { error in
            (error as? CIJobExtractorError)?.description == "ci.yml:4: in job 'job': unterminated double quote (the shell would stop with a syntax error)"
        }
    }
}
