import Testing
@testable import PolicyEngine

/// `InsertedLines`: the inserted lines of an edit that keeps every old line, or `nil` for any other edit.
@Suite struct InsertedLinesTests {
    private static func find(_ old: [UInt8], _ new: [UInt8]) -> [InsertedLines.Run]? {
        old.withUnsafeBufferPointer { old in new.withUnsafeBufferPointer { InsertedLines.find(old: old, new: $0) } }
    }

    /// Whether `old`'s lines appear in `new` in order (greedy matching decides it).
    private static func keepsEveryLine(_ old: [[UInt8]], _ new: [[UInt8]]) -> Bool {
        var next = 0
        for line in new where next < old.count && line == old[next] { next += 1 }
        return next == old.count
    }

    @Test(arguments: [
        ("a\nb\nc\n", "a\nX\nb\nY\nZ\nc\n", [(1, "X\n"), (3, "Y\nZ\n")]),
        ("a\nb", "a\nX\nb", [(1, "X\n")]),
        ("a\nb\n", "a\nb\nc", [(2, "c")]),
        ("", "a\nb\n", [(0, "a\nb\n")]),
        ("a\n", "a\n", []),
        // Among equal lines, the later ones count as inserted.
        ("a\na\n", "a\nb\na\na\n", [(1, "b\n"), (3, "a\n")]),
    ])
    func insertedRuns(old: String, new: String, expected: [(Int, String)]) throws {
        let newBytes = Array(new.utf8)
        let runs = try #require(Self.find(Array(old.utf8), newBytes))
        #expect(runs.map(\.firstLine) == expected.map(\.0))
        #expect(runs.map { String(decoding: newBytes[$0.bytes], as: UTF8.self) } == expected.map(\.1))
    }

    /// A removed line, a changed one, a last line that gained or lost its `\n`, a shorter new version.
    @Test(arguments: [("a\nb\nc\n", "a\nc\nX\n"), ("a\nb\n", "a\nB\nX\n"), ("a\nb", "a\nb\nX"), ("a\nb\n", "a\nXb"),
                      ("a\nb\nc\n", "a\nb\n"), ("a\nbc\n", "a\nb\nc\n")])
    func anyOtherEditIsNil(old: String, new: String) {
        #expect(Self.find(Array(old.utf8), Array(new.utf8)) == nil)
    }

    /// Random texts over a few distinct lines (so that inserted lines repeat old ones), with and
    /// without final newlines: `nil` exactly when the new version drops or reorders an old line, and
    /// otherwise runs whose removal leaves the old version, as few lines as the edit inserted.
    @Test func agreesWithALineLevelReferenceOnRandomEdits() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [[UInt8]] = ["a\n", "b\n", "a\n", "cc\n", "\n", "a\r\n"].map { Array($0.utf8) }
        for round in 0..<4000 {
            var old = (0..<Int.random(in: 0...12, using: &generator)).flatMap { _ in alphabet.randomElement(using: &generator)! }
            if round % 5 == 0, !old.isEmpty { old.removeLast() }
            var newLines = textLines(old)
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                let line = Array("\(["a", "b", "d", ""].randomElement(using: &generator)!)\n".utf8)
                newLines.insert(line, at: Int.random(in: 0...newLines.count, using: &generator))
            }
            if round % 3 == 0, !newLines.isEmpty { newLines.remove(at: Int.random(in: 0..<newLines.count, using: &generator)) }
            // A line without `\n` may only end the file.
            if let last = newLines.indices.dropLast().first(where: { newLines[$0].last != 0x0A }) { newLines[last].append(0x0A) }
            let new = newLines.flatMap { $0 }
            let oldLines = textLines(old), parsedNew = textLines(new)
            let runs = Self.find(old, new)
            #expect((runs != nil) == Self.keepsEveryLine(oldLines, parsedNew), "old \(old) new \(new)")
            guard let runs else { continue }
            var kept: [UInt8] = [], from = 0
            for run in runs {
                kept += new[from..<run.bytes.lowerBound]
                from = run.bytes.upperBound
                #expect(run.firstLine == textLines(Array(new[..<run.bytes.lowerBound])).count)
            }
            kept += new[from...]
            #expect(kept == old, "old \(old) new \(new)")
            #expect(runs.reduce(0) { $0 + textLines(Array(new[$1.bytes])).count } == parsedNew.count - oldLines.count)
        }
    }
}
