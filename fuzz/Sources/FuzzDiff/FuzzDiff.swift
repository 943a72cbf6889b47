import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// Unified diff reader, change collector (long-line windows) and secret scanner with the built-in rules.
private let scanner = SecretScanner(ruleSet: try! SecretRulesLoader.builtIn())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDiff(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Small windows and fragments so that the fuzzer reaches the long-line and fragment-cutting paths.
    let collector = ChangeCollector(commit: nil, fragmentLimit: 64) { fragment in
        _ = try scanner.scan(fragment)
    }
    do {
        try UnifiedDiffReader(source: "fuzz.diff").read(text, into: collector)
    } catch is DiffParseError {
    } catch is SecretScanError {
    } catch {
        fatalError("unexpected error type: \(type(of: error))")
    }
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzDiff(_:_:)``.
@_cdecl("FuzzDiff_main")
public func fuzzDiffMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzDiff(data, size) }
}
