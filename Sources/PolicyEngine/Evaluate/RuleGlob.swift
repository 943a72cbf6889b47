import Foundation

/// A glob used inside permission rules: Bash command patterns, gitignore-style path patterns,
/// MCP tool names and domains. It can match a string, and it can decide (soundly, possibly missing
/// some true cases) whether one glob covers another and whether two globs can match a common string.
struct RuleGlob: Sendable, Hashable {
    /// One element of a glob.
    enum Token: Sendable, Hashable {
        /// One literal character.
        case literal(Character)
        /// `?` in a path pattern: one character other than `/`.
        case anyCharacter
        /// `*` in a path pattern: any run of characters without `/`.
        case anyInSegment
        /// `**` in a path pattern, or `*` in a command pattern: any run of characters.
        case anyString
        /// `[…]` in a path pattern: one character (never `/`) from a set.
        case characterClass(negated: Bool, body: String)

        var isStar: Bool {
            switch self {
            case .anyInSegment, .anyString: return true
            default: return false
            }
        }
    }

    var tokens: [Token]

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    // MARK: - Building

    /// A command pattern: every `*` matches any run of characters, spaces included.
    init(command pattern: String) {
        tokens = pattern.map { $0 == "*" ? .anyString : .literal($0) }
    }

    /// A literal string with no wildcards.
    init(literal text: String) {
        tokens = text.map { .literal($0) }
    }

    /// A gitignore-style path pattern: `**` any run, `*` any run without `/`, `?`, `[…]`, `\x`.
    init(path pattern: String) {
        let chars = Array(pattern)
        var result: [Token] = []
        var index = 0
        while index < chars.count {
            let char = chars[index]
            switch char {
            case "\\" where index + 1 < chars.count:
                result.append(.literal(chars[index + 1]))
                index += 2
            case "*":
                if index + 1 < chars.count, chars[index + 1] == "*" {
                    while index < chars.count, chars[index] == "*" { index += 1 }
                    result.append(.anyString)
                } else {
                    result.append(.anyInSegment)
                    index += 1
                }
            case "?":
                result.append(.anyCharacter)
                index += 1
            case "[":
                if let close = chars[(index + 1)...].dropFirst().firstIndex(of: "]") {
                    var body = String(chars[(index + 1)..<close])
                    var negated = false
                    if body.hasPrefix("!") || body.hasPrefix("^") {
                        negated = true
                        body.removeFirst()
                    }
                    result.append(.characterClass(negated: negated, body: body))
                    index = close + 1
                } else {
                    result.append(.literal("["))
                    index += 1
                }
            default:
                result.append(.literal(char))
                index += 1
            }
        }
        tokens = result
    }

    static func + (lhs: RuleGlob, rhs: RuleGlob) -> RuleGlob {
        RuleGlob(tokens: lhs.tokens + rhs.tokens)
    }

    // MARK: - Properties

    /// True when the glob is made only of wildcards and `/`, with at least one wildcard that can cross `/`
    /// or span a whole segment, i.e. it matches every path below its anchor.
    var isAllWildcards: Bool {
        guard tokens.contains(where: \.isStar) else { return false }
        return tokens.allSatisfy { token in
            if token.isStar { return true }
            if case .literal("/") = token { return true }
            return false
        }
    }

    /// True when the glob contains at least one wildcard token.
    var hasWildcard: Bool {
        tokens.contains { token in
            switch token {
            case .literal: return false
            default: return true
            }
        }
    }

    // MARK: - Matching

    /// Whether the glob matches the whole of `text`.
    func matches(_ text: String) -> Bool {
        let chars = Array(text)
        let width = chars.count + 1
        // reachable[j] is true when tokens[..<i] can match chars[..<j].
        var reachable = [Bool](repeating: false, count: width)
        reachable[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: width)
            switch token {
            case .anyString:
                var seen = false
                for j in 0..<width {
                    seen = seen || reachable[j]
                    next[j] = seen
                }
            case .anyInSegment:
                var seen = false
                for j in 0..<width {
                    if reachable[j] { seen = true }
                    next[j] = seen
                    if j < chars.count, chars[j] == "/" { seen = false }
                }
            default:
                for j in 0..<chars.count where reachable[j] && Self.single(token, accepts: chars[j]) {
                    next[j + 1] = true
                }
            }
            reachable = next
        }
        return reachable[chars.count]
    }

    static func single(_ token: Token, accepts char: Character) -> Bool {
        switch token {
        case .literal(let literal): return literal == char
        case .anyCharacter: return char != "/"
        case .characterClass(let negated, let body):
            guard char != "/" else { return false }
            return classContains(body, char) != negated
        case .anyInSegment, .anyString: return false
        }
    }

    static func classContains(_ body: String, _ char: Character) -> Bool {
        let members = Array(body)
        var index = 0
        while index < members.count {
            if index + 2 < members.count, members[index + 1] == "-" {
                if members[index] <= char && char <= members[index + 2] { return true }
                index += 3
            } else {
                if members[index] == char { return true }
                index += 1
            }
        }
        return false
    }

    // MARK: - Coverage

    /// Whether every string `other` matches is also matched by `self`. Sound: `true` is a proof;
    /// `false` may occasionally be returned for a true inclusion that this check cannot see.
    func covers(_ other: RuleGlob) -> Bool {
        let mine = tokens
        let theirs = other.tokens
        var memo: [Int: Bool] = [:]
        func cover(_ i: Int, _ j: Int) -> Bool {
            let key = i * (mine.count + 1) + j
            if let known = memo[key] { return known }
            var result = false
            if j == mine.count {
                result = i == theirs.count
            } else if mine[j].isStar {
                result = cover(i, j + 1)
                    || (i < theirs.count && Self.star(mine[j], absorbs: theirs[i]) && cover(i + 1, j))
            } else if i < theirs.count, !theirs[i].isStar, Self.single(theirs[i], isSubsetOf: mine[j]) {
                result = cover(i + 1, j + 1)
            }
            memo[key] = result
            return result
        }
        return cover(0, 0)
    }

    static func star(_ star: Token, absorbs token: Token) -> Bool {
        if case .anyString = star { return true }
        switch token {
        case .literal(let char): return char != "/"
        case .anyCharacter, .characterClass, .anyInSegment: return true
        case .anyString: return false
        }
    }

    static func single(_ inner: Token, isSubsetOf outer: Token) -> Bool {
        switch outer {
        case .literal(let char):
            return inner == .literal(char)
        case .anyCharacter:
            switch inner {
            case .literal(let char): return char != "/"
            case .anyCharacter, .characterClass: return true
            default: return false
            }
        case .characterClass:
            if inner == outer { return true }
            if case .literal(let char) = inner { return single(outer, accepts: char) }
            return false
        case .anyInSegment, .anyString:
            return false
        }
    }

    // MARK: - Intersection

    /// Whether some string is matched by both globs. Sound: `false` is a proof that none is.
    func intersects(_ other: RuleGlob) -> Bool {
        let left = tokens
        let right = other.tokens
        var memo: [Int: Bool] = [:]
        func meet(_ i: Int, _ j: Int) -> Bool {
            let key = i * (right.count + 1) + j
            if let known = memo[key] { return known }
            var result = false
            if i == left.count && j == right.count {
                result = true
            } else if i < left.count, left[i].isStar,
                      meet(i + 1, j) || (j < right.count && Self.star(left[i], canProduce: right[j]) && meet(i, j + 1)) {
                result = true
            } else if j < right.count, right[j].isStar,
                      meet(i, j + 1) || (i < left.count && Self.star(right[j], canProduce: left[i]) && meet(i + 1, j)) {
                result = true
            } else if i < left.count, j < right.count, !left[i].isStar, !right[j].isStar,
                      Self.overlap(left[i], right[j]) {
                result = meet(i + 1, j + 1)
            }
            memo[key] = result
            return result
        }
        return meet(0, 0)
    }

    static func star(_ star: Token, canProduce token: Token) -> Bool {
        if token.isStar { return true }
        if case .anyString = star { return true }
        if case .literal(let char) = token { return char != "/" }
        return true
    }

    static func overlap(_ lhs: Token, _ rhs: Token) -> Bool {
        switch (lhs, rhs) {
        case (.literal(let char), _): return single(rhs, accepts: char)
        case (_, .literal(let char)): return single(lhs, accepts: char)
        default: return true
        }
    }
}
