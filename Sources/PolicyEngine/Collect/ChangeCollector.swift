import Foundation

/// Receives a streaming diff, records the changed files, and cuts the added lines into fragments:
/// runs of consecutive added lines of one file, at most `fragmentLimit` bytes each.
@_spi(Fuzzing) public final class ChangeCollector: DiffVisitor {
    private let commit: String?
    private let keepsLines: Bool
    private let fragmentLimit: Int
    private let onFragment: (ScanFragment) throws -> Void
    /// The files seen so far.
    private(set) var files: [ChangedFile] = []
    /// Files whose content was too large to convert and scan, with their sizes.
    @_spi(Fuzzing) public private(set) var unscanned: [(path: String, size: Int)] = []
    private var current: ChangedFile?
    private var buffer: [UInt8] = []
    private var bufferFirstLine = 0
    private var bufferLineCount = 0
    private var lastLine = -1

    /// Creates a collector.
    /// - Parameters:
    ///   - commit: the commit findings belong to, if any.
    ///   - fragmentLimit: bytes after which a fragment is cut at the next line boundary.
    ///   - keepsLines: `false` to only list the files and count their lines (no fragment is made).
    ///   - onFragment: receives each fragment.
    public init(commit: String?, fragmentLimit: Int = 256 * 1024, keepsLines: Bool = true,
                onFragment: @escaping (ScanFragment) throws -> Void) {
        self.commit = commit
        self.keepsLines = keepsLines
        self.fragmentLimit = fragmentLimit
        self.onFragment = onFragment
    }

    @_spi(Fuzzing) public func beginFile(_ file: ChangedFile) throws {
        try flush()
        current = file
        lastLine = -1
    }

    @_spi(Fuzzing) public func beginHunk() throws {
        try flush()
    }

    @_spi(Fuzzing) public func addedLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
        current?.addedLines += 1
        if current?.newMode == .symlink, current?.symlinkTarget == nil {
            // A diff stores a symlink's target as its only line.
            current?.symlinkTarget = String(decoding: bytes, as: UTF8.self)
        }
        guard keepsLines else { return }
        if bytes.count > ChangeCollector.longLineLimit {
            try flush()
            try emitLongLine(bytes, lineNumber: lineNumber)
            lastLine = lineNumber
            return
        }
        if lineNumber != lastLine + 1 || buffer.count >= fragmentLimit {
            try flush()
        }
        if bufferLineCount == 0 {
            bufferFirstLine = lineNumber
        } else {
            buffer.append(0x0A)
        }
        buffer.append(contentsOf: bytes)
        bufferLineCount += 1
        lastLine = lineNumber
    }

    /// Cuts the lines straight into fragments of whole lines, each copied once.
    @_spi(Fuzzing) public func addedLines(_ content: UnsafeBufferPointer<UInt8>, firstLine: Int) throws {
        guard current?.newMode != .symlink, keepsLines else {
            // The symlink target is taken from the first line, as `addedLine` does.
            try addEachLine(of: content, firstLine: firstLine)
            return
        }
        try flush()
        guard !content.isEmpty else { return }
        // A final newline ends the last line; it does not start another.
        let end = content.last == 0x0A ? content.count - 1 : content.count
        var start = 0
        var line = firstLine
        while true {
            let cut = fragmentEnd(in: content, from: start, to: end)
            let chunk = UnsafeBufferPointer(rebasing: content[start..<cut])
            let lines = Self.newlineCount(chunk) + 1
            if lines == 1, chunk.count > ChangeCollector.longLineLimit {
                try emitLongLine(chunk, lineNumber: line)
            } else if !chunk.isEmpty, let path = current?.path {
                try onFragment(ScanFragment(path: path, commit: commit, bytes: Array(chunk), firstLine: line))
            }
            current?.addedLines += lines
            line += lines
            if cut >= end { break }
            start = cut + 1
        }
        lastLine = line - 1
    }

    /// Where a fragment starting at `start` ends: at the last newline within `fragmentLimit` bytes, or at
    /// the end of the line when that one line is longer.
    private func fragmentEnd(in content: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        if end - start <= fragmentLimit { return end }
        var cut = start + fragmentLimit
        while cut > start, content[cut] != 0x0A { cut -= 1 }
        if cut > start { return cut }
        cut = start + fragmentLimit
        while cut < end, content[cut] != 0x0A { cut += 1 }
        return cut
    }

    static func newlineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var count = 0
        var from = 0
        while from < bytes.count, let hit = memchr(base + from, 0x0A, bytes.count - from) {
            count += 1
            from = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
        }
        return count
    }

    @_spi(Fuzzing) public func unscanned(size: Int) throws {
        if let path = current?.path { unscanned.append((path, size)) }
    }

    @_spi(Fuzzing) public func removedLine() throws {
        current?.removedLines += 1
    }

    @_spi(Fuzzing) public func endFile(isBinary: Bool) throws {
        try flush()
        if var file = current {
            file.isBinary = file.isBinary || isBinary
            files.append(file)
        }
        current = nil
    }

    /// Lines longer than this (minified code, data blobs) are scanned in overlapping windows, so a
    /// pattern never runs over one enormous subject and a secret on a window edge is still seen.
    static let longLineLimit = 1 << 20
    static let longLineOverlap = 4096

    private func emitLongLine(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws {
        guard let path = current?.path else { return }
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + ChangeCollector.longLineLimit)
            try onFragment(ScanFragment(path: path, commit: commit, bytes: Array(bytes[start..<end]), firstLine: lineNumber))
            if end == bytes.count { break }
            start = end - ChangeCollector.longLineOverlap
        }
    }

    private func flush() throws {
        defer {
            buffer.removeAll(keepingCapacity: true)
            bufferLineCount = 0
        }
        guard bufferLineCount > 0, !buffer.isEmpty, let path = current?.path else { return }
        try onFragment(ScanFragment(path: path, commit: commit, bytes: buffer, firstLine: bufferFirstLine))
    }
}
