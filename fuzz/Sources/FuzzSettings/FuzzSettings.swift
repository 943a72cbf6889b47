import Foundation
import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// `.claude/settings.json` and `.mcp.json` readers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSettings(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    if let settings = try? ClaudeSettings.decode(bytes, path: ".claude/settings.json") {
        _ = (settings.allow.map(\.text), settings.hooks.count, settings.environmentKeys)
    }
    if let servers = try? ClaudeSettings.decodeMCPServers(bytes, path: ".mcp.json") {
        _ = servers.map(\.interpolatedVariables)
    }
    _ = ClaudeSettings.interpolatedVariableNames(in: String(decoding: bytes, as: UTF8.self))
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzSettings(_:_:)``.
@_cdecl("FuzzSettings_main")
public func fuzzSettingsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzSettings(data, size) }
}
