import Foundation

/// A short line diff for two versions that differ in a few places: lines found once in each version
/// are anchors where they keep their order (as patience diff does), and the gaps between anchors are
/// diffed by Myers' O(ND) shortest edit.
///
/// Lines are told apart by a hash computed once and compared with `memcmp` when the hashes match: a
/// commit that inserts a few blocks into a large file costs about one pass over both versions, where
/// xdiff would also classify every line and libgit2 would hash both buffers. The result is a correct
/// edit script (every line not reported as added is an unchanged line of the old version, in order);
/// where several exist it may pick another than xdiff. A gap between anchors that needs more than
/// `maximumEdits` inserted and removed lines (Myers' cost grows with their square) is left to xdiff.
enum LineDiff {
    /// Lines removed from the old version and added to the new one at one place; line indices are
    /// 0-based within the two buffers diffed.
    struct Hunk: Equatable {
        var oldStart: Int
        var oldCount: Int
        var newStart: Int
        var newCount: Int
    }

    /// - Returns: the hunks in order, or `nil` when a gap between anchors differs by more than `maximumEdits`
    ///   lines, or the searches of all gaps together would cost more than one such gap (`maximumEdits`²
    ///   steps): a file shaped into many hard gaps goes to xdiff, whose cost has its own bound.
    static func hunks(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>, maximumEdits: Int) -> [Hunk]? {
        let oldLines = Lines(old), newLines = Lines(new)
        var hunks: [Hunk] = []
        var from = (old: 0, new: 0)
        var work = maximumEdits * maximumEdits
        for anchor in anchors(oldLines, newLines) + [(old: oldLines.count, new: newLines.count)] {
            let affordable = min(maximumEdits, Int(Double(max(0, work)).squareRoot()))
            guard let (part, searched) = shortestEdit(oldLines, from.old..<anchor.old, newLines, from.new..<anchor.new,
                                                      maximumEdits: affordable) else { return nil }
            work -= searched * searched
            hunks += part
            from = (anchor.old + 1, anchor.new + 1)
        }
        return slidDown(hunks, newLines)
    }

    /// Lines that occur exactly once in each version, paired, reduced to the longest run whose order
    /// both versions agree on.
    static func anchors(_ oldLines: Lines, _ newLines: Lines) -> [(old: Int, new: Int)] {
        var table = LineCountTable(capacity: oldLines.count + newLines.count)
        for index in 0..<oldLines.count { table.count(oldLines.keys[index], index: index, inOld: true) }
        for index in 0..<newLines.count { table.count(newLines.keys[index], index: index, inOld: false) }
        var pairs: [(old: Int, new: Int)] = []
        for index in 0..<oldLines.count {
            guard let other = table.uniquePartner(of: oldLines.keys[index]), oldLines.line(index, equals: newLines, other) else { continue }
            pairs.append((index, other))
        }
        return longestIncreasing(pairs)
    }

    /// The longest subsequence of `pairs` (sorted by `old`) whose `new` also increases (patience sorting).
    private static func longestIncreasing(_ pairs: [(old: Int, new: Int)]) -> [(old: Int, new: Int)] {
        var tails: [Int] = []  // index into pairs of the smallest tail of each length
        var previous = [Int](repeating: -1, count: pairs.count)
        for (index, pair) in pairs.enumerated() {
            var low = 0, high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if pairs[tails[middle]].new < pair.new { low = middle + 1 } else { high = middle }
            }
            if low > 0 { previous[index] = tails[low - 1] }
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var result: [(old: Int, new: Int)] = []
        var index = tails.last ?? -1
        while index >= 0 {
            result.append(pairs[index])
            index = previous[index]
        }
        return result.reversed()
    }

    /// Myers' shortest edit between two ranges of lines.
    /// - Returns: its hunks, in the versions' line indices, and the edit distance searched for (0 when
    ///   no search was needed), or `nil` beyond `maximumEdits` edits.
    private static func shortestEdit(_ oldLines: Lines, _ oldRange: Range<Int>, _ newLines: Lines, _ newRange: Range<Int>,
                                     maximumEdits: Int) -> ([Hunk], searched: Int)? {
        // Equal lines at either end of the gap are no edit; what remains is often only inserted or
        // only removed lines, which needs no search at all.
        var oldRange = oldRange, newRange = newRange
        while !oldRange.isEmpty, !newRange.isEmpty, oldLines.keys[oldRange.lowerBound] == newLines.keys[newRange.lowerBound],
              oldLines.line(oldRange.lowerBound, equals: newLines, newRange.lowerBound) {
            oldRange = (oldRange.lowerBound + 1)..<oldRange.upperBound
            newRange = (newRange.lowerBound + 1)..<newRange.upperBound
        }
        while !oldRange.isEmpty, !newRange.isEmpty, oldLines.keys[oldRange.upperBound - 1] == newLines.keys[newRange.upperBound - 1],
              oldLines.line(oldRange.upperBound - 1, equals: newLines, newRange.upperBound - 1) {
            oldRange = oldRange.lowerBound..<(oldRange.upperBound - 1)
            newRange = newRange.lowerBound..<(newRange.upperBound - 1)
        }
        let oldCount = oldRange.count, newCount = newRange.count
        if oldCount == 0 || newCount == 0 {
            return (oldCount + newCount == 0 ? [] : [Hunk(oldStart: oldRange.lowerBound, oldCount: oldCount,
                                                          newStart: newRange.lowerBound, newCount: newCount)], 0)
        }
        guard maximumEdits >= 0 else { return nil }
        let limit = min(oldCount + newCount, maximumEdits)
        // V[k] is the furthest x reached on diagonal k = x - y; one copy per edit distance for the way back.
        let offset = limit + 1
        var furthest = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found: Int?
        let oldBase = oldRange.lowerBound, newBase = newRange.lowerBound
        oldLines.keys.withUnsafeBufferPointer { oldKeys in
            newLines.keys.withUnsafeBufferPointer { newKeys in
                furthest.withUnsafeMutableBufferPointer { furthest in
                    search: for distance in 0...limit {
                        trace.append(Array(furthest[(offset - distance)...(offset + distance)]))
                        var diagonal = -distance
                        while diagonal <= distance {
                            defer { diagonal += 2 }
                            let down = diagonal == -distance
                                || (diagonal != distance && furthest[offset + diagonal - 1] < furthest[offset + diagonal + 1])
                            var x = down ? furthest[offset + diagonal + 1] : furthest[offset + diagonal - 1] + 1
                            var y = x - diagonal
                            while x < oldCount, y < newCount, oldKeys[oldBase + x] == newKeys[newBase + y],
                                  oldLines.line(oldBase + x, equals: newLines, newBase + y) {
                                x += 1
                                y += 1
                            }
                            furthest[offset + diagonal] = x
                            if x >= oldCount, y >= newCount {
                                found = distance
                                break search
                            }
                        }
                    }
                }
            }
        }
        guard let found else { return nil }
        let hunks = backtrack(trace, distance: found, oldCount: oldCount, newCount: newCount).map {
            Hunk(oldStart: $0.oldStart + oldBase, oldCount: $0.oldCount, newStart: $0.newStart + newBase, newCount: $0.newCount)
        }
        return (hunks, found)
    }

    /// Walks the trace back from the end and collects the removed and added lines as hunks.
    private static func backtrack(_ trace: [[Int]], distance: Int, oldCount: Int, newCount: Int) -> [Hunk] {
        var x = oldCount, y = newCount
        var edits: [(old: Int?, new: Int?)] = []  // a removed old line or an added new line, backwards
        for step in stride(from: distance, to: 0, by: -1) {
            let previous = trace[step]  // V as it was before this step, indices -step...step
            let diagonal = x - y
            func reached(_ k: Int) -> Int { previous[k + step] }
            let down = diagonal == -step || (diagonal != step && reached(diagonal - 1) < reached(diagonal + 1))
            let previousDiagonal = down ? diagonal + 1 : diagonal - 1
            let previousX = reached(previousDiagonal)
            let previousY = previousX - previousDiagonal
            // Back along the snake to where this step's edit ended.
            while x > previousX + (down ? 0 : 1), y > previousY + (down ? 1 : 0) {
                x -= 1
                y -= 1
            }
            if down {
                edits.append((nil, previousY))  // new line added
            } else {
                edits.append((previousX, nil))  // old line removed
            }
            x = previousX
            y = previousY
        }
        var hunks: [Hunk] = []
        var oldPosition = 0, newPosition = 0  // the next line of each version not yet accounted for
        for edit in edits.reversed() {
            // Unchanged lines before the edit advance both versions alike.
            let unchanged = edit.old.map { $0 - oldPosition } ?? ((edit.new ?? newPosition) - newPosition)
            oldPosition += unchanged
            newPosition += unchanged
            if let last = hunks.last, last.oldStart + last.oldCount == oldPosition, last.newStart + last.newCount == newPosition {
                hunks[hunks.count - 1].oldCount += edit.old == nil ? 0 : 1
                hunks[hunks.count - 1].newCount += edit.new == nil ? 0 : 1
            } else {
                hunks.append(Hunk(oldStart: oldPosition, oldCount: edit.old == nil ? 0 : 1,
                                  newStart: newPosition, newCount: edit.new == nil ? 0 : 1))
            }
            if edit.old != nil { oldPosition += 1 } else { newPosition += 1 }
        }
        return hunks
    }

    /// Moves each group of only added lines down over equal lines as far as it goes, as xdiff does, so
    /// that a block inserted next to a copy of its own lines is numbered where git numbers it.
    private static func slidDown(_ hunks: [Hunk], _ newLines: Lines) -> [Hunk] {
        var result = hunks
        for index in result.indices where result[index].oldCount == 0 && result[index].newCount > 0 {
            let limit = index + 1 < result.count ? result[index + 1].newStart : newLines.count
            while result[index].newStart + result[index].newCount < limit,
                  newLines.sameLine(result[index].newStart, result[index].newStart + result[index].newCount) {
                result[index].newStart += 1
                result[index].oldStart += 1
            }
        }
        return result
    }

    /// Counts how often each line key occurs in each version (up to twice), open addressing over arrays.
    struct LineCountTable {
        private var keys: [UInt64]
        private var used: [Bool]
        private var counts: [UInt8]  // old count in the low nibble, new count in the high one, each capped at 2
        private var newIndex: [Int]
        private let mask: Int

        init(capacity: Int) {
            var size = 16
            while size < 2 * capacity { size <<= 1 }
            keys = [UInt64](repeating: 0, count: size)
            used = [Bool](repeating: false, count: size)
            counts = [UInt8](repeating: 0, count: size)
            newIndex = [Int](repeating: 0, count: size)
            mask = size - 1
        }

        private func slot(_ key: UInt64) -> Int {
            var slot = Int(truncatingIfNeeded: key ^ key >> 29) & mask
            while used[slot], keys[slot] != key { slot = (slot + 1) & mask }
            return slot
        }

        mutating func count(_ key: UInt64, index: Int, inOld: Bool) {
            let slot = slot(key)
            used[slot] = true
            keys[slot] = key
            let shift: UInt8 = inOld ? 0 : 4
            if (counts[slot] >> shift) & 0x0F < 2 { counts[slot] += 1 << shift }
            if !inOld { newIndex[slot] = index }
        }

        /// The new version's line with this key, when the key occurs once in each version.
        func uniquePartner(of key: UInt64) -> Int? {
            let slot = slot(key)
            return used[slot] && counts[slot] == 0x11 ? newIndex[slot] : nil
        }
    }
}
