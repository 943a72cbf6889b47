import Foundation

extension LineDiff {
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

        /// A seed of this process: a file cannot be written ahead of time so that its lines share a slot
        /// of the anchor table (which would make counting them quadratic).
        private static let seed = UInt64.random(in: 0...UInt64.max)

        /// Eight bytes at a time, multiplied and rotated. Equal keys are confirmed byte by byte, so a
        /// collision costs a comparison, never a wrong match.
        private static func hash(_ start: UnsafePointer<UInt8>, _ length: Int, terminated: Bool) -> UInt64 {
            var value = (seed ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15 ^ (terminated ? 1 : 0)
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
