import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// gitleaks TOML rule loader (TOML reader, config schema, PCRE2 compilation) and a scan with the result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGitleaks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // `[extend] path` reads files; the fuzzer must not wander the file system.
    guard !text.contains("path") || !text.contains("extend") else { return 0 }
    guard let rules = try? SecretRulesLoader.load(text: text, source: "fuzz.toml", directory: nil) else { return 0 }
    _ = try? SecretScanner(ruleSet: rules).scan(lines: "token = \"glpat-0123456789abcdefghij\"\npassword=hunter2 aws AKIA0123456789ABCDEF\n")
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzGitleaks(_:_:)``.
@_cdecl("FuzzGitleaks_main")
public func fuzzGitleaksMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzGitleaks(data, size) }
}
