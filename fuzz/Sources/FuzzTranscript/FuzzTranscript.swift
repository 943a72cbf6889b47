import Foundation
import CFuzzerDriver
@_spi(Fuzzing) import PolicyEngine

/// Transcript reader (JSON Lines, object and array forms) and the fields the audit reads.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let transcript = try? TranscriptReader.read(data: bytes, name: "fuzz.jsonl") else { return 0 }
    let analyzer = BashCommandAnalyzer(workspaceRoot: "/builds/acme/web", allowedHosts: ["gitlab.com"], home: "/root")
    for call in transcript.toolCalls {
        _ = (call.filePath, call.path, call.pattern, call.url, call.isMCP, call.result?.text)
        if let command = call.command {
            _ = analyzer.analyze(command)
        }
    }
    _ = transcript.problems.map(\.description)
    return 0
}

/// The debug build's renamed `main`: runs libFuzzer with ``fuzzTranscript(_:_:)``.
@_cdecl("FuzzTranscript_main")
public func fuzzTranscriptMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzTranscript(data, size) }
}
