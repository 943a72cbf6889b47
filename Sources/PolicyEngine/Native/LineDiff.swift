import Foundation

/// A shortest line diff (Myers' O(ND) algorithm) for two versions that differ in a few places.
///
/// Lines are compared with `memcmp` as the search meets them, so nothing hashes every line first:
/// a commit that inserts a few blocks into a large file costs about one pass over both versions.
/// A pair that needs more than `maximumEdits` inserted and removed lines is left to xdiff.
enum LineDiff {
    /// Lines removed from the old version and added to the new one at one place; line indices are
    /// 0-based within the two buffers diffed.
    struct Hunk: Equatable {
        var oldStart: Int
        var oldCount: Int
        var newStart: Int
        var newCount: Int
    }

    /// - Returns: the hunks in order, or `nil` when the versions differ by more than `maximumEdits` lines.
    static func hunks(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>, maximumEdits: Int) -> [Hunk]? {
        let oldLines = Lines(old), newLines = Lines(new)
        let oldCount = oldLines.count, newCount = newLines.count
        let limit = min(oldCount + newCount, maximumEdits)
        // V[k] is the furthest x reached on diagonal k = x - y; one copy per edit distance for the way back.
        let offset = limit + 1
        var furthest = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found: Int?
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
                            while x < oldCount, y < newCount, oldKeys[x] == newKeys[y], oldLines.line(x, equals: newLines, y) {
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
        return slidDown(backtrack(trace, distance: found, oldCount: oldCount, newCount: newCount), newLines)
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

    /// Where each line of a buffer starts and ends (without its `\n`), and a hash of each to compare first.
    struct Lines {
        let base: UnsafePointer<UInt8>?
        var starts: [Int] = []
        var ends: [Int] = []
        /// The line's bytes, its length and whether `\n` ends it, hashed: a last line without one differs
        /// from the same text with one.
        var keys: [UInt64] = []

        init(_ buffer: UnsafeBufferPointer<UInt8>) {
            base = buffer.baseAddress
            guard let base, !buffer.isEmpty else { return }
            var from = 0
            while from < buffer.count {
                let end = memchr(base + from, 0x0A, buffer.count - from).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
                starts.append(from)
                ends.append(end ?? buffer.count)
                keys.append(Self.hash(base + from, (end ?? buffer.count) - from, terminated: end != nil))
                from = (end ?? buffer.count) + 1
            }
        }

        var count: Int { starts.count }

        /// Exact comparison, after the keys matched.
        func line(_ index: Int, equals other: Lines, _ otherIndex: Int) -> Bool {
            let length = ends[index] - starts[index]
            guard length == other.ends[otherIndex] - other.starts[otherIndex] else { return false }
            guard length > 0, let base, let otherBase = other.base else { return true }
            return memcmp(base + starts[index], otherBase + other.starts[otherIndex], length) == 0
        }

        /// Same keys first (the caller's fast path), then the bytes.
        func sameLine(_ index: Int, _ otherIndex: Int) -> Bool {
            keys[index] == keys[otherIndex] && line(index, equals: self, otherIndex)
        }

        /// The line's bytes without `\n` or `\r\n`.
        func content(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            guard let base else { return UnsafeBufferPointer(start: nil, count: 0) }
            var end = ends[index]
            if end > starts[index], base[end - 1] == 0x0D { end -= 1 }
            return UnsafeBufferPointer(start: base + starts[index], count: end - starts[index])
        }

        /// Eight bytes at a time, multiplied and rotated; not for hostile input's sake (equal keys are
        /// confirmed byte by byte), only to make unequal lines cheap to tell apart.
        private static func hash(_ start: UnsafePointer<UInt8>, _ length: Int, terminated: Bool) -> UInt64 {
            var value = UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15 ^ (terminated ? 1 : 0)
            var position = 0
            let raw = UnsafeRawPointer(start)
            while position + 8 <= length {
                value = (value ^ raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                value = value << 29 | value >> 35
                position += 8
            }
            while position < length {
                value = (value ^ UInt64(start[position])) &* 0xC4CE_B9FE_1A85_EC53
                position += 1
            }
            return value
        }
    }
}
