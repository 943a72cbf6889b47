import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// Shell word splitting and parsing, the claude argument parser, permission rules and the Bash analyzer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShell(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let words = try? ShellWords.split(text, source: "fuzz") {
        if ClaudeArgumentParser.isClaudeCommand(words) {
            _ = try? ClaudeArgumentParser.parse(words, source: "fuzz")
        }
        _ = try? ClaudeArgumentParser.parse(["claude"] + words, source: "fuzz")
    }
    _ = try? ShellWords.parse(text, source: "fuzz")
    let context = PermissionRule.PathContext(workingDirectory: "/builds/acme/web", home: "/root")
    for item in PermissionRule.splitList(text).prefix(16) {
        let rule = PermissionRule(item)
        for tool in ["Bash", "Read", "Edit", "WebFetch", "mcp__gitlab__get_issue"] {
            _ = rule.matches(toolName: tool, bashCommand: text, path: text, url: text, role: .deny, context: context)
        }
    }
    _ = BashCommandAnalyzer(workspaceRoot: "/builds/acme/web", allowedHosts: ["gitlab.com"], home: "/root").analyze(text)
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzShell(_:_:)``.
@_cdecl("FuzzShell_main")
public func fuzzShellMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzShell(data, size) }
}
