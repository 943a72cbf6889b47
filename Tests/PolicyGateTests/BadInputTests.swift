import Foundation
import Testing
import TestSupport

/// Hostile inputs for every reader, each fed to the command that reads it (DESIGN.md section 8).
///
/// Every case must end with its expected exit code (0, 1 or 2) within its time limit: no signal, no
/// "Fatal error" or stack dump, exactly one `error:` line on stderr for exit 2, and the planted token
/// nowhere in the output. Small inputs are checked in under `Fixtures/bad/` (`@@GITLAB_TOKEN@@` stands
/// for a token assembled at run time); large ones and repositories are generated into a temporary folder.
@Suite struct BadInputTests {
    @Test(arguments: BadInput.all.filter { !$0.isLarge })
    func hostileInputEndsCleanly(_ input: BadInput) throws {
        try check(input)
    }

    @Test(.tags(.large), arguments: BadInput.all.filter(\.isLarge))
    func largeHostileInputEndsCleanly(_ input: BadInput) throws {
        try check(input)
    }

    private func check(_ input: BadInput) throws {
        let scratch = try ScratchDirectory()
        let outcome = try input.run(in: scratch)
        let context = "\(input.fixture): status \(outcome.status)\nstdout: \(outcome.stdout.prefix(2000))\nstderr: \(outcome.stderr.prefix(2000))"
        #expect(!outcome.wasSignaled, "killed by signal \(outcome.status): \(context)")
        #expect(outcome.status == input.exit, "\(context)")
        for marker in ["Fatal error", "Stack dump", "Backtracing", "Swift runtime failure", "Segmentation fault"] {
            #expect(!outcome.stderr.contains(marker), "\(context)")
        }
        let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        if input.exit == 2 {
            #expect(lines.count == 1, "exit 2 must print one line: \(context)")
            #expect(lines.first?.hasPrefix("error: ") == true, "\(context)")
            if let message = input.message {
                #expect(outcome.stderr.contains(message), "\(context)")
            }
        } else if let finding = input.message {
            #expect(outcome.stdout.contains(finding), "\(context)")
        }
        #expect(!outcome.allOutput.contains(FakeSecrets.gitlabToken), "the planted token was printed: \(input.fixture)")
        #expect(!outcome.allOutput.contains(FakeSecrets.gitlabTokenBody), "part of the planted token was printed: \(input.fixture)")
    }
}

/// One hostile input, the command that reads it, and what the gate must answer.
struct BadInput: Sendable, CustomTestStringConvertible {
    /// The command an input is fed to.
    enum Command: Sendable {
        /// `scan --diff FILE`.
        case scanDiff
        /// `post --base HEAD --transcript FILE` in a clean repository.
        case postTranscript
        /// `pre --claude-args "$(cat FILE)"`.
        case preClaudeArgs
        /// `pre --ci-config FILE --job agent`.
        case preCIJob
        /// `pre --claude-args …` with FILE as the repository's `.claude/settings.json`.
        case preSettings
        /// `pre --claude-args …` with FILE as the repository's `.mcp.json`.
        case preMCP
        /// `check-policy FILE`.
        case checkPolicy
        /// `pre --policy FILE --claude-args …` with a prompt that makes the catastrophic rule backtrack.
        case prePolicyBacktracking
        /// `scan --rules FILE --diff DIFF` (a fixture, or `generated/NAME`).
        case scanRules(diff: String = "diff/backtracking-subject.diff")
        /// `scan --dir FOLDER` on a generated folder.
        case scanDirectory
        /// `scan --base HEAD~1 --head HEAD` in a generated repository.
        case scanRange
        /// `post --base HEAD~1 --head HEAD` in a generated repository.
        case postRange
    }

    /// The fixture under `Fixtures/bad/`, or `generated/NAME` for one made at test time.
    var fixture: String
    var command: Command
    /// The exit code the gate must give.
    var exit: Int32
    /// For exit 2, a fragment of the error line; otherwise a fragment of the report on stdout.
    var message: String?
    var timeout: TimeInterval = 120
    /// The 100 MB-class inputs, given minutes.
    var isLarge: Bool { timeout >= 600 }

    var testDescription: String { fixture }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/bad"
    static let plainArguments = "claude -p 'fix the build' --permission-mode default"

    // MARK: - The corpus

    static let all: [BadInput] = diffs + transcripts + claudeArguments + ciFiles + settingsFiles + policies + ruleFiles + repositories

    static let diffs: [BadInput] = [
        .init(fixture: "diff/empty.diff", command: .scanDiff, exit: 0),
        .init(fixture: "diff/nul-bytes.diff", command: .scanDiff, exit: 1, message: "gitlab-pat"),
        .init(fixture: "diff/invalid-utf8.diff", command: .scanDiff, exit: 1, message: "gitlab-pat"),
        .init(fixture: "diff/not-a-diff.bin", command: .scanDiff, exit: 2, message: "not a unified diff"),
        .init(fixture: "diff/hunk-count-too-small.diff", command: .scanDiff, exit: 2, message: "does not match its header's line counts"),
        .init(fixture: "diff/hunk-count-too-large.diff", command: .scanDiff, exit: 2, message: "truncated input"),
        .init(fixture: "diff/cut-mid-hunk.diff", command: .scanDiff, exit: 2, message: "truncated input"),
        .init(fixture: "diff/hunk-start-overflow.diff", command: .scanDiff, exit: 2, message: ":4: malformed hunk header"),
        .init(fixture: "diff/hunk-count-overflow.diff", command: .scanDiff, exit: 2, message: ":4: malformed hunk header"),
        .init(fixture: "diff/negative-hunk-count.diff", command: .scanDiff, exit: 2, message: ":4: malformed hunk header"),
        .init(fixture: "diff/hunk-without-file.diff", command: .scanDiff, exit: 2, message: ":1: malformed hunk header"),
        .init(fixture: "diff/backtracking-subject.diff", command: .scanDiff, exit: 0),
        .init(fixture: "generated/100-mb-line.diff", command: .scanDiff, exit: 1, message: "big.txt:1: secret [gitlab-pat]", timeout: 900),
        .init(fixture: "generated/huge.diff", command: .scanDiff, exit: 1, message: "src/f19999.txt:20: secret [gitlab-pat]", timeout: 600),
    ]

    static let transcripts: [BadInput] = [
        .init(fixture: "transcript/empty.jsonl", command: .postTranscript, exit: 2, message: "transcript is empty"),
        .init(fixture: "transcript/whitespace-only.jsonl", command: .postTranscript, exit: 2, message: "transcript is empty"),
        .init(fixture: "transcript/nul-bytes-at-start.jsonl", command: .postTranscript, exit: 2, message: "not UTF-8 text"),
        .init(fixture: "transcript/utf16.jsonl", command: .postTranscript, exit: 2, message: "not UTF-8 text"),
        .init(fixture: "transcript/not-json.jsonl", command: .postTranscript, exit: 2, message: ":1: transcript is not JSON"),
        .init(fixture: "transcript/nul-bytes-inside.jsonl", command: .postTranscript, exit: 1, message: "transcript.incomplete"),
        .init(fixture: "transcript/invalid-utf8.jsonl", command: .postTranscript, exit: 1, message: "transcript.secret-exposure"),
        .init(fixture: "transcript/cut-mid-line.jsonl", command: .postTranscript, exit: 1, message: "truncated-last-line"),
        .init(fixture: "transcript/array-cut.json", command: .postTranscript, exit: 1, message: "transcript.incomplete"),
        .init(fixture: "transcript/command-is-a-number.jsonl", command: .postTranscript, exit: 1, message: "malformed-event at line 2"),
        .init(fixture: "transcript/input-is-a-string.jsonl", command: .postTranscript, exit: 1, message: "malformed-event at line 2"),
        .init(fixture: "transcript/content-is-an-object.jsonl", command: .postTranscript, exit: 1, message: "transcript.incomplete"),
        .init(fixture: "transcript/deep-nesting.jsonl", command: .postTranscript, exit: 1, message: "transcript.incomplete"),
        .init(fixture: "transcript/duplicate-keys.jsonl", command: .postTranscript, exit: 1, message: "duplicate-key"),
        .init(fixture: "transcript/huge-numbers.jsonl", command: .postTranscript, exit: 0),
        .init(fixture: "transcript/secret-in-command.jsonl", command: .postTranscript, exit: 1, message: "glpa…#fa482b28"),
        .init(fixture: "transcript/secret-in-tool-result.jsonl", command: .postTranscript, exit: 1, message: "transcript.secret-exposure"),
        .init(fixture: "generated/100-mb-line.jsonl", command: .postTranscript, exit: 1, message: "transcript.secret-exposure", timeout: 900),
        .init(fixture: "generated/over-the-size-limit.jsonl", command: .postTranscript, exit: 2,
              message: "transcript is larger than the limit of 268435456 bytes"),
    ]

    static let claudeArguments: [BadInput] = [
        .init(fixture: "claude-args/empty.txt", command: .preClaudeArgs, exit: 2, message: "does not run claude"),
        .init(fixture: "claude-args/not-claude.txt", command: .preClaudeArgs, exit: 2, message: "does not run claude"),
        .init(fixture: "claude-args/unterminated-quote.txt", command: .preClaudeArgs, exit: 2, message: "unterminated double quote"),
        .init(fixture: "claude-args/deep-substitution.txt", command: .preClaudeArgs, exit: 2, message: "nested more than 64 levels"),
        .init(fixture: "claude-args/settings-wrong-type.txt", command: .preClaudeArgs, exit: 2, message: "--settings:1: 'permissions.allow'"),
        .init(fixture: "claude-args/settings-deep-nesting.txt", command: .preClaudeArgs, exit: 2, message: "nesting deeper than 512"),
        .init(fixture: "claude-args/mcp-command-is-a-number.txt", command: .preClaudeArgs, exit: 2, message: "--mcp-config:1:"),
        .init(fixture: "claude-args/huge-numbers.txt", command: .preClaudeArgs, exit: 0),
        .init(fixture: "claude-args/allowed-tools-garbage.txt", command: .preClaudeArgs, exit: 1, message: "tools."),
        .init(fixture: "claude-args/secret-as-program.txt", command: .preClaudeArgs, exit: 2, message: "'glpa…#fa482b28' does not run claude"),
        .init(fixture: "claude-args/secret-as-permission-mode.txt", command: .preClaudeArgs, exit: 1, message: "permission mode 'glpa…#fa482b28'"),
        .init(fixture: "claude-args/secret-in-arguments.txt", command: .preClaudeArgs, exit: 1, message: "ci.secret-in-config"),
    ]

    static let ciFiles: [BadInput] = [
        .init(fixture: "ci/empty.yml", command: .preCIJob, exit: 2, message: "no job named 'agent'"),
        .init(fixture: "ci/nul-bytes.yml", command: .preCIJob, exit: 2, message: "control characters are not allowed"),
        .init(fixture: "ci/invalid-utf8.yml", command: .preCIJob, exit: 2, message: "not valid UTF-8"),
        .init(fixture: "ci/deep-flow.yml", command: .preCIJob, exit: 2, message: ":2: brackets nested more than 200 levels deep"),
        .init(fixture: "ci/deep-block.yml", command: .preCIJob, exit: 2, message: "Maximum nesting level reached"),
        .init(fixture: "ci/deep-block-990.yml", command: .preCIJob, exit: 2, message: ":3: mappings and lists nested more than 100 levels deep"),
        .init(fixture: "ci/billion-laughs.yml", command: .preCIJob, exit: 2, message: "expands to more than 200000 YAML nodes", timeout: 60),
        .init(fixture: "ci/reference-laughs.yml", command: .preCIJob, exit: 2, message: "expands to more than 200000 YAML nodes", timeout: 60),
        .init(fixture: "ci/extends-fan-out.yml", command: .preCIJob, exit: 2, message: "expands to more than 200000 YAML nodes", timeout: 60),
        // Found by fuzzing: an alias used as a key is hashed expanded by the YAML parser (minutes).
        .init(fixture: "ci/alias-key-laughs.yml", command: .preCIJob, exit: 2, message: ":10: a mapping key that is an alias"),
        .init(fixture: "ci/complex-key-laughs.yml", command: .preCIJob, exit: 2, message: ":11: a mapping key that is an alias"),
        .init(fixture: "ci/extends-too-deep.yml", command: .preCIJob, exit: 2, message: "nests extends more than 11 levels deep"),
        .init(fixture: "ci/extends-cycle.yml", command: .preCIJob, exit: 2, message: "circular extends"),
        .init(fixture: "ci/reference-cycle.yml", command: .preCIJob, exit: 2, message: "nests more than 10 levels (or is circular)"),
        .init(fixture: "ci/script-arrays-too-deep.yml", command: .preCIJob, exit: 2, message: "arrays nested more than 10 levels"),
        .init(fixture: "ci/alias-loop.yml", command: .preCIJob, exit: 2, message: "undefined alias"),
        // GitLab keeps the last of a duplicated key: that job runs no claude.
        .init(fixture: "ci/duplicate-keys.yml", command: .preCIJob, exit: 2, message: "runs no claude command"),
        .init(fixture: "ci/script-is-a-number.yml", command: .preCIJob, exit: 2, message: "must hold strings"),
        .init(fixture: "ci/huge-numbers.yml", command: .preCIJob, exit: 0),
        .init(fixture: "ci/unknown-tag.yml", command: .preCIJob, exit: 0),
        .init(fixture: "ci/secret-as-extends.yml", command: .preCIJob, exit: 2, message: "extends 'glpa…#fa482b28', which is not defined"),
        .init(fixture: "ci/secret-as-tag.yml", command: .preCIJob, exit: 2, message: "unknown YAML tag '!glpa…#fa482b28'"),
        .init(fixture: "ci/secret-in-variables.yml", command: .preCIJob, exit: 1, message: "ci.secret-in-config"),
        .init(fixture: "generated/merge-key-20000.yml", command: .preCIJob, exit: 0, timeout: 60),
    ]

    static let settingsFiles: [BadInput] = [
        .init(fixture: "settings/empty.json", command: .preSettings, exit: 2, message: ".claude/settings.json:1:1: invalid JSON"),
        .init(fixture: "settings/nul-bytes.json", command: .preSettings, exit: 2, message: "unexpected byte 0x00"),
        .init(fixture: "settings/invalid-utf8.json", command: .preSettings, exit: 2, message: "not valid UTF-8"),
        .init(fixture: "settings/truncated.json", command: .preSettings, exit: 2, message: "unexpected end of input"),
        .init(fixture: "settings/deep-nesting.json", command: .preSettings, exit: 2, message: "nesting deeper than 512"),
        .init(fixture: "settings/top-level-array.json", command: .preSettings, exit: 2, message: "must be an object"),
        .init(fixture: "settings/allow-is-a-number.json", command: .preSettings, exit: 2, message: "'permissions.allow' must be an array"),
        .init(fixture: "settings/hook-command-is-a-number.json", command: .preSettings, exit: 2, message: "must be a string, found a number"),
        .init(fixture: "settings/duplicate-keys.json", command: .preSettings, exit: 1, message: "settings.repo-grants"),
        .init(fixture: "settings/huge-numbers.json", command: .preSettings, exit: 1, message: "settings.repo-grants"),
        .init(fixture: "settings/secret-as-default-mode.json", command: .preSettings, exit: 1, message: "mode to 'glpa…#fa482b28'"),
        .init(fixture: "settings/secret-in-env.json", command: .preSettings, exit: 1, message: "settings.repo-grants"),
        .init(fixture: "mcp/nul-bytes.json", command: .preMCP, exit: 2, message: "unexpected byte 0x00"),
        .init(fixture: "mcp/deep-nesting.json", command: .preMCP, exit: 2, message: "nesting deeper than 512"),
        .init(fixture: "mcp/servers-is-a-list.json", command: .preMCP, exit: 2, message: "'mcpServers' must be an object"),
        .init(fixture: "mcp/command-is-a-number.json", command: .preMCP, exit: 2, message: "'mcpServers.tools.command' must be a string"),
        .init(fixture: "mcp/secret-in-headers.json", command: .preMCP, exit: 1, message: "settings.repo-grants"),
        .init(fixture: "generated/dangling-symlink.mcp.json", command: .preMCP, exit: 2, message: ".mcp.json: a symbolic link that leads nowhere"),
        .init(fixture: "generated/symlink-loop.mcp.json", command: .preMCP, exit: 2, message: ".mcp.json: a symbolic link that leads nowhere"),
        .init(fixture: "generated/dev-zero.mcp.json", command: .preMCP, exit: 2, message: ".mcp.json:"),
    ]

    static let policies: [BadInput] = [
        .init(fixture: "policy/empty.yml", command: .checkPolicy, exit: 0),
        .init(fixture: "policy/nul-bytes.yml", command: .checkPolicy, exit: 2, message: "control characters are not allowed"),
        .init(fixture: "policy/invalid-utf8.yml", command: .checkPolicy, exit: 2, message: "not valid UTF-8"),
        .init(fixture: "policy/deep-nesting.yml", command: .checkPolicy, exit: 2, message: "Maximum nesting level reached"),
        .init(fixture: "policy/alias-key-laughs.yml", command: .checkPolicy, exit: 2, message: ":11: a mapping key that is an alias"),
        .init(fixture: "policy/deep-block.yml", command: .checkPolicy, exit: 2, message: "Maximum nesting level reached"),
        .init(fixture: "policy/billion-laughs.yml", command: .checkPolicy, exit: 2, message: "entries must be text", timeout: 60),
        .init(fixture: "policy/duplicate-keys.yml", command: .checkPolicy, exit: 2, message: "duplicated key(s): 'max_changed_files'"),
        .init(fixture: "policy/huge-numbers.yml", command: .checkPolicy, exit: 2, message: ":3: 'workspace.max_changed_files' must be a whole number"),
        .init(fixture: "policy/float-number.yml", command: .checkPolicy, exit: 2, message: ":3: 'workspace.max_changed_lines' must be a whole number"),
        .init(fixture: "policy/wrong-types.yml", command: .checkPolicy, exit: 2, message: ":4: 'agent.tools.allow' must be a list"),
        .init(fixture: "policy/version-is-a-list.yml", command: .checkPolicy, exit: 2, message: ":1: 'version' must be a whole number"),
        .init(fixture: "policy/top-level-list.yml", command: .checkPolicy, exit: 2, message: "must be a mapping"),
        .init(fixture: "policy/unknown-rule-action.yml", command: .checkPolicy, exit: 2, message: "action 'allow' is not one of"),
        .init(fixture: "policy/rules-file-missing.yml", command: .checkPolicy, exit: 2, message: "does-not-exist.toml: cannot read the file"),
        .init(fixture: "generated/policy-100001-nodes.yml", command: .checkPolicy, exit: 2, message: "more than 100000 YAML nodes",
              timeout: 120),
        .init(fixture: "policy/secret-as-key.yml", command: .checkPolicy, exit: 2, message: ":2: unknown key 'glpa…#fa482b28'"),
        .init(fixture: "policy/secret-as-mode.yml", command: .checkPolicy, exit: 2, message: ":3: unknown permission mode 'glpa…#fa482b28'"),
        .init(fixture: "policy/redos-secret-rules.yml", command: .checkPolicy, exit: 0),
        .init(fixture: "policy/redos-secret-rules.yml", command: .prePolicyBacktracking, exit: 2,
              message: "--claude-args:1: secret rule 'catastrophic' could not finish: match limit exceeded", timeout: 60),
    ]

    static let ruleFiles: [BadInput] = [
        .init(fixture: "rules/empty.toml", command: .scanRules(), exit: 2, message: "defines no rules"),
        .init(fixture: "rules/comments-only.toml", command: .scanRules(), exit: 2, message: "defines no rules"),
        .init(fixture: "rules/nul-bytes.toml", command: .scanRules(), exit: 2, message: ":2: invalid TOML: control character U+0000"),
        .init(fixture: "rules/invalid-utf8.toml", command: .scanRules(), exit: 2, message: "not valid UTF-8"),
        .init(fixture: "rules/deep-nesting.toml", command: .scanRules(), exit: 2, message: ":4: invalid TOML: arrays and inline tables are nested"),
        .init(fixture: "rules/duplicate-keys.toml", command: .scanRules(), exit: 2, message: ":3: invalid TOML: duplicate key"),
        .init(fixture: "rules/huge-numbers.toml", command: .scanRules(), exit: 2, message: "does not fit in a 64-bit signed integer"),
        .init(fixture: "rules/huge-entropy.toml", command: .scanRules(), exit: 2, message: "'entropy' must be a finite number, not inf"),
        .init(fixture: "rules/regex-is-a-number.toml", command: .scanRules(), exit: 2, message: ":3: 'regex' must be a string"),
        .init(fixture: "rules/regex-does-not-compile.toml", command: .scanRules(), exit: 2, message: "regex does not compile: missing closing parenthesis"),
        .init(fixture: "rules/secret-as-rule-id.toml", command: .scanRules(), exit: 2, message: ":1: rule 'glpa…#fa482b28': regex does not compile"),
        .init(fixture: "rules/extend-self.toml", command: .scanRules(), exit: 2, message: "[extend] is nested more than 2 levels deep"),
        .init(fixture: "rules/catastrophic-backtracking.toml", command: .scanRules(), exit: 2,
              message: "data.txt:1: secret rule 'catastrophic' could not finish: match limit exceeded (PCRE2 match limit 10000000",
              timeout: 60),
        .init(fixture: "rules/jit-stack.toml", command: .scanRules(diff: "generated/one-mib-run.diff"), exit: 2,
              message: "run.txt:1: secret rule 'one-frame-per-byte' could not finish: JIT stack limit reached (PCRE2 JIT stack of 8 MiB)",
              timeout: 120),
    ]

    static let repositories: [BadInput] = [
        .init(fixture: "generated/symlink-loops", command: .scanDirectory, exit: 1, message: "a/token.txt:1: secret [gitlab-pat]", timeout: 60),
        .init(fixture: "generated/root-is-a-symlink-loop", command: .scanDirectory, exit: 2, message: "no such folder", timeout: 60),
        .init(fixture: "generated/truncated-loose-object", command: .scanRange, exit: 2, message: "is damaged (truncated", timeout: 60),
        .init(fixture: "generated/truncated-loose-object", command: .postRange, exit: 2, message: "is damaged (truncated", timeout: 60),
        .init(fixture: "generated/bit-flipped-loose-object", command: .scanRange, exit: 2, message: "is damaged", timeout: 60),
        .init(fixture: "generated/undersized-loose-object", command: .scanRange, exit: 2,
              message: "holds more than the 4 bytes its header declares", timeout: 60),
        .init(fixture: "generated/renamed-loose-object", command: .scanRange, exit: 2,
              message: "is damaged (its content does not match its name)", timeout: 60),
        .init(fixture: "generated/truncated-pack", command: .scanRange, exit: 2, timeout: 60),
    ]
}

// MARK: - Running a case

extension BadInput {
    func run(in scratch: ScratchDirectory) throws -> GateProcess.Outcome {
        let repository = scratch.path + "/repo"
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        let git = GitCLI(directory: repository)
        let needsPlainRepository: Bool
        switch command {
        case .scanDiff, .checkPolicy, .scanRules, .scanDirectory, .scanRange, .postRange: needsPlainRepository = false
        default: needsPlainRepository = true
        }
        if needsPlainRepository {
            try git.run("init", "-q", "-b", "main")
            try scratch.write("repo/README.md", "hello\n")
            _ = try git.commitAll("base")
        }
        let input = try materialize(in: scratch, repository: repository)
        let state = ["--state", scratch.path + "/state.json"]
        let arguments: [String]
        switch command {
        case .scanDiff:
            arguments = ["scan", "--diff", input]
        case .postTranscript:
            arguments = ["post", "--repo", repository, "--base", "HEAD"] + state + ["--transcript", input]
        case .preClaudeArgs:
            let text = try String(contentsOfFile: input, encoding: .utf8)
            arguments = ["pre", "--repo", repository] + state + ["--claude-args", text]
        case .preCIJob:
            arguments = ["pre", "--repo", repository] + state + ["--ci-config", input, "--job", "agent"]
        case .preSettings, .preMCP:
            arguments = ["pre", "--repo", repository] + state + ["--claude-args", Self.plainArguments]
        case .checkPolicy:
            arguments = ["check-policy", input]
        case .prePolicyBacktracking:
            let prompt = String(repeating: "a", count: 5000) + "!b"
            arguments = ["pre", "--repo", repository, "--policy", input] + state + ["--claude-args", "claude -p \(prompt)"]
        case .scanRules(let diff):
            let diffPath = diff.hasPrefix("generated/")
                ? try Generated.make(String(diff.dropFirst("generated/".count)), in: scratch, repository: repository)
                : scratch.path + "/bad/" + diff
            arguments = ["scan", "--rules", input, "--diff", diffPath]
        case .scanDirectory:
            arguments = ["scan", "--dir", input]
        case .scanRange:
            arguments = ["scan", "--repo", repository, "--base", "HEAD~1", "--head", "HEAD"]
        case .postRange:
            arguments = ["post", "--repo", repository, "--base", "HEAD~1", "--head", "HEAD", "--policy", scratch.path + "/bad/policy/empty.yml"]
                + state
        }
        return try GateProcess.run(arguments, directory: scratch.path, timeout: timeout)
    }

    /// Copies the fixtures with the token filled in, or generates the input; returns the path to pass.
    private func materialize(in scratch: ScratchDirectory, repository: String) throws -> String {
        try Self.copyFixtures(to: scratch.path + "/bad")
        if fixture.hasPrefix("generated/") {
            return try Generated.make(String(fixture.dropFirst("generated/".count)), in: scratch, repository: repository)
        }
        let copy = scratch.path + "/bad/" + fixture
        switch command {
        case .preSettings:
            try FileManager.default.createDirectory(atPath: repository + "/.claude", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: copy, toPath: repository + "/.claude/settings.json")
        case .preMCP:
            try FileManager.default.copyItem(atPath: copy, toPath: repository + "/.mcp.json")
        default:
            break
        }
        return copy
    }

    /// Copies `Fixtures/bad/` with `@@GITLAB_TOKEN@@` replaced by the token (byte-wise: some files are not UTF-8).
    static func copyFixtures(to destination: String) throws {
        let placeholder = Data("@@GITLAB_TOKEN@@".utf8)
        let token = Data(FakeSecrets.gitlabToken.utf8)
        let enumerator = FileManager.default.enumerator(atPath: fixtures)
        while let relative = enumerator?.nextObject() as? String {
            let source = fixtures + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            var data = try Data(contentsOf: URL(fileURLWithPath: source))
            while let range = data.range(of: placeholder) {
                data.replaceSubrange(range, with: token)
            }
            let target = URL(fileURLWithPath: destination + "/" + relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
    }
}
