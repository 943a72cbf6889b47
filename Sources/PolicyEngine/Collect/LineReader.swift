import Foundation

/// Reads a byte stream line by line in fixed-size chunks, so memory stays flat whatever the input size.
/// Lines are handed out without their `\n` (a trailing `\r` is kept; callers decide).
struct LineReader {
    private let handle: FileHandle
    private let chunkSize: Int

    /// Creates a reader.
    /// - Parameters:
    ///   - handle: the stream (a file or standard input).
    ///   - chunkSize: bytes read at a time.
    init(handle: FileHandle, chunkSize: Int = 1 << 20) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// Calls `body` for each line with its 1-based number.
    /// - Throws: a read error, or what `body` throws.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var carry: [UInt8] = []
        var lineNumber = 0
        while true {
            guard let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty else { break }
            try chunk.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                var start = 0
                while let newline = bytes[start...].firstIndex(of: 0x0A) {
                    lineNumber += 1
                    if carry.isEmpty {
                        try body(UnsafeBufferPointer(rebasing: bytes[start..<newline]), lineNumber)
                    } else {
                        carry.append(contentsOf: bytes[start..<newline])
                        try carry.withUnsafeBufferPointer { try body($0, lineNumber) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                carry.append(contentsOf: bytes[start...])
            }
        }
        if !carry.isEmpty {
            lineNumber += 1
            try carry.withUnsafeBufferPointer { try body($0, lineNumber) }
        }
    }
}
