import Foundation

/// Evaluates a `rules: if:` expression the way GitLab does, with three outcomes: true, false, or
/// `nil` when a variable it needs is unknown or the expression uses what the gate does not evaluate.
///
/// Supported: `$VAR` / `${VAR}` (true when set and non-empty), `==` and `!=` against a quoted
/// string, `null` or another variable, `=~` and `!~` against `/regex/` (matched with PCRE2), `&&`
/// binding tighter than `||`, parentheses.
struct CIRuleExpression {
    /// Known variables; a name missing here is unset when `unsetIsKnown`, else unknown.
    var variables: [String: String]
    var unsetIsKnown: Bool

    enum Token: Equatable {
        case variable(String)
        case string(String)
        case null
        case regex(String, caseInsensitive: Bool)
        case op(String)
    }

    /// The outcome, or `nil` when it cannot be known.
    func evaluate(_ text: String) -> Bool? {
        guard let tokens = Self.tokens(text) else { return nil }
        var position = 0
        guard let result = parseOr(tokens, &position), position == tokens.count else { return nil }
        return result.value
    }

    struct Outcome { var value: Bool? }

    private func parseOr(_ tokens: [Token], _ position: inout Int) -> Outcome? {
        guard var left = parseAnd(tokens, &position) else { return nil }
        while position < tokens.count, tokens[position] == .op("||") {
            position += 1
            guard let right = parseAnd(tokens, &position) else { return nil }
            switch (left.value, right.value) {
            case (true, _), (_, true): left = Outcome(value: true)
            case (false, false): left = Outcome(value: false)
            default: left = Outcome(value: nil)
            }
        }
        return left
    }

    private func parseAnd(_ tokens: [Token], _ position: inout Int) -> Outcome? {
        guard var left = parsePrimary(tokens, &position) else { return nil }
        while position < tokens.count, tokens[position] == .op("&&") {
            position += 1
            guard let right = parsePrimary(tokens, &position) else { return nil }
            switch (left.value, right.value) {
            case (false, _), (_, false): left = Outcome(value: false)
            case (true, true): left = Outcome(value: true)
            default: left = Outcome(value: nil)
            }
        }
        return left
    }

    /// A value: `.some(nil)` is null/unset, `nil` unknown.
    private func value(_ token: Token) -> String?? {
        switch token {
        case .variable(let name):
            if let value = variables[name] { return .some(value) }
            return unsetIsKnown ? .some(nil) : nil
        case .string(let text): return .some(text)
        case .null: return .some(nil)
        default: return nil
        }
    }

    private func parsePrimary(_ tokens: [Token], _ position: inout Int) -> Outcome? {
        guard position < tokens.count else { return nil }
        if tokens[position] == .op("(") {
            position += 1
            guard let inner = parseOr(tokens, &position), position < tokens.count, tokens[position] == .op(")") else { return nil }
            position += 1
            return inner
        }
        let left = tokens[position]
        position += 1
        guard position < tokens.count, case .op(let op) = tokens[position], ["==", "!=", "=~", "!~"].contains(op) else {
            // A lone operand: true when set and not empty.
            guard case .variable = left else { return nil }
            guard let known = value(left) else { return Outcome(value: nil) }
            return Outcome(value: !(known ?? "").isEmpty)
        }
        position += 1
        guard position < tokens.count else { return nil }
        let right = tokens[position]
        position += 1
        if op == "=~" || op == "!~" {
            guard case .regex(let pattern, let caseless) = right else { return nil }
            guard let known = value(left) else { return Outcome(value: nil) }
            guard let regex = try? PCRE2Pattern(pattern, caseInsensitive: caseless), let matched = try? regex.matches(known ?? "") else {
                return Outcome(value: nil)
            }
            return Outcome(value: op == "=~" ? matched : !matched)
        }
        guard let lhs = value(left), let rhs = value(right) else { return Outcome(value: nil) }
        return Outcome(value: op == "==" ? lhs == rhs : lhs != rhs)
    }

    static func tokens(_ text: String) -> [Token]? {
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" || character == "\n" { index += 1; continue }
            if character == "$" {
                var start = index + 1
                var braced = false
                if start < characters.count, characters[start] == "{" { braced = true; start += 1 }
                var end = start
                while end < characters.count, ShellVariableSubstitution.isNameCharacter(characters[end]) { end += 1 }
                guard end > start else { return nil }
                tokens.append(.variable(String(characters[start..<end])))
                if braced {
                    guard end < characters.count, characters[end] == "}" else { return nil }
                    end += 1
                }
                index = end
                continue
            }
            if character == "\"" || character == "'" {
                guard let close = characters[(index + 1)...].firstIndex(of: character) else { return nil }
                tokens.append(.string(String(characters[(index + 1)..<close])))
                index = close + 1
                continue
            }
            if character == "/" {
                var end = index + 1
                while end < characters.count, characters[end] != "/" {
                    if characters[end] == "\\" { end += 1 }
                    end += 1
                }
                guard end < characters.count else { return nil }
                let pattern = String(characters[(index + 1)..<end])
                end += 1
                var caseless = false
                while end < characters.count, characters[end].isLetter {
                    if characters[end] == "i" { caseless = true } else { return nil }
                    end += 1
                }
                tokens.append(.regex(pattern, caseInsensitive: caseless))
                index = end
                continue
            }
            let two = index + 1 < characters.count ? String(characters[index...(index + 1)]) : ""
            if ["==", "!=", "=~", "!~", "&&", "||"].contains(two) {
                tokens.append(.op(two))
                index += 2
                continue
            }
            if character == "(" || character == ")" {
                tokens.append(.op(String(character)))
                index += 1
                continue
            }
            if text[text.index(text.startIndex, offsetBy: index)...].hasPrefix("null") {
                tokens.append(.null)
                index += 4
                continue
            }
            return nil
        }
        return tokens
    }
}
