import Foundation

/// The lines two versions of a file share at their start and at their end, found by comparing bytes.
///
/// Only the part in between needs a line diff. A commit that inserts a few lines into a large file
/// then costs a `memcmp` of the file, not a diff of all its lines (xdiff hashes every line of both
/// versions, and libgit2 hashes both buffers whole before it diffs them).
struct CommonLines: Equatable {
    /// Complete lines both versions start with, and their length in bytes.
    var leadingLines: Int
    var leadingBytes: Int
    /// Bytes of complete lines both versions end with (after the leading ones).
    var trailingBytes: Int

    /// - Returns: the longest common run of whole lines at the start, then the longest one at the end of
    ///   what remains. A line is its bytes up to and including `\n`; a last line without `\n` is a line
    ///   too, and differs from the same text with one.
    init(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>) {
        guard let oldBase = old.baseAddress, let newBase = new.baseAddress else {
            self.init(leadingLines: 0, leadingBytes: 0, trailingBytes: 0)
            return
        }
        let shorter = min(old.count, new.count)
        var same = Self.commonPrefix(oldBase, newBase, shorter)
        // Back to the end of the last whole line both share: a partial line is not shared.
        if !(same == old.count && same == new.count) {
            while same > 0, oldBase[same - 1] != 0x0A { same -= 1 }
        }
        var trailing = Self.commonSuffix(oldBase + same, old.count - same, newBase + same, new.count - same)
        // The shared end must start a line in both versions.
        while trailing > 0 {
            let oldStart = old.count - trailing, newStart = new.count - trailing
            if (oldStart == same || oldBase[oldStart - 1] == 0x0A) && (newStart == same || newBase[newStart - 1] == 0x0A) { break }
            trailing -= 1
        }
        var lines = 0
        var from = 0
        while from < same, let hit = memchr(oldBase + from, 0x0A, same - from) {
            lines += 1
            from = UnsafeRawPointer(hit) - UnsafeRawPointer(oldBase) + 1
        }
        self.init(leadingLines: lines, leadingBytes: same, trailingBytes: trailing)
    }

    init(leadingLines: Int, leadingBytes: Int, trailingBytes: Int) {
        self.leadingLines = leadingLines
        self.leadingBytes = leadingBytes
        self.trailingBytes = trailingBytes
    }

    /// The part of `content` between the shared lines.
    func middle(of content: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: content[leadingBytes..<(content.count - trailingBytes)])
    }

    private static let block = 4096

    private static func commonPrefix(_ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var same = 0
        while same + block <= count, memcmp(first + same, second + same, block) == 0 { same += block }
        while same < count, first[same] == second[same] { same += 1 }
        return same
    }

    private static func commonSuffix(_ first: UnsafePointer<UInt8>, _ firstCount: Int,
                                     _ second: UnsafePointer<UInt8>, _ secondCount: Int) -> Int {
        let limit = min(firstCount, secondCount)
        var same = 0
        while same + block <= limit,
              memcmp(first + firstCount - same - block, second + secondCount - same - block, block) == 0 { same += block }
        while same < limit, first[firstCount - same - 1] == second[secondCount - same - 1] { same += 1 }
        return same
    }
}
