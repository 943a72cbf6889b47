import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// Packs written byte by byte (`PackWriter`), holding what git never writes: the reader must fail with
/// an error or leave the object to libgit2, never crash, loop or allocate what a header claims.
@Suite struct HandBuiltPackTests {
    private static let base = Array((0..<40).map { "base line \($0)\n" }.joined().utf8)

    /// A delta that keeps the base and appends `tail`.
    private static func appending(_ tail: String, to base: [UInt8]) -> (delta: [UInt8], result: [UInt8]) {
        let result = base + Array(tail.utf8)
        return (DeltaBytes.delta(baseSize: base.count, resultSize: result.count,
                                 DeltaBytes.copy(offset: 0, length: base.count), DeltaBytes.insert(Array(tail.utf8))), result)
    }

    private static func read(_ writer: PackWriter, _ name: [UInt8]) throws -> [UInt8]? {
        let scratch = try ScratchDirectory()
        try writer.write(to: scratch.path + "/pack")
        return try PackObjectReader(objectsDirectory: scratch.path).blob(named: name)
    }

    private static func expectDamaged(_ writer: PackWriter, _ name: [UInt8], _ words: String) {
        #expect {
            _ = try read(writer, name)
        } throws: { error in
            let message = (error as? NativeError)?.message ?? ""
            return message.contains("damaged") && message.contains(words)
        }
    }

    @Test func aWellFormedHandBuiltPackReads() throws {
        var writer = PackWriter()
        let (delta, result) = Self.appending("one more\n", to: Self.base)
        writer.add(.blob(Self.base), name: blobName(Self.base))
        writer.add(.offsetDelta(baseEntry: 0, delta: delta), name: blobName(result))
        #expect(try Self.read(writer, blobName(result)) == result)
        #expect(try Self.read(writer, blobName(Self.base)) == Self.base)
    }

    @Test func offsetDeltasToThemselvesOrBeforeThePackAreErrors() throws {
        let (delta, result) = Self.appending("x\n", to: Self.base)
        for distance in [0, 20 + Self.base.count + 20, 1 << 40] {
            var writer = PackWriter()
            writer.add(.blob(Self.base), name: blobName(Self.base))
            writer.add(.rawOffsetDelta(distance: distance, delta: delta), name: blobName(result))
            Self.expectDamaged(writer, blobName(result), "base")
        }
        // A base offset in the middle of an entry reads garbage, which cannot match the name.
        var writer = PackWriter()
        writer.add(.blob(Self.base), name: blobName(Self.base))
        writer.add(.rawOffsetDelta(distance: 60, delta: delta), name: blobName(result))
        do {
            #expect(try Self.read(writer, blobName(result)) == nil)
        } catch {
            #expect("\(error)".contains("damaged"))
        }
    }

    @Test func aDeltaThatDoesNotFitItsBaseIsAnError() throws {
        let wrong = DeltaBytes.delta(baseSize: Self.base.count, resultSize: 10, DeltaBytes.copy(offset: Self.base.count - 5, length: 10))
        var writer = PackWriter()
        writer.add(.blob(Self.base), name: blobName(Self.base))
        writer.add(.offsetDelta(baseEntry: 0, delta: wrong), name: blobName(Array("0123456789".utf8)))
        Self.expectDamaged(writer, blobName(Array("0123456789".utf8)), "does not fit its base")
    }

    @Test func unknownTypesAndDataOtherThanDeclaredAreErrors() throws {
        let content = Array("hello\n".utf8)
        for body: PackWriter.Body in [.raw(type: 5, size: content.count, data: PackWriter.zlibStored(content)),
                                      .raw(type: 3, size: content.count - 1, data: PackWriter.zlibStored(content)),
                                      .raw(type: 3, size: content.count + 1, data: PackWriter.zlibStored(content)),
                                      .raw(type: 3, size: content.count, data: Array(PackWriter.zlibStored(content).dropLast(5)))] {
            var writer = PackWriter()
            writer.add(body, name: blobName(content))
            Self.expectDamaged(writer, blobName(content), "entr")
        }
    }

    /// A header may claim any size; one over the reader's limit goes to libgit2 without being allocated.
    @Test func aHugeDeclaredSizeIsLeftToLibgit2() throws {
        let content = Array("small\n".utf8)
        var writer = PackWriter()
        writer.add(.raw(type: 3, size: 1 << 40, data: PackWriter.zlibStored(content)), name: blobName(content))
        #expect(try Self.read(writer, blobName(content)) == nil)
        // The same for a delta whose result is declared huge.
        var deltaWriter = PackWriter()
        deltaWriter.add(.blob(Self.base), name: blobName(Self.base))
        deltaWriter.add(.raw(type: 6, size: 1 << 40, data: PackWriter.distance(deltaWriter.pack.count - 12) + PackWriter.zlibStored([1])),
                        name: blobName(content))
        #expect(try Self.read(deltaWriter, blobName(content)) == nil)
    }

    /// git caps chains at 4095 deltas; a longer one is libgit2's to read (or refuse).
    @Test func chainsUpToTheLimitReadAndLongerOnesAreLeftToLibgit2() throws {
        var writer = PackWriter()
        var content = Array("v\n".utf8)
        var names = [blobName(content)]
        writer.add(.blob(content), name: names[0])
        for step in 1...(PackObjectReader.maximumChain + 1) {
            let next = Self.appending("\(step)\n", to: content)
            content = next.result
            names.append(blobName(content))
            writer.add(.offsetDelta(baseEntry: step - 1, delta: next.delta), name: names[step])
        }
        let scratch = try ScratchDirectory()
        try writer.write(to: scratch.path + "/pack")
        let atLimit = try PackObjectReader(objectsDirectory: scratch.path, cacheBudget: 1).blob(named: names[PackObjectReader.maximumChain])
        #expect(atLimit.map { String(decoding: $0.suffix(5), as: UTF8.self) } == "4095\n")
        #expect(try PackObjectReader(objectsDirectory: scratch.path, cacheBudget: 1).blob(named: names.last ?? []) == nil)
    }

    /// Reference deltas that name each other in one pack, in a loop of one, two or more entries than
    /// the chain limit: an error, not `nil` (libgit2, which reads what the reader leaves, follows the
    /// loop until memory runs out).
    @Test(arguments: [1, 2, PackObjectReader.maximumChain + 10])
    func referenceDeltasThatLoopAreAnError(length: Int) throws {
        let (delta, _) = Self.appending("z\n", to: Self.base)
        let names = (0..<length).map { blobName(Array("ring \($0)\n".utf8)) }
        var ring = PackWriter()
        for (index, name) in names.enumerated() {
            ring.add(.referenceDelta(base: names[(index + 1) % length], delta: delta), name: name)
        }
        Self.expectDamaged(ring, names[0], "loops")
        // Ordering the reads walks the loop once for all the files on it.
        let scratch = try ScratchDirectory()
        try ring.write(to: scratch.path + "/pack")
        let reader = PackObjectReader(objectsDirectory: scratch.path)
        var roots: [Int: Int] = [:]
        #expect(reader.chainPosition(of: names[0], roots: &roots) == nil)
        let walked = roots.count
        #expect(walked == min(length, PackObjectReader.maximumChain + 1))
        #expect(reader.chainPosition(of: names[length - 1], roots: &roots) == nil)
        #expect(roots.count <= walked + 1)
    }

    /// Offsets from the index's 64-bit table: read when they point into the pack, refused otherwise.
    @Test func largeOffsetsAreReadAndCheckedAgainstThePack() throws {
        var writer = PackWriter()
        writer.add(.blob(Self.base), name: blobName(Self.base))
        for (large, expected) in [((0, 12), Self.base), ((1, 12), nil), ((1 << 20, 12), nil), ((0, 5), nil)] as [((Int, Int), [UInt8]?)] {
            let scratch = try ScratchDirectory()
            try writer.write(to: scratch.path + "/pack", largeOffsets: [(high: large.0, low: large.1)])
            #expect(try PackObjectReader(objectsDirectory: scratch.path).blob(named: blobName(Self.base)) == expected)
        }
    }

    /// A reference delta whose base is only in another pack: git calls such an object corrupt (a thin
    /// pack is completed with its bases appended), so the reader may refuse it; if it reads it, exactly.
    @Test func aReferenceDeltaToABaseInAnotherPackIsExactOrRefused() throws {
        let scratch = try ScratchDirectory()
        var one = PackWriter(), two = PackWriter()
        let (delta, result) = Self.appending("in the other pack\n", to: Self.base)
        one.add(.blob(Self.base), name: blobName(Self.base))
        two.add(.referenceDelta(base: blobName(Self.base), delta: delta), name: blobName(result))
        try one.write(to: scratch.path + "/pack")
        try two.write(to: scratch.path + "/pack")
        let read = try PackObjectReader(objectsDirectory: scratch.path).blob(named: blobName(result))
        #expect(read == nil || read == result)
    }

    /// Two packs whose reference deltas name each other's object: no recursion from pack to pack (it
    /// overflowed a reader thread's stack), the object is left to libgit2, which refuses it.
    @Test func referenceDeltasNamingEachOtherAcrossPacksAreLeftToLibgit2() throws {
        let (delta, result) = Self.appending("z\n", to: Self.base)
        let scratch = try ScratchDirectory()
        let first = blobName(result), second = blobName(Self.base)
        var one = PackWriter(), two = PackWriter()
        one.add(.referenceDelta(base: second, delta: delta), name: first)
        two.add(.referenceDelta(base: first, delta: delta), name: second)
        try one.write(to: scratch.path + "/pack")
        try two.write(to: scratch.path + "/pack")
        let reader = PackObjectReader(objectsDirectory: scratch.path)
        #expect(reader.packCount == 2)
        // On a thread with the scan's reader stack size.
        let outcome = Locked<Result<[UInt8]?, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.withLock { $0 = Result { try reader.blob(named: first) } }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
        let read = try #require(outcome.withLock { $0 })
        #expect(try read.get() == nil)
    }
}
