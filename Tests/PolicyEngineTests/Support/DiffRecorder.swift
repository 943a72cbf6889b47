@_spi(Fuzzing) @testable import PolicyEngine

/// A `DiffVisitor` that records everything, for asserting on what a diff reader reports.
final class DiffRecorder: DiffVisitor {
    struct Line: Equatable {
        var path: String
        var number: Int
        var text: String
    }

    var files: [ChangedFile] = []
    var added: [Line] = []
    var removed = 0
    var unscanned: [Int] = []
    private var current: ChangedFile?

    func beginFile(_ file: ChangedFile) throws { current = file }
    func beginHunk() throws {}
    func addedLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
        added.append(Line(path: current?.path ?? "", number: lineNumber, text: String(decoding: bytes, as: UTF8.self)))
    }
    func removedLine() throws { removed += 1 }
    func unscanned(size: Int) throws { unscanned.append(size) }
    func endFile(isBinary: Bool) throws {
        if var file = current {
            file.isBinary = file.isBinary || isBinary
            files.append(file)
        }
        current = nil
    }
}

/// Lines with their `\n`; a last line without one is its own kind of line.
func textLines(_ text: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = [], current: [UInt8] = []
    for byte in text {
        current.append(byte)
        if byte == 0x0A { result.append(current); current = [] }
    }
    return current.isEmpty ? result : result + [current]
}
