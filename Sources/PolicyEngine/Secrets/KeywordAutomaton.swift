/// An Aho–Corasick automaton over ASCII-case-folded bytes that finds, in one pass, which rules'
/// keywords occur anywhere in a text.
///
/// The automaton is a full DFA, so scanning is one table lookup per byte. Each lookup depends on the
/// one before, so the scan waits for memory on every byte; three things shorten that wait: the columns
/// are byte classes rather than bytes (every byte in no keyword is one class, and the two cases of a
/// letter are one), which keeps the table a few hundred KiB instead of megabytes; an entry holds the
/// next state's row offset, so no multiplication sits between two lookups, and says whether that
/// state ends a keyword; and a long text is scanned as two halves in one loop, so two lookups are in
/// flight at once.
public struct KeywordAutomaton: Sendable {
    /// The class of each byte value; class 0 holds every byte that occurs in no keyword.
    private let byteClasses: [UInt8]
    private let classCount: Int
    /// `transitions[row + class]`, where `row` is a state's number times `classCount`, is the next
    /// state's row shifted left by one, with the low bit set when that state ends a keyword.
    private let transitions: [UInt32]
    /// The longest keyword, in bytes: how far before a split point the second half must start.
    private let longestKeyword: Int
    /// For state `s`, `outputRules[outputOffsets[s]..<outputOffsets[s + 1]]` are the rules whose keyword
    /// ends there (including through failure links).
    private let outputOffsets: [Int32]
    private let outputRules: [Int32]
    /// Number of rules the automaton was built for.
    public let ruleCount: Int

    /// Builds the automaton.
    /// - Parameter keywordsPerRule: for each rule index, its keywords (any case; ASCII letters are folded).
    public init(keywordsPerRule: [[String]]) {
        ruleCount = keywordsPerRule.count
        var goto: [[Int32]] = [Array(repeating: -1, count: 256)]
        var output: [[Int32]] = [[]]
        for (rule, keywords) in keywordsPerRule.enumerated() {
            for keyword in keywords where !keyword.isEmpty {
                var state = 0
                for byte in keyword.utf8.map(KeywordAutomaton.fold) {
                    let next = goto[state][Int(byte)]
                    if next >= 0 {
                        state = Int(next)
                    } else {
                        goto.append(Array(repeating: -1, count: 256))
                        output.append([])
                        goto[state][Int(byte)] = Int32(goto.count - 1)
                        state = goto.count - 1
                    }
                }
                if !output[state].contains(Int32(rule)) {
                    output[state].append(Int32(rule))
                }
            }
        }
        // Breadth-first: resolve missing transitions through failure links and merge outputs.
        var failure = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for byte in 0..<256 {
            let next = goto[0][byte]
            if next < 0 {
                goto[0][byte] = 0
            } else {
                failure[Int(next)] = 0
                queue.append(Int(next))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for byte in 0..<256 {
                let next = goto[state][byte]
                if next < 0 {
                    goto[state][byte] = goto[failure[state]][byte]
                } else {
                    let fail = Int(goto[failure[state]][byte])
                    failure[Int(next)] = fail
                    for rule in output[fail] where !output[Int(next)].contains(rule) {
                        output[Int(next)].append(rule)
                    }
                    queue.append(Int(next))
                }
            }
        }
        // Byte classes: one per folded byte that some keyword uses, and class 0 for all the others.
        var used = [Bool](repeating: false, count: 256)
        for keyword in keywordsPerRule.joined() {
            for byte in keyword.utf8 { used[Int(KeywordAutomaton.fold(byte))] = true }
        }
        let representatives = [-1] + (0..<256).filter { used[$0] }
        var classOfFolded = [UInt8](repeating: 0, count: 256)
        for (index, byte) in representatives.enumerated() where byte >= 0 {
            classOfFolded[byte] = UInt8(index)
        }
        let classes = (0..<256).map { classOfFolded[Int(KeywordAutomaton.fold(UInt8($0)))] }
        byteClasses = classes
        classCount = representatives.count
        var table: [UInt32] = []
        table.reserveCapacity(goto.count * representatives.count)
        for row in goto {
            for byte in representatives {
                // Every byte of class 0 occurs in no keyword, so from any state it leads back to the root.
                let next = byte < 0 ? 0 : Int(row[byte])
                table.append(UInt32(next * representatives.count) << 1 | (output[next].isEmpty ? 0 : 1))
            }
        }
        transitions = table
        longestKeyword = keywordsPerRule.joined().map(\.utf8.count).max() ?? 0
        var offsets: [Int32] = [0]
        for rules in output {
            offsets.append(offsets[offsets.count - 1] + Int32(rules.count))
        }
        outputOffsets = offsets
        outputRules = output.flatMap { $0 }
    }

    /// Marks in `hits` every rule whose keyword occurs in `text`.
    /// - Parameters:
    ///   - text: the bytes to search.
    ///   - hits: one flag per rule; flags already set stay set.
    /// - Returns: how many flags this call newly set.
    @discardableResult
    public func markRules(in text: UnsafeBufferPointer<UInt8>, hits: inout [Bool]) -> Int {
        var newlySet = 0
        forEachHit(in: text) { rule, _ in
            if !hits[rule] {
                hits[rule] = true
                newlySet += 1
            }
        }
        return newlySet
    }

    /// Texts shorter than this are scanned as one stream.
    static let splitThreshold = 4096

    /// Calls `body` with the rule index and the end offset (exclusive) of every keyword occurrence, in
    /// increasing order of end offset.
    public func forEachHit(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let count = text.count
        guard count >= Self.splitThreshold else {
            scan(text, from: 0, to: count, reportAfter: 0, body)
            return
        }
        // The second half starts early enough to see every keyword that ends after the middle; its hits
        // are held back so that all hits reach `body` in order.
        let middle = count / 2
        var secondHalf: [(rule: Int, end: Int)] = []
        scanTwo(text, first: 0..<middle, second: max(0, middle - longestKeyword)..<count, reportSecondAfter: middle,
                first: body, second: { secondHalf.append(($0, $1)) })
        for hit in secondHalf { body(hit.rule, hit.end) }
    }

    private func scan(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, reportAfter limit: Int,
                      _ body: (Int, Int) -> Void) {
        byteClasses.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { table in
                var row = 0
                var offset = start
                while offset < end {
                    let entry = table[row &+ Int(classes[Int(text[offset])])]
                    row = Int(entry &>> 1)
                    offset &+= 1
                    if entry & 1 != 0, offset > limit { emit(row: row, end: offset, body) }
                }
            }
        }
    }

    /// Two independent scans in one loop, so the processor overlaps their table lookups.
    private func scanTwo(_ text: UnsafeBufferPointer<UInt8>, first: Range<Int>, second: Range<Int>, reportSecondAfter limit: Int,
                         first firstBody: (Int, Int) -> Void, second secondBody: (Int, Int) -> Void) {
        var rowA = 0
        var rowB = 0
        var offsetA = first.lowerBound
        var offsetB = second.lowerBound
        byteClasses.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { table in
                let steps = min(first.count, second.count)
                for _ in 0..<steps {
                    let entryA = table[rowA &+ Int(classes[Int(text[offsetA])])]
                    let entryB = table[rowB &+ Int(classes[Int(text[offsetB])])]
                    rowA = Int(entryA &>> 1)
                    rowB = Int(entryB &>> 1)
                    offsetA &+= 1
                    offsetB &+= 1
                    if entryA & 1 != 0 { emit(row: rowA, end: offsetA, firstBody) }
                    if entryB & 1 != 0, offsetB > limit { emit(row: rowB, end: offsetB, secondBody) }
                }
                while offsetA < first.upperBound {
                    let entry = table[rowA &+ Int(classes[Int(text[offsetA])])]
                    rowA = Int(entry &>> 1)
                    offsetA &+= 1
                    if entry & 1 != 0 { emit(row: rowA, end: offsetA, firstBody) }
                }
                while offsetB < second.upperBound {
                    let entry = table[rowB &+ Int(classes[Int(text[offsetB])])]
                    rowB = Int(entry &>> 1)
                    offsetB &+= 1
                    if entry & 1 != 0, offsetB > limit { emit(row: rowB, end: offsetB, secondBody) }
                }
            }
        }
    }

    @inline(__always)
    private func emit(row: Int, end: Int, _ body: (Int, Int) -> Void) {
        let state = row / classCount
        for index in Int(outputOffsets[state])..<Int(outputOffsets[state &+ 1]) {
            body(Int(outputRules[index]), end)
        }
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
