import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// GitLab CI job extractor: YAML, anchors and merge keys, `!reference`, `extends`, `default:`, scripts, claude commands.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIJob(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let extractor = try? CIJobExtractor(yaml: text, fileName: ".gitlab-ci.yml") else { return 0 }
    // The gate resolves one job per run; a few here keep one input from costing many budgets' worth of work.
    for name in extractor.jobNames.prefix(4) {
        guard let job = try? extractor.job(named: name) else { continue }
        if let commands = try? extractor.claudeCommands(in: job) {
            for command in commands { _ = try? command.invocation() }
        }
        _ = extractor.unrecognizedClaudeMentions(in: job)
    }
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzCIJob(_:_:)``.
@_cdecl("FuzzCIJob_main")
public func fuzzCIJobMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzCIJob(data, size) }
}
