import Foundation

/// Shell variables whose values are known from assignments made earlier in the same command
/// (`C=curl; $C …`), used to read a word as the shell would expand it.
struct ShellVariables: Sendable {
    /// Assigned variables: a known value, or `nil` when assigned something that cannot be known here.
    private(set) var values: [String: String?] = [:]
    /// The home directory, for `$HOME`, when known.
    var home: String?

    /// Records `name=value` (`value` is `nil` when it cannot be known).
    mutating func assign(_ name: String, _ value: String?) {
        values[name] = .some(value)
    }

    /// The known value of a variable, if any.
    func value(of name: String) -> String? {
        if let assigned = values[name] { return assigned }
        if name == "HOME" { return home }
        return nil
    }

    /// A word's text after parameter expansion, when every expansion in it is a variable with
    /// a known value; `nil` when any part (a command substitution, `$1`, an unknown variable)
    /// cannot be known.
    func expand(_ word: ShellSyntax.Word) -> String? {
        if word.isLiteral { return word.text }
        guard word.substitutions.isEmpty, word.processSubstitutions.isEmpty else { return nil }
        let bytes = Array(word.text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "`") { return nil }
            guard byte == UInt8(ascii: "$") else {
                output.append(byte)
                index += 1
                continue
            }
            var nameStart = index + 1
            var braced = false
            if nameStart < bytes.count, bytes[nameStart] == UInt8(ascii: "{") {
                braced = true
                nameStart += 1
            }
            var nameEnd = nameStart
            while nameEnd < bytes.count, Self.isNameByte(bytes[nameEnd], first: nameEnd == nameStart) { nameEnd += 1 }
            guard nameEnd > nameStart else {
                // `$` before something that is not a name: `$(`, `$1`, `$@` cannot be known; a lone `$` is text.
                if nameStart >= bytes.count || bytes[nameStart] == 0x20 { output.append(byte); index += 1; continue }
                return nil
            }
            if braced {
                guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "}") else { return nil }
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            guard let value = value(of: name) else { return nil }
            output += Array(value.utf8)
            index = braced ? nameEnd + 1 : nameEnd
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The words the shell would make of `word`: expanded, and split on blanks when unquoted.
    /// `nil` when the expansion cannot be known.
    func fields(of word: ShellSyntax.Word) -> [ShellSyntax.Word]? {
        guard !word.isLiteral else { return [word] }
        guard let text = expand(word) else { return nil }
        var literal = word
        literal.isLiteral = true
        literal.substitutions = []
        literal.processSubstitutions = []
        guard !word.wasQuoted else {
            literal.text = text
            return [literal]
        }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { part in
            var field = literal
            field.text = String(part)
            return field
        }
    }

    private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        let letter = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
        return letter || (!first && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// The names an arithmetic expression can read: every identifier in `text`.
    static func identifiers(in text: String) -> [String] {
        var names: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            if isNameByte(byte, first: current.isEmpty) {
                current.append(byte)
            } else {
                if !current.isEmpty { names.append(String(decoding: current, as: UTF8.self)) }
                current = []
            }
        }
        if !current.isEmpty { names.append(String(decoding: current, as: UTF8.self)) }
        return names
    }
}
