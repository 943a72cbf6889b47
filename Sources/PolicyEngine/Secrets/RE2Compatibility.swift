/// Rejects regex constructs that PCRE2 accepts but RE2 (gitleaks' engine) does not, so that a rule file
/// that loads here also loads in gitleaks and means the same thing.
enum RE2Compatibility {
    /// The reason the pattern is not RE2-compatible, with its byte offset, or `nil` when it is fine.
    static func problem(in pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        var index = 0
        var inClass = false
        func at(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                if !inClass, let next = at(index + 1) {
                    switch next {
                    case UInt8(ascii: "1")...UInt8(ascii: "9"):
                        return "backreferences are not supported by RE2 (offset \(index))"
                    case UInt8(ascii: "Z"), UInt8(ascii: "G"), UInt8(ascii: "K"), UInt8(ascii: "h"), UInt8(ascii: "R"),
                         UInt8(ascii: "X"):
                        return "'\\\(Character(Unicode.Scalar(next)))' is not supported by RE2 (offset \(index))"
                    default: break
                    }
                }
                index += 2
                continue
            }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "["):
                inClass = true
                // A `]` right after `[` or `[^` is a literal member.
                if at(index + 1) == UInt8(ascii: "^") { index += 1 }
                if at(index + 1) == UInt8(ascii: "]") { index += 1 }
            case UInt8(ascii: "("):
                if at(index + 1) == UInt8(ascii: "?") {
                    let kind = at(index + 2)
                    if kind == UInt8(ascii: "=") || kind == UInt8(ascii: "!") {
                        return "lookahead is not supported by RE2 (offset \(index))"
                    }
                    if kind == UInt8(ascii: "<"), let after = at(index + 3), after == UInt8(ascii: "=") || after == UInt8(ascii: "!") {
                        return "lookbehind is not supported by RE2 (offset \(index))"
                    }
                    if kind == UInt8(ascii: ">") {
                        return "atomic groups are not supported by RE2 (offset \(index))"
                    }
                    if kind == UInt8(ascii: "(") || kind == UInt8(ascii: "R") || kind == UInt8(ascii: "&")
                        || (kind.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false) {
                        return "conditionals and recursion are not supported by RE2 (offset \(index))"
                    }
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "}"):
                if at(index + 1) == UInt8(ascii: "+"), index > 0 {
                    return "possessive quantifiers are not supported by RE2 (offset \(index + 1))"
                }
            case UInt8(ascii: "{"):
                if let bound = repetitionBound(bytes, from: index), bound > 1000 {
                    return "repetition count \(bound) is over RE2's limit of 1000 (offset \(index))"
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The largest number in a `{n}`, `{n,}` or `{n,m}` quantifier starting at `start`.
    private static func repetitionBound(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        var numbers: [Int] = []
        var current: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                current = min(1_000_000, (current ?? 0) * 10 + Int(byte - UInt8(ascii: "0")))
            } else if byte == UInt8(ascii: ",") {
                guard let value = current else { return nil }
                numbers.append(value)
                current = nil
            } else if byte == UInt8(ascii: "}") {
                if let value = current { numbers.append(value) }
                return numbers.max()
            } else {
                return nil
            }
            index += 1
        }
        return nil
    }
}
