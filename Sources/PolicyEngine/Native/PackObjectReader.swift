internal import CLibGit2
import Crypto
import Foundation

/// Reads blobs straight from a repository's pack files, with a delta-base cache sized for a whole change.
///
/// libgit2 1.5 keeps 16 MiB of delta bases and none over 1 MiB, so on a large change it inflates the
/// same bases again for every delta that builds on them: most of the scan's time at 200 MiB. This
/// reader resolves delta chains itself and keeps the bases it used, as git does.
///
/// It is an accelerator, not a second source of truth: it hands out a blob only when the SHA-1 of
/// what it rebuilt equals the name asked for, so the bytes scanned are the object git would push.
/// An object it does not find in a pack it understands is `nil`, and the caller reads it with libgit2;
/// a damaged one (bad zlib data, a delta that does not fit its base, a name mismatch) is an error.
final class PackObjectReader: Sendable {
    private let packs: [PackIndex]
    private let cache: DeltaBaseCache
    /// Names whose content was rebuilt from this cache key and matched them. Rebuilding from the same
    /// key of the same mapped pack gives the same bytes, so they are not hashed again.
    private let verified = Locked<[[UInt8]: Int]>([:])
    private let counts = Locked(ReadCounts())

    /// The work of rebuilding objects so far, which the order of reads decides.
    struct ReadCounts: Sendable, Equatable {
        /// Whole objects inflated.
        var wholeObjects = 0
        /// Deltas applied.
        var deltas = 0
    }

    var readCounts: ReadCounts { counts.withLock { $0 } }

    /// git's own limit on delta chains (`pack-objects --depth` is capped at 4095).
    static let maximumChain = 4095
    /// Larger objects are left to libgit2, which reads them whole as before.
    static let maximumObject = 512 << 20

    /// Bytes of bases and blobs the cache keeps.
    static let defaultCacheBudget = 24 << 20

    /// Cache keys hold a pack's number above its offset; packs past this many are libgit2's to read.
    static let maximumPacks = 4096

    /// Maps every pack under `objectsDirectory/pack` that holds together; the others are skipped.
    init(objectsDirectory: String, cacheBudget: Int = defaultCacheBudget) {
        let folder = objectsDirectory.hasSuffix("/") ? objectsDirectory + "pack" : objectsDirectory + "/pack"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".idx") }.sorted()
        packs = Array(names.lazy.compactMap { PackIndex(indexPath: folder + "/" + $0) }.prefix(Self.maximumPacks))
        cache = DeltaBaseCache(budget: cacheBudget)
    }

    /// How many packs are read.
    var packCount: Int { packs.count }

    /// The content of the blob with this 20-byte name.
    /// - Returns: `nil` when no pack here holds it, or it is too large, not a blob, or built on a base in
    ///   another pack (which git calls corrupt): read it with libgit2.
    /// - Throws: `NativeError` when the pack's copy is damaged or does not match its name.
    func blob(named name: [UInt8]) throws(NativeError) -> [UInt8]? {
        for (number, pack) in packs.enumerated() {
            guard let offset = name.withUnsafeBytes({ pack.offset(of: $0) }) else { continue }
            let key = DeltaBaseCache.key(number, offset)
            let rebuilt: ([UInt8], Int)?
            if let cached = cache.object(key) {
                rebuilt = cached
            } else {
                rebuilt = try object(at: offset, in: number, name: name)
                // Kept too: it may be a later base, and may be asked for again.
                if let rebuilt { cache.keep(rebuilt, key) }
            }
            guard let (content, type) = rebuilt, type == ObjectType.blob else { return nil }
            if verified.withLock({ $0[name] }) == key { return content }
            var hasher = Insecure.SHA1()
            hasher.update(data: Array("blob \(content.count)\0".utf8))
            hasher.update(data: content)
            guard hasher.finalize().elementsEqual(name) else {
                throw Self.damaged(name, "its content does not match its name")
            }
            verified.withLock { $0[name] = key }
            return content
        }
        return nil
    }

    /// Where an object sits and where its delta chain ends (the whole object it is built from), as
    /// positions that order the reads of a change: grouped by chain, and bases before the deltas on
    /// them (an offset delta's base is always earlier in its pack). Reads entry headers only.
    /// - Parameter roots: chain ends found so far, by position; shared by the calls of one plan.
    /// - Returns: `nil` when no pack here holds it, or its chain cannot be followed (the read then
    ///   decides what that is).
    func chainPosition(of name: [UInt8], roots: inout [Int: Int]) -> (root: Int, entry: Int)? {
        for (number, pack) in packs.enumerated() {
            guard let offset = name.withUnsafeBytes({ pack.offset(of: $0) }) else { continue }
            var walked: [Int] = []
            var current = offset
            var root: Int?
            following: while walked.count <= Self.maximumChain {
                let position = DeltaBaseCache.key(number, current)
                if let known = roots[position] {
                    root = known
                    break
                }
                walked.append(position)
                guard let entry = try? PackEntry(in: pack.pack.bytes, at: current, name: name) else { break }
                switch entry.kind {
                case .whole:
                    root = position
                    break following
                case .offsetDelta(let base):
                    current = base
                case .referenceDelta(let baseName):
                    guard let base = baseName.withUnsafeBytes({ pack.offset(of: $0) }) else { break following }
                    current = base
                }
            }
            // Chains that cannot be followed are remembered too (as `Int.max`), so that many files on
            // one loop do not each walk it to the limit.
            for position in walked { roots[position] = root ?? .max }
            guard let root, root != .max else { return nil }
            return (root, DeltaBaseCache.key(number, offset))
        }
        return nil
    }

    /// git's object types as a pack entry's header gives them.
    enum ObjectType {
        static let commit = 1, tree = 2, blob = 3, tag = 4, offsetDelta = 6, referenceDelta = 7
    }

    /// Rebuilds the object at `offset`: walks its delta chain down to a whole object or a cached base,
    /// then applies the deltas back up, keeping each base it used.
    private func object(at offset: Int, in number: Int, name: [UInt8]) throws(NativeError) -> ([UInt8], Int)? {
        let pack = packs[number]
        // The deltas met on the way down, each with where its base sits.
        var chain: [(delta: PackEntry, baseOffset: Int)] = []
        var current = offset
        var base: ([UInt8], Int)
        var inflatedWhole = false
        while true {
            if !chain.isEmpty, let cached = cache.object(DeltaBaseCache.key(number, current)) {
                base = cached
                break
            }
            guard chain.count <= Self.maximumChain else {
                try Self.checkChainEnds(in: pack, from: current, name: name)
                return nil
            }
            let entry = try PackEntry(in: pack.pack.bytes, at: current, name: name)
            guard entry.size <= Self.maximumObject else { return nil }
            switch entry.kind {
            case .whole(let type):
                base = (try entry.inflated(from: pack, name: name), type)
                inflatedWhole = true
            case .offsetDelta(let baseOffset):
                chain.append((entry, baseOffset))
                current = baseOffset
                continue
            case .referenceDelta(let baseName):
                // git completes thin packs with their bases in the same pack; a base elsewhere is
                // libgit2's to refuse.
                guard let baseOffset = baseName.withUnsafeBytes({ pack.offset(of: $0) }) else { return nil }
                chain.append((entry, baseOffset))
                current = baseOffset
                continue
            }
            break
        }
        counts.withLock { counts in
            counts.deltas += chain.count
            counts.wholeObjects += inflatedWhole ? 1 : 0
        }
        for (entry, baseOffset) in chain.reversed() {
            cache.keep(base, DeltaBaseCache.key(number, baseOffset))
            let delta = try entry.inflated(from: pack, name: name)
            guard let result = PackDelta.apply(delta, to: base.0, maximumSize: Self.maximumObject) else {
                throw Self.damaged(name, "a delta in its chain does not fit its base")
            }
            base = (result, base.1)
        }
        return base
    }

    /// Follows a chain past ``maximumChain`` by its entry headers, to tell a long chain, which libgit2
    /// reads, from one that loops: libgit2 follows a loop of reference deltas in one pack for ever,
    /// its memory growing until the process is killed.
    /// - Throws: `NativeError` when the chain comes back to an entry it passed.
    private static func checkChainEnds(in pack: PackIndex, from offset: Int, name: [UInt8]) throws(NativeError) {
        var passed: Set<Int> = []
        var current = offset
        while passed.insert(current).inserted {
            switch try PackEntry(in: pack.pack.bytes, at: current, name: name).kind {
            case .whole:
                return
            case .offsetDelta(let base):
                current = base
            case .referenceDelta(let baseName):
                // A base in no other entry of this pack: libgit2 refuses the object.
                guard let base = baseName.withUnsafeBytes({ pack.offset(of: $0) }) else { return }
                current = base
            }
        }
        throw damaged(name, "its delta chain loops")
    }

    static func damaged(_ name: [UInt8], _ problem: String) -> NativeError {
        let hex = name.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return NativeError(library: .libgit2, function: "odb_pack", code: -1,
                           message: "packed object \(hex) is damaged (\(problem)); run git fsck")
    }
}

/// The bases delta chains were rebuilt from, and the blobs rebuilt, by pack and offset; the least
/// recently used go first.
private final class DeltaBaseCache: Sendable {
    private struct Entry {
        var content: [UInt8]
        var type: Int
        var lastUse: Int
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var bytes = 0
        var clock = 0
        /// Bytes evicted since glibc was last asked to give free pages back.
        var evictedSinceTrim = 0
    }

    private let state = Locked(State())
    private let budget: Int
    /// Evicted bytes between two requests to glibc to give free pages back.
    static let trimInterval = 64 << 20

    init(budget: Int) {
        self.budget = budget
    }

    static func key(_ pack: Int, _ offset: Int) -> Int { pack << 48 | offset }

    func object(_ key: Int) -> ([UInt8], Int)? {
        state.withLock { state in
            state.clock += 1
            guard let entry = state.entries[key] else { return nil }
            state.entries[key]?.lastUse = state.clock
            return (entry.content, entry.type)
        }
    }

    func keep(_ object: ([UInt8], Int), _ key: Int) {
        guard object.0.count <= budget / 4 else { return }
        let trim = state.withLock { state -> Bool in
            state.clock += 1
            if state.entries[key] != nil {
                state.entries[key]?.lastUse = state.clock
                return false
            }
            state.entries[key] = Entry(content: object.0, type: object.1, lastUse: state.clock)
            state.bytes += object.0.count
            guard state.bytes > budget else { return false }
            // Evict a quarter of the budget at once, so eviction's sort is paid rarely.
            for (key, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard state.bytes > budget * 3 / 4 else { break }
                state.entries[key] = nil
                state.bytes -= entry.content.count
                state.evictedSinceTrim += entry.content.count
            }
            guard state.evictedSinceTrim > Self.trimInterval else { return false }
            state.evictedSinceTrim = 0
            return true
        }
        // Evicted entries sit between live allocations in the heap, where glibc keeps their pages
        // unless asked (a call that walks the heap, so it is made rarely).
        if trim { policy_gate_release_free_memory() }
    }
}
