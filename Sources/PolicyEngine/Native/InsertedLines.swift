import Foundation

/// The lines a new version inserts into an old one whose lines it keeps, all and in order: the shape
/// of an edit that only adds. Found by comparing bytes, without hashing or indexing a line.
///
/// At each point the next old line is taken where the new version next has it (greedy matching finds
/// every old line whenever the new version holds them in order), and runs of equal lines are compared
/// a block at a time. The new lines passed over are the inserted ones: as few as any diff reports,
/// since it keeps every old line. Where the edit removed or changed a line the search gives up
/// (`nil`) as soon as it has passed over more bytes than the new version added.
enum InsertedLines {
    /// A run of inserted lines: the number of its first line in the new version (0 for the first line)
    /// and its bytes, each line with its `\n` but the last line of the file.
    struct Run: Equatable {
        var firstLine: Int
        var bytes: Range<Int>
    }

    /// - Returns: the inserted runs in order, or `nil` when `new` does not hold every line of `old` in order.
    static func find(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>) -> [Run]? {
        guard new.count > old.count else { return old.elementsEqual(new) ? [] : nil }
        guard let oldBase = old.baseAddress, let newBase = new.baseAddress else { return [Run(firstLine: 0, bytes: 0..<new.count)] }
        let added = new.count - old.count
        var oldAt = 0, newAt = 0, line = 0, passedOver = 0
        var runs: [Run] = []
        while oldAt < old.count {
            let same = sharedLines(oldBase + oldAt, old.count - oldAt, newBase + newAt, new.count - newAt)
            if same > 0 {
                line += newlines(in: UnsafeBufferPointer(start: newBase + newAt, count: same))
                oldAt += same
                newAt += same
                continue
            }
            // The new line here is not the next old line: it was inserted.
            guard newAt < new.count else { return nil }
            let end = memchr(newBase + newAt, 0x0A, new.count - newAt).map { UnsafeRawPointer($0) - UnsafeRawPointer(newBase) + 1 }
                ?? new.count
            passedOver += end - newAt
            guard passedOver <= added else { return nil }
            if let last = runs.last, last.bytes.upperBound == newAt {
                runs[runs.count - 1].bytes = last.bytes.lowerBound..<end
            } else {
                runs.append(Run(firstLine: line, bytes: newAt..<end))
            }
            line += 1
            newAt = end
        }
        if newAt < new.count { runs.append(Run(firstLine: line, bytes: newAt..<new.count)) }
        return runs
    }

    /// Bytes of the whole lines both start with. A last line without `\n` is shared only when it ends both.
    private static func sharedLines(_ old: UnsafePointer<UInt8>, _ oldCount: Int, _ new: UnsafePointer<UInt8>, _ newCount: Int) -> Int {
        let shorter = min(oldCount, newCount)
        var same = 0
        while same + block <= shorter, memcmp(old + same, new + same, block) == 0 { same += block }
        while same < shorter, old[same] == new[same] { same += 1 }
        if same == oldCount && same == newCount { return same }
        while same > 0, old[same - 1] != 0x0A { same -= 1 }
        return same
    }

    private static let block = 256

    private static func newlines(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte == 0x0A { count += 1 }
        return count
    }
}
