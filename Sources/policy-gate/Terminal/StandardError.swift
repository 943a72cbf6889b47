import Foundation

/// Writes diagnostics to standard error; standard output carries only the report the user asked for.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
