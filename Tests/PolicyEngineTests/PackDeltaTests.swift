import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// git's delta format on hand-made deltas: a delta that does not fit is `nil`, never a crash or a guess.
@Suite struct PackDeltaTests {
    private static let base: [UInt8] = (0..<0x18000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
    private static let limit = 1 << 20

    @Test func copiesAndInsertsBuildTheResult() {
        let delta = DeltaBytes.delta(baseSize: Self.base.count, resultSize: 0x10000 + 3 + 5,
                                     DeltaBytes.copy(offset: 0x100, length: 0x10000), DeltaBytes.insert([1, 2, 3]),
                                     DeltaBytes.copy(offset: 0, length: 5))
        let expected = Array(Self.base[0x100..<0x10100]) + [1, 2, 3] + Array(Self.base[0..<5])
        #expect(PackDelta.apply(delta, to: Self.base, maximumSize: Self.limit) == expected)
    }

    /// A copy whose size bytes are all absent copies 64 KiB; at the end of the base it must still fit.
    @Test func aSizeOfZeroIs64KiBAndMustFitTheBase() {
        let fits = DeltaBytes.delta(baseSize: Self.base.count, resultSize: 0x10000, [0x81, 0x01])
        #expect(PackDelta.apply(fits, to: Self.base, maximumSize: Self.limit) == Array(Self.base[1..<0x10001]))
        let past = DeltaBytes.delta(baseSize: Self.base.count, resultSize: 0x10000, DeltaBytes.copy(offset: 0x9000, length: 0x10000))
        #expect(PackDelta.apply(past, to: Self.base, maximumSize: Self.limit) == nil)
    }

    @Test(arguments: [
        ("copy past the base", DeltaBytes.delta(baseSize: 100, resultSize: 10, DeltaBytes.copy(offset: 95, length: 10))),
        ("offset past the base", DeltaBytes.delta(baseSize: 100, resultSize: 1, DeltaBytes.copy(offset: 0x0100_0000, length: 1))),
        ("result shorter than declared", DeltaBytes.delta(baseSize: 100, resultSize: 11, DeltaBytes.copy(offset: 0, length: 10))),
        ("result longer than declared", DeltaBytes.delta(baseSize: 100, resultSize: 9, DeltaBytes.copy(offset: 0, length: 10))),
        ("insert longer than declared", DeltaBytes.delta(baseSize: 100, resultSize: 2, DeltaBytes.insert([1, 2, 3]))),
        ("instruction 0", DeltaBytes.delta(baseSize: 100, resultSize: 1, [0], DeltaBytes.insert([1]))),
        ("wrong base size", DeltaBytes.delta(baseSize: 99, resultSize: 1, DeltaBytes.insert([1]))),
        ("insert past the delta", DeltaBytes.delta(baseSize: 100, resultSize: 5, [5, 1, 2])),
        ("copy operands past the delta", DeltaBytes.delta(baseSize: 100, resultSize: 5, [0x91, 0])),
        ("no sizes", [0x80]),
        ("over the limit", DeltaBytes.delta(baseSize: 100, resultSize: (1 << 20) + 1, DeltaBytes.copy(offset: 0, length: 1))),
        ("size of 2^63", [100] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ])
    func aDeltaThatDoesNotFitIsNil(problem: String, delta: [UInt8]) {
        #expect(PackDelta.apply(delta, to: Array(Self.base.prefix(100)), maximumSize: Self.limit) == nil, "\(problem)")
    }

    @Test func anEmptyResultFromAnEmptyDeltaBody() {
        #expect(PackDelta.apply(DeltaBytes.delta(baseSize: 0, resultSize: 0), to: [], maximumSize: Self.limit) == [])
    }
}
