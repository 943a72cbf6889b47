import Foundation

/// One pack file and its version-2 index (`objects/pack/pack-*.idx`), both mapped read-only.
///
/// Everything in them is the agent's to write after it ran, so every count, offset and length is
/// checked against the file sizes before it is used; a file that does not hold together is refused
/// as a whole (`nil`), and libgit2 reads its objects instead.
final class PackIndex: @unchecked Sendable {
    // Immutable after `init`; the mappings are only read.
    private let index: MappedFile
    let pack: MappedFile
    let objectCount: Int
    private let namesStart: Int
    private let offsetsStart: Int
    private let largeOffsetsStart: Int
    private let largeOffsetCount: Int
    /// Compressed bytes read since the mapped pages were last given back.
    private let readSinceRelease = Locked(0)
    /// How much of the pack may stay resident before the pages are given back.
    static let residentPackBytes = 8 << 20

    static let nameLength = 20

    /// Maps `indexPath` and the pack beside it.
    /// - Returns: `nil` when either is missing, is not version 2 with SHA-1 names, or does not hold
    ///   together (sizes, counts, the pack's checksum recorded in the index).
    init?(indexPath: String) {
        guard indexPath.hasSuffix(".idx"),
              let index = MappedFile(path: indexPath),
              let pack = MappedFile(path: String(indexPath.dropLast(4)) + ".pack") else { return nil }
        let bytes = index.bytes
        // Header: magic \377tOc, version 2; then 256 cumulative counts by first name byte.
        guard bytes.count >= 8 + 1024 + 40, bytes[0] == 0xFF, bytes[1] == 0x74, bytes[2] == 0x4F, bytes[3] == 0x63,
              Self.uint32(bytes, 4) == 2 else { return nil }
        var previous = 0
        for slot in 0..<256 {
            let count = Int(Self.uint32(bytes, 8 + 4 * slot))
            guard count >= previous else { return nil }
            previous = count
        }
        let count = previous
        let names = 8 + 1024
        let crcs = names + count * Self.nameLength
        let offsets = crcs + count * 4
        let large = offsets + count * 4
        let largeCount = (bytes.count - 40 - large) / 8
        guard count < 1 << 31, large <= bytes.count - 40, (bytes.count - 40 - large) % 8 == 0 else { return nil }
        // The pack: `PACK`, version 2 or 3, the same object count, and the checksum the index recorded.
        let packBytes = pack.bytes
        guard packBytes.count >= 12 + 20, packBytes[0] == 0x50, packBytes[1] == 0x41, packBytes[2] == 0x43,
              packBytes[3] == 0x4B, [2, 3].contains(Self.uint32(packBytes, 4)), Int(Self.uint32(packBytes, 8)) == count,
              memcmp(packBytes.baseAddress! + packBytes.count - 20, bytes.baseAddress! + bytes.count - 40, 20) == 0
        else { return nil }
        self.index = index
        self.pack = pack
        objectCount = count
        namesStart = names
        offsetsStart = offsets
        largeOffsetsStart = large
        largeOffsetCount = largeCount
    }

    /// Where the object with this 20-byte name starts in the pack, if the index lists it.
    func offset(of name: UnsafeRawBufferPointer) -> Int? {
        guard name.count == Self.nameLength, let key = name.baseAddress else { return nil }
        let bytes = index.bytes
        let slot = Int(name[0])
        var low = slot == 0 ? 0 : Int(Self.uint32(bytes, 8 + 4 * (slot - 1)))
        var high = Int(Self.uint32(bytes, 8 + 4 * slot))
        guard let base = bytes.baseAddress else { return nil }
        while low < high {
            let middle = (low + high) / 2
            let order = memcmp(base + namesStart + middle * Self.nameLength, key, Self.nameLength)
            if order == 0 { return entryOffset(middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Counts compressed bytes read; past ``residentPackBytes`` the pack's pages are given back, so the
    /// process' resident size does not grow with the pack (the page cache keeps them).
    func noteRead(_ bytes: Int) {
        let release = readSinceRelease.withLock { total -> Bool in
            total += bytes
            guard total > Self.residentPackBytes else { return false }
            total = 0
            return true
        }
        if release { pack.releasePages() }
    }

    /// The 20-byte name of the `position`-th object in name order.
    func name(at position: Int) -> [UInt8] {
        Array(index.bytes[(namesStart + position * Self.nameLength)..<(namesStart + (position + 1) * Self.nameLength)])
    }

    private func entryOffset(_ position: Int) -> Int? {
        let small = Self.uint32(index.bytes, offsetsStart + 4 * position)
        var offset = Int(small)
        if small & 0x8000_0000 != 0 {
            // The high bit points into the table of 64-bit offsets, for packs over 2 GiB.
            let slot = Int(small & 0x7FFF_FFFF)
            guard slot < largeOffsetCount else { return nil }
            let high = Int(Self.uint32(index.bytes, largeOffsetsStart + 8 * slot))
            let low = Int(Self.uint32(index.bytes, largeOffsetsStart + 8 * slot + 4))
            guard high < 1 << 20 else { return nil }
            offset = high << 32 | low
        }
        // An entry sits after the 12-byte header and before the 20-byte trailer.
        guard offset >= 12, offset < pack.bytes.count - 20 else { return nil }
        return offset
    }

    /// A big-endian 32-bit number at `at`; the caller has checked the bounds.
    private static func uint32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// A whole file mapped read-only and private; unmapped with the value.
final class MappedFile: @unchecked Sendable {
    // The mapping is never written.
    let bytes: UnsafeBufferPointer<UInt8>

    /// - Returns: `nil` for a file that cannot be opened, is empty or is not a regular file.
    init?(path: String) {
        // Not blocking: opening a FIFO for reading would wait for a writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let start = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), start != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: size)
    }

    /// Gives the mapped pages back: the next read faults them in again from the page cache.
    func releasePages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count, MADV_DONTNEED)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
