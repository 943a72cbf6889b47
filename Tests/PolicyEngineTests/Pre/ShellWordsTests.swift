import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("ShellWords")
struct ShellWordsTests {
    struct SplitCase: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: [String]
        var testDescription: String { input.debugDescription }
    }

    static let splitCases: [SplitCase] = [
        SplitCase(input: "a b  c", expected: ["a", "b", "c"]),
        SplitCase(input: "\ta\t b ", expected: ["a", "b"]),
        SplitCase(input: "'a b' c", expected: ["a b", "c"]),
        SplitCase(input: #""a \"b\" \$x \\ \q""#, expected: [#"a "b" $x \ \q"#]),
        SplitCase(input: #"a\ b"#, expected: ["a b"]),
        SplitCase(input: "a \\\nb", expected: ["a", "b"]),
        SplitCase(input: "ab\\\ncd", expected: ["abcd"]),
        SplitCase(input: "echo # a comment", expected: ["echo"]),
        SplitCase(input: "a#b", expected: ["a#b"]),
        SplitCase(input: #""${AI_FLOW_INPUT:-'x y'}""#, expected: ["${AI_FLOW_INPUT:-'x y'}"]),
        SplitCase(input: #"${X:-a b} c"#, expected: ["${X:-a b}", "c"]),
        SplitCase(input: #"$(echo "a b") x"#, expected: [#"$(echo "a b")"#, "x"]),
        SplitCase(input: "`date +%s` x", expected: ["`date +%s`", "x"]),
        SplitCase(input: "x=$((1 + 2))", expected: ["x=$((1 + 2))"]),
        SplitCase(input: #"pre"mid"'post'"#, expected: ["premidpost"]),
        SplitCase(input: #"a"b c"d"#, expected: ["ab cd"]),
        SplitCase(input: #"$'a\nb\x41'"#, expected: ["a\nbA"]),
        SplitCase(input: #""""#, expected: [""]),
        SplitCase(input: #"echo "it's""#, expected: ["echo", "it's"]),
        SplitCase(input: "a\\", expected: ["a\\"]),
        SplitCase(input: "\"a\nb\"", expected: ["a\nb"]),
        SplitCase(input: "\"a\\\nb\"", expected: ["ab"]),
        SplitCase(input: "$HOME/x ${Y}z", expected: ["$HOME/x", "${Y}z"]),
        SplitCase(input: "claude -p x > out.json 2>&1", expected: ["claude", "-p", "x"]),
        SplitCase(input: "claude -p x >>log <in", expected: ["claude", "-p", "x"]),
        SplitCase(input: #"--allowedTools "Bash(git diff *)" Read"#, expected: ["--allowedTools", "Bash(git diff *)", "Read"]),
        SplitCase(input: #"diff <(sort a) b"#, expected: ["diff", "<(sort a)", "b"]),
        SplitCase(input: "ARGS=(--a \"b c\") run", expected: [#"ARGS=(--a "b c")"#, "run"]),
        SplitCase(input: "export CE_ONLY=(Raspberry)", expected: ["export", "CE_ONLY=(Raspberry)"]),
        SplitCase(input: "declare -a X=(a \"b c\")", expected: ["declare", "-a", #"X=(a "b c")"#]),
        SplitCase(input: "a;", expected: ["a"]),
        SplitCase(input: "", expected: []),
    ]

    @Test("split follows POSIX word splitting", arguments: splitCases)
    func split(_ testCase: SplitCase) throws {
        #expect(try ShellWords.split(testCase.input) == testCase.expected)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let input: String
        let fragment: String
        let line: Int
        var testDescription: String { input.debugDescription }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(input: "echo 'abc", fragment: "unterminated single quote", line: 1),
        ErrorCase(input: "echo \"abc\ndef", fragment: "unterminated double quote", line: 1),
        ErrorCase(input: "a\necho $(foo", fragment: "unterminated $(", line: 2),
        ErrorCase(input: "echo `foo", fragment: "unterminated backquote", line: 1),
        ErrorCase(input: "echo ${x", fragment: "unterminated ${", line: 1),
        ErrorCase(input: "claude --allowedTools Bash(git diff *)", fragment: "unexpected token '('", line: 1),
        ErrorCase(input: "echo a >", fragment: "redirection without a target", line: 1),
        ErrorCase(input: "echo X=(a)", fragment: "unexpected token '('", line: 1),
        ErrorCase(input: "a; b", fragment: "operator ';'", line: 1),
        ErrorCase(input: "a | b", fragment: "operator '|'", line: 1),
        ErrorCase(input: "a && b", fragment: "operator '&&'", line: 1),
        ErrorCase(input: "a\nb", fragment: "expected one command", line: 2),
    ]

    @Test("split rejects what the shell rejects, naming line and reason", arguments: errorCases)
    func splitErrors(_ testCase: ErrorCase) {
        #expect {
            _ = try ShellWords.split(testCase.input, source: "args")
        } throws: { error in
            guard let error = error as? ShellWordsError else { return false }
            return error.description.contains(testCase.fragment) && error.line == testCase.line
                && error.description.hasPrefix("args:\(testCase.line):")
        }
    }

    struct CommandsCase: Sendable, CustomTestStringConvertible {
        let script: String
        let expected: [[String]]
        var testDescription: String { script.debugDescription }
    }

    static let commandsCases: [CommandsCase] = [
        CommandsCase(script: "a && b || c; d | e & f\ng", expected: [["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"]]),
        CommandsCase(script: #"if [ -n "$X" ]; then claude -p x; fi"#, expected: [["[", "-n", "$X", "]"], ["claude", "-p", "x"]]),
        CommandsCase(script: "while true; do claude -p y; done", expected: [["true"], ["claude", "-p", "y"]]),
        CommandsCase(script: "cat <<EOF\nclaude -p inside\nEOF\necho done", expected: [["cat"], ["echo", "done"]]),
        CommandsCase(script: "cat <<-'END' > f\n\tclaude\n\tEND\nls", expected: [["cat"], ["ls"]]),
        CommandsCase(script: "(cd sub && claude -p x)", expected: [["cd", "sub"], ["claude", "-p", "x"]]),
        CommandsCase(script: #"a 'x;y' "p|q" r\&\&s"#, expected: [["a", "x;y", "p|q", "r&&s"]]),
        CommandsCase(script: "echo a # c; d\nb", expected: [["echo", "a"], ["b"]]),
        CommandsCase(script: "x |& y", expected: [["x"], ["y"]]),
        CommandsCase(script: "{ a; b; }", expected: [["a"], ["b"]]),
        CommandsCase(script: "! grep -q x f", expected: [["grep", "-q", "x", "f"]]),
        CommandsCase(script: "f() { claude -p z; }", expected: [["claude", "-p", "z"]]),
        CommandsCase(script: #"echo "$(echo ")")" && claude -p y"#, expected: [["echo", #"$(echo ")")"#], ["claude", "-p", "y"]]),
        CommandsCase(script: "cat <<EOF | claude -p x\nbody; rm -rf /\nEOF\nls", expected: [["cat"], ["claude", "-p", "x"], ["ls"]]),
        CommandsCase(script: "case $a in x) claude -p c;; esac", expected: [["case", "$a", "x"], ["claude", "-p", "c"]]),
        CommandsCase(script: "claude -p x &> log; a&b", expected: [["claude", "-p", "x"], ["a"], ["b"]]),
        CommandsCase(script: "\n\n  \n", expected: []),
    ]

    @Test("commands(in:) splits on control operators and newlines", arguments: commandsCases)
    func commands(_ testCase: CommandsCase) throws {
        #expect(try ShellWords.commands(in: testCase.script) == testCase.expected)
    }

    @Test("parse reports lines, terminators, redirections and substitutions")
    func parseDetails() throws {
        let script = "a\nOUT=$(claude -p \"hi\") \\\n  && b 2>&1 | tee log\nc > out.json"
        let commands = try ShellWords.parse(script)
        #expect(commands.map(\.words) == [["a"], [#"OUT=$(claude -p "hi")"#], ["b"], ["tee", "log"], ["c"]])
        #expect(commands.map(\.line) == [1, 2, 3, 3, 4])
        #expect(commands.map(\.terminator) == ["\n", "&&", "|", "\n", nil])
        #expect(commands[1].substitutions == [#"claude -p "hi""#])
        #expect(commands[2].redirections == [ShellWords.Redirection(fileDescriptor: 2, operation: ">&", target: "1")])
        #expect(commands[4].redirections == [ShellWords.Redirection(fileDescriptor: nil, operation: ">", target: "out.json")])
    }

    @Test("backquote and nested substitutions are recorded")
    func nestedSubstitutions() throws {
        let commands = try ShellWords.parse(#"echo "v=`claude --version`" $(a "$(b)")"#)
        #expect(commands.count == 1)
        #expect(commands[0].substitutions == ["claude --version", #"a "$(b)""#])
    }
}
