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

    /// git's own limit on delta chains (`pack-objects --depth` is capped at 4095).
    static let maximumChain = 4095
    /// Larger objects are left to libgit2, which reads them whole as before.
    static let maximumObject = 512 << 20

    /// Maps every pack under `objectsDirectory/pack` that holds together; the others are skipped.
    init(objectsDirectory: String, cacheBudget: Int = 64 << 20) {
        let folder = objectsDirectory.hasSuffix("/") ? objectsDirectory + "pack" : objectsDirectory + "/pack"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".idx") }.sorted()
        packs = names.compactMap { PackIndex(indexPath: folder + "/" + $0) }
        cache = DeltaBaseCache(budget: cacheBudget)
    }

    /// How many packs are read.
    var packCount: Int { packs.count }

    /// The content of the blob with this 20-byte name.
    /// - Returns: `nil` when no pack here holds it, or it is too large or not a blob: read it with libgit2.
    /// - Throws: `NativeError` when the pack's copy is damaged or does not match its name.
    /// - Parameter readAgain: the caller will ask for this blob again: it is kept in the cache before
    ///   anything else until then (the old side of a modified file, which is the new side of an older commit).
    func blob(named name: [UInt8], readAgain: Bool = false) throws(NativeError) -> [UInt8]? {
        guard let (content, type, verified) = try object(named: name, depth: 0, readAgain: readAgain),
              type == ObjectType.blob else { return nil }
        guard let location = verified else { return content }
        var hasher = Insecure.SHA1()
        hasher.update(data: Array("blob \(content.count)\0".utf8))
        hasher.update(data: content)
        guard hasher.finalize().elementsEqual(name) else {
            throw Self.damaged(name, "its content does not match its name")
        }
        cache.markVerified(pack: location.pack, offset: location.offset)
        return content
    }

    /// git's object types as a pack entry's header gives them.
    enum ObjectType {
        static let commit = 1, tree = 2, blob = 3, tag = 4, offsetDelta = 6, referenceDelta = 7
    }

    /// - Returns: the object's content and type, and where it sits when its name is still to be checked
    ///   (`nil` when the cache holds it from an earlier read that was checked).
    private func object(named name: [UInt8], depth: Int, readAgain: Bool = false) throws(NativeError) -> ([UInt8], Int, (pack: Int, offset: Int)?)? {
        for (number, pack) in packs.enumerated() {
            guard let offset = name.withUnsafeBytes({ pack.offset(of: $0) }) else { continue }
            if let cached = cache.object(pack: number, offset: offset, readAgain: readAgain) {
                return (cached.content, cached.type, cached.verified ? nil : (number, offset))
            }
            guard let (content, type) = try object(at: offset, in: number, name: name, depth: depth) else { return nil }
            // Kept too: it may be a later base, and may be asked for again.
            cache.keep((content, type), pack: number, offset: offset, pinned: readAgain)
            return (content, type, (number, offset))
        }
        return nil
    }

    /// Rebuilds the object at `offset`: walks its delta chain down to a whole object or a cached base,
    /// then applies the deltas back up, keeping each base it used.
    private func object(at offset: Int, in number: Int, name: [UInt8], depth: Int) throws(NativeError) -> ([UInt8], Int)? {
        let pack = packs[number]
        // Each delta with where its base sits in this pack (`nil`: in another pack, not cached).
        var chain: [(delta: PackEntry, baseOffset: Int?)] = []
        var current = offset
        var base: ([UInt8], Int)
        while true {
            if !chain.isEmpty, let cached = cache.object(pack: number, offset: current) {
                base = (cached.content, cached.type)
                break
            }
            guard depth + chain.count <= Self.maximumChain else { return nil }
            let entry = try PackEntry(in: pack.pack.bytes, at: current, name: name)
            guard entry.size <= Self.maximumObject else { return nil }
            switch entry.kind {
            case .whole(let type):
                base = (try entry.inflated(from: pack, name: name), type)
            case .offsetDelta(let baseOffset):
                chain.append((entry, baseOffset))
                current = baseOffset
                continue
            case .referenceDelta(let baseName):
                if let baseOffset = baseName.withUnsafeBytes({ pack.offset(of: $0) }) {
                    chain.append((entry, baseOffset))
                    current = baseOffset
                    continue
                }
                chain.append((entry, nil))
                // A base in another pack (a thin pack completed later); a loose base is libgit2's to read.
                guard let found = try object(named: baseName, depth: depth + chain.count) else { return nil }
                base = (found.0, found.1)
            }
            break
        }
        for (entry, baseOffset) in chain.reversed() {
            if let baseOffset { cache.keep(base, pack: number, offset: baseOffset) }
            let delta = try entry.inflated(from: pack, name: name)
            guard let result = PackDelta.apply(delta, to: base.0, maximumSize: Self.maximumObject) else {
                throw Self.damaged(name, "a delta in its chain does not fit its base")
            }
            base = (result, base.1)
        }
        return base
    }

    static func damaged(_ name: [UInt8], _ problem: String) -> NativeError {
        let hex = name.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return NativeError(library: .libgit2, function: "odb_pack", code: -1,
                           message: "packed object \(hex) is damaged (\(problem)); run git fsck")
    }
}

/// The bases delta chains were rebuilt from, by pack and offset, least recently used first out.
private final class DeltaBaseCache: Sendable {
    struct Entry {
        var content: [UInt8]
        var type: Int
        var lastUse: Int
        /// Handed out as a blob after its SHA-1 matched its name.
        var verified = false
        /// To be asked for again: evicted after every entry that is not.
        var pinned = false
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var bytes = 0
        var clock = 0
    }

    private let state = Locked(State())
    private let budget: Int

    init(budget: Int) {
        self.budget = budget
    }

    private static func key(_ pack: Int, _ offset: Int) -> Int { pack << 48 | offset }

    /// - Parameter readAgain: keep the entry pinned; otherwise a pinned entry is released by this read.
    func object(pack: Int, offset: Int, readAgain: Bool = false) -> Entry? {
        state.withLock { state in
            state.clock += 1
            let key = Self.key(pack, offset)
            guard state.entries[key] != nil else { return nil }
            state.entries[key]?.lastUse = state.clock
            state.entries[key]?.pinned = readAgain
            return state.entries[key]
        }
    }

    func markVerified(pack: Int, offset: Int) {
        state.withLock { $0.entries[Self.key(pack, offset)]?.verified = true }
    }

    func keep(_ base: ([UInt8], Int), pack: Int, offset: Int, pinned: Bool = false) {
        guard base.0.count <= budget / 4 else { return }
        state.withLock { state in
            state.clock += 1
            let key = Self.key(pack, offset)
            if state.entries[key] != nil {
                state.entries[key]?.lastUse = state.clock
                if pinned { state.entries[key]?.pinned = true }
                return
            }
            state.entries[key] = Entry(content: base.0, type: base.1, lastUse: state.clock, pinned: pinned)
            state.bytes += base.0.count
            guard state.bytes > budget else { return }
            // Evict the oldest quarter of the budget at once, so eviction's sort is paid rarely.
            let order = state.entries.sorted { ($0.value.pinned ? 1 : 0, $0.value.lastUse) < ($1.value.pinned ? 1 : 0, $1.value.lastUse) }
            for (key, entry) in order {
                guard state.bytes > budget * 3 / 4 else { break }
                state.entries[key] = nil
                state.bytes -= entry.content.count
            }
        }
    }
}
