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
struct KeywordAutomaton: Sendable {
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
    let ruleCount: Int

    /// Builds the automaton.
    /// - Parameter keywordsPerRule: for each rule index, its keywords (any case; ASCII letters are folded).
    init(keywordsPerRule: [[String]]) {
        ruleCount = keywordsPerRule.count
        // Byte classes first: one per folded byte that some keyword uses, and class 0 for all the
        // others. The trie and its failure links are then built over classes, not 256 byte values,
        // which makes building the built-in set several times cheaper (it is part of every stage's start).
        var used = [Bool](repeating: false, count: 256)
        for keyword in keywordsPerRule.joined() {
            for byte in keyword.utf8 { used[Int(KeywordAutomaton.fold(byte))] = true }
        }
        let representatives = (0..<256).filter { used[$0] }
        var classOfFolded = [UInt8](repeating: 0, count: 256)
        for (index, byte) in representatives.enumerated() {
            classOfFolded[byte] = UInt8(index + 1)
        }
        let classes = (0..<256).map { classOfFolded[Int(KeywordAutomaton.fold(UInt8($0)))] }
        let width = representatives.count + 1
        // `goto[state * width + class]`: the next state, or -1 where the trie has no edge.
        var goto = [Int32](repeating: -1, count: width)
        var output: [[Int32]] = [[]]
        for (rule, keywords) in keywordsPerRule.enumerated() {
            for keyword in keywords where !keyword.isEmpty {
                var state = 0
                for byte in keyword.utf8 {
                    let edge = state * width + Int(classes[Int(byte)])
                    if goto[edge] >= 0 {
                        state = Int(goto[edge])
                    } else {
                        goto.append(contentsOf: repeatElement(-1, count: width))
                        output.append([])
                        state = output.count - 1
                        goto[edge] = Int32(state)
                    }
                }
                if !output[state].contains(Int32(rule)) {
                    output[state].append(Int32(rule))
                }
            }
        }
        // Breadth-first: resolve missing transitions through failure links and merge outputs. Class 0
        // occurs in no keyword, so from every state it leads back to the root.
        var failure = [Int](repeating: 0, count: output.count)
        var queue: [Int] = []
        for column in 0..<width {
            let next = goto[column]
            if next <= 0 {
                goto[column] = 0
            } else {
                queue.append(Int(next))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for column in 0..<width {
                let next = goto[state * width + column]
                let viaFailure = goto[failure[state] * width + column]
                if next < 0 {
                    goto[state * width + column] = viaFailure
                } else {
                    failure[Int(next)] = Int(viaFailure)
                    for rule in output[Int(viaFailure)] where !output[Int(next)].contains(rule) {
                        output[Int(next)].append(rule)
                    }
                    queue.append(Int(next))
                }
            }
        }
        byteClasses = classes
        classCount = width
        transitions = goto.map { next in UInt32(Int(next) * width) << 1 | (output[Int(next)].isEmpty ? 0 : 1) }
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
    func markRules(in text: UnsafeBufferPointer<UInt8>, hits: inout [Bool]) -> Int {
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
    func forEachHit(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
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
