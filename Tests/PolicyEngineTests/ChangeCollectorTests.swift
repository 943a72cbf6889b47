import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// `addedLines` (a new file's content at once) cuts the same lines with the same numbers as feeding
/// the lines to `addedLine` one by one, whatever the fragment boundaries.
@Suite struct ChangeCollectorTests {
    /// Every line of every fragment with its number, and the file's counted lines.
    private func collect(_ content: [UInt8], fragmentLimit: Int, whole: Bool) throws -> (lines: [Line], counted: Int) {
        var lines: [Line] = []
        let collector = ChangeCollector(commit: nil, fragmentLimit: fragmentLimit) { fragment in
            for (offset, text) in fragment.bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                lines.append(Line(number: fragment.firstLine + offset, bytes: Array(text)))
            }
        }
        try collector.beginFile(ChangedFile(path: "new.txt", status: .added))
        try collector.beginHunk()
        try content.withUnsafeBufferPointer { buffer in
            if whole {
                try collector.addedLines(buffer, firstLine: 1)
            } else {
                try collector.addEachLine(of: buffer, firstLine: 1)
            }
        }
        try collector.endFile(isBinary: false)
        // Empty lines may be left out of a fragment; they hold nothing to scan.
        return (lines.filter { !$0.bytes.isEmpty }, collector.files.first?.addedLines ?? -1)
    }

    struct Line: Equatable {
        var number: Int
        var bytes: [UInt8]
    }

    @Test(arguments: [1, 7, 64, 4096])
    func wholeContentGivesTheSameLinesAsLineByLine(fragmentLimit: Int) throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            var content: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                content += (0..<Int.random(in: 0...150, using: &generator)).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
                content.append(0x0A)
            }
            if round % 3 == 0, !content.isEmpty { content.removeLast() }
            if round % 5 == 0 { content += [0x0A, 0x0A] }
            let whole = try collect(content, fragmentLimit: fragmentLimit, whole: true)
            let oneByOne = try collect(content, fragmentLimit: fragmentLimit, whole: false)
            #expect(whole.lines == oneByOne.lines)
            #expect(whole.counted == oneByOne.counted)
        }
    }

    @Test func aLineLongerThanTheLongLineLimitIsCutIntoOverlappingWindows() throws {
        let long = [UInt8](repeating: 0x61, count: ChangeCollector.longLineLimit + 10)
        let content = Array("first\n".utf8) + long + Array("\nlast\n".utf8)
        var fragments: [(firstLine: Int, count: Int)] = []
        let collector = ChangeCollector(commit: nil) { fragments.append(($0.firstLine, $0.bytes.count)) }
        try collector.beginFile(ChangedFile(path: "min.js", status: .added))
        try collector.beginHunk()
        try content.withUnsafeBufferPointer { try collector.addedLines($0, firstLine: 1) }
        try collector.endFile(isBinary: false)
        #expect(fragments.map(\.firstLine) == [1, 2, 2, 3])
        #expect(fragments[1].count == ChangeCollector.longLineLimit)
        #expect(fragments[2].count == 10 + ChangeCollector.longLineOverlap)
        #expect(collector.files.first?.addedLines == 3)
    }
}
