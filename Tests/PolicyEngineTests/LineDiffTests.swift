import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// The shared start and end of two versions (`CommonLines`) and the Myers diff of what lies between (`LineDiff`).
@Suite struct LineDiffTests {
    private static func common(_ old: String, _ new: String) -> CommonLines {
        Array(old.utf8).withUnsafeBufferPointer { old in Array(new.utf8).withUnsafeBufferPointer { CommonLines(old: old, new: $0) } }
    }

    @Test(arguments: [
        ("a\nb\n", "a\nb\n", CommonLines(leadingLines: 2, leadingBytes: 4, trailingBytes: 0)),
        ("a\nb", "a\nb", CommonLines(leadingLines: 1, leadingBytes: 3, trailingBytes: 0)),
        ("", "a\n", CommonLines(leadingLines: 0, leadingBytes: 0, trailingBytes: 0)),
        ("a\n", "", CommonLines(leadingLines: 0, leadingBytes: 0, trailingBytes: 0)),
        ("a\nb", "a\nb\n", CommonLines(leadingLines: 1, leadingBytes: 2, trailingBytes: 0)),
        ("a\nb\n", "a\nb", CommonLines(leadingLines: 1, leadingBytes: 2, trailingBytes: 0)),
        ("a\r\nb\r\nc\r\n", "a\r\nX\r\nc\r\n", CommonLines(leadingLines: 1, leadingBytes: 3, trailingBytes: 3)),
        ("a\r\nb\r\n", "a\nb\n", CommonLines(leadingLines: 0, leadingBytes: 0, trailingBytes: 0)),
        ("abc\nhello world\n", "abc\nhello there\n", CommonLines(leadingLines: 1, leadingBytes: 4, trailingBytes: 0)),
        ("x\nab\n", "y\nb\n", CommonLines(leadingLines: 0, leadingBytes: 0, trailingBytes: 0)),
        ("a\na\n", "a\n", CommonLines(leadingLines: 1, leadingBytes: 2, trailingBytes: 0)),
        ("a\nb\na\n", "a\nb\nb\na\n", CommonLines(leadingLines: 2, leadingBytes: 4, trailingBytes: 2)),
        ("same\nend", "new\nsame\nend", CommonLines(leadingLines: 0, leadingBytes: 0, trailingBytes: 8)),
    ])
    func sharedLinesAtBothEnds(old: String, new: String, expected: CommonLines) {
        #expect(Self.common(old, new) == expected)
    }

    /// Against a line-by-line reference on random texts over a few lines, with and without final newlines.
    @Test func sharedLinesEqualALineByLineReference() {
        var random = SeededRandom(seed: 7)
        let pieces = ["a\n", "b\n", "a\r\n", "ab\n", "\n", "b"]
        for _ in 0..<3000 {
            let old = Array((0..<random.below(7)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8)
            let new = Array((0..<random.below(7)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8)
            let found = old.withUnsafeBufferPointer { old in new.withUnsafeBufferPointer { CommonLines(old: old, new: $0) } }
            let oldLines = textLines(old), newLines = textLines(new)
            let leading = zip(oldLines, newLines).prefix { $0 == $1 }.count
            let trailing = zip(oldLines.dropFirst(leading).reversed(), newLines.dropFirst(leading).reversed()).prefix { $0 == $1 }.count
            let expected = CommonLines(leadingLines: old.prefix(found.leadingBytes).filter { $0 == 0x0A }.count,
                                       leadingBytes: oldLines.prefix(leading).joined().count,
                                       trailingBytes: oldLines.suffix(trailing).joined().count)
            #expect(found == expected, "\(String(decoding: old, as: UTF8.self).debugDescription) \(String(decoding: new, as: UTF8.self).debugDescription)")
        }
    }

    private static func hunks(_ old: [UInt8], _ new: [UInt8], maximumEdits: Int = 1000) -> [LineDiff.Hunk]? {
        old.withUnsafeBufferPointer { old in new.withUnsafeBufferPointer { LineDiff.hunks(old: old, new: $0, maximumEdits: maximumEdits) } }
    }

    private static func longestCommonSubsequence(_ first: [[UInt8]], _ second: [[UInt8]]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: second.count + 1), count: first.count + 1)
        for i in first.indices.reversed() {
            for j in second.indices.reversed() {
                table[i][j] = first[i] == second[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    /// A correct edit script: the lines outside the hunks are equal pairs, in order. Without anchors
    /// (no line found once in each version) it is Myers' alone, and shortest; with them, never shorter
    /// than shortest, of course.
    @Test func hunksAreACorrectEditScriptAndShortestWithoutAnchors() throws {
        var random = SeededRandom(seed: 11)
        let pieces = ["a\n", "b\n", "c\n", "a\r\n", "\n", "}\n"]
        for _ in 0..<2000 {
            var old = (0..<random.below(12)).map { _ in pieces[random.below(pieces.count)] }.joined()
            var new = (0..<random.below(12)).map { _ in pieces[random.below(pieces.count)] }.joined()
            if random.below(4) == 0 { old += "a" }
            if random.below(4) == 0 { new += "a" }
            let oldLines = textLines(Array(old.utf8)), newLines = textLines(Array(new.utf8))
            let hunks = try #require(Self.hunks(Array(old.utf8), Array(new.utf8)))
            let edits = hunks.reduce(0) { $0 + $1.oldCount + $1.newCount }
            let shortest = oldLines.count + newLines.count - 2 * Self.longestCommonSubsequence(oldLines, newLines)
            let anchored = Array(old.utf8).withUnsafeBufferPointer { oldBuffer in
                Array(new.utf8).withUnsafeBufferPointer { !LineDiff.anchors(LineDiff.Lines(oldBuffer), LineDiff.Lines($0)).isEmpty }
            }
            if anchored {
                #expect(edits >= shortest)
            } else {
                #expect(edits == shortest, "\(old.debugDescription) -> \(new.debugDescription)")
            }
            var oldKept: [[UInt8]] = [], newKept: [[UInt8]] = []
            var oldPosition = 0, newPosition = 0
            for hunk in hunks {
                #expect(hunk.oldStart >= oldPosition && hunk.newStart >= newPosition && hunk.oldStart - oldPosition == hunk.newStart - newPosition)
                oldKept += oldLines[oldPosition..<hunk.oldStart]
                newKept += newLines[newPosition..<hunk.newStart]
                oldPosition = hunk.oldStart + hunk.oldCount
                newPosition = hunk.newStart + hunk.newCount
            }
            oldKept += oldLines[min(oldPosition, oldLines.count)...]
            newKept += newLines[min(newPosition, newLines.count)...]
            #expect(oldKept == newKept, "\(old.debugDescription) -> \(new.debugDescription)")
        }
    }

    @Test func moreEditsThanTheLimitIsNil() {
        let old = Array((0..<10).map { "old \($0)\n" }.joined().utf8), new = Array((0..<10).map { "new \($0)\n" }.joined().utf8)
        #expect(Self.hunks(old, new, maximumEdits: 19) == nil)
        #expect(Self.hunks(old, new, maximumEdits: 20) == [LineDiff.Hunk(oldStart: 0, oldCount: 10, newStart: 0, newCount: 10)])
    }

    /// Many gaps that each need a search: together they may cost no more than one gap at the limit,
    /// or a file shaped into thousands of hard gaps would make the diff quadratic.
    @Test func theSearchesOfAllGapsShareOneBudget() {
        func versions(gaps: Int) -> ([UInt8], [UInt8]) {
            var old = "", new = ""
            for gap in 0..<gaps {
                old += "anchor \(gap)\n" + (0..<3).map { "old \(gap) \($0)\n" }.joined()
                new += "anchor \(gap)\n" + (0..<3).map { "new \(gap) \($0)\n" }.joined()
            }
            return (Array(old.utf8), Array(new.utf8))
        }
        // Each gap replaces 3 lines: 6 edits, a search of 36 steps; the budget is 20 × 20 = 400.
        let few = versions(gaps: 10), many = versions(gaps: 20)
        let hunks = Self.hunks(few.0, few.1, maximumEdits: 20)
        #expect(hunks?.count == 10)
        #expect(hunks?.allSatisfy { $0.oldCount == 3 && $0.newCount == 3 } == true)
        #expect(Self.hunks(many.0, many.1, maximumEdits: 20) == nil)
        #expect(Self.hunks(many.0, many.1, maximumEdits: 40)?.count == 20)
    }

    /// An inserted copy of a neighbouring line is numbered as the later one, as git numbers it.
    @Test func insertedLinesSlideDownOverEqualLines() {
        #expect(Self.hunks(Array("x\ny\n".utf8), Array("x\ny\ny\n".utf8)) == [LineDiff.Hunk(oldStart: 2, oldCount: 0, newStart: 2, newCount: 1)])
    }
}

/// SplitMix64, so that random tests repeat.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ value >> 30) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ value >> 27) &* 0x94D0_49BB_1331_11EB
        return value ^ value >> 31
    }

    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
}
