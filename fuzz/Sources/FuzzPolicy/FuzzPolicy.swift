import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// Policy YAML loader (schema, node budget, patterns compiled at load).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PolicyLoader.load(text: text, source: "fuzz.yml")
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzPolicy(_:_:)``.
@_cdecl("FuzzPolicy_main")
public func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzPolicy(data, size) }
}
