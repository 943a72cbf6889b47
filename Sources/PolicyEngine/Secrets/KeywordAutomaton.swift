/// An Aho–Corasick automaton over ASCII-case-folded bytes that finds, in one pass, which rules'
/// keywords occur anywhere in a text.
///
/// The automaton is a full DFA (256 transitions per state), so scanning is one table lookup per byte.
public struct KeywordAutomaton: Sendable {
    private let transitions: [Int32]
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
        transitions = goto.flatMap { $0 }
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
        var state = 0
        transitions.withUnsafeBufferPointer { table in
            outputOffsets.withUnsafeBufferPointer { offsets in
                for byte in text {
                    state = Int(table[state &* 256 &+ Int(KeywordAutomaton.fold(byte))])
                    let lower = Int(offsets[state])
                    let upper = Int(offsets[state &+ 1])
                    if lower < upper {
                        for index in lower..<upper {
                            let rule = Int(outputRules[index])
                            if !hits[rule] {
                                hits[rule] = true
                                newlySet += 1
                            }
                        }
                    }
                }
            }
        }
        return newlySet
    }

    /// Calls `body` with the rule index and the end offset (exclusive) of every keyword occurrence.
    public func forEachHit(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var state = 0
        transitions.withUnsafeBufferPointer { table in
            outputOffsets.withUnsafeBufferPointer { offsets in
                outputRules.withUnsafeBufferPointer { rules in
                    for (offset, byte) in text.enumerated() {
                        state = Int(table[state &* 256 &+ Int(KeywordAutomaton.fold(byte))])
                        let lower = Int(offsets[state])
                        let upper = Int(offsets[state &+ 1])
                        if lower < upper {
                            for index in lower..<upper {
                                body(Int(rules[index]), offset + 1)
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
