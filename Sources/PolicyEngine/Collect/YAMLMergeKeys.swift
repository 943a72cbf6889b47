import Foundation
import Yams

/// GitLab's YAML loader (Psych) accepts a key written twice in one mapping (the last value wins)
/// and several `<<` merge keys (each applied in turn); Yams refuses both as duplicate keys. Before
/// parsing such a file again, each block-mapping key Yams named as duplicated gets a distinct local
/// tag, so Yams sees different keys; ``CIJobExtractor`` reads tagged keys as what they were.
enum YAMLMergeKeys {
    /// The tag prefix given to rewritten merge keys; a file that already uses it is not rewritten.
    static let tagPrefix = "!policy-gate-merge-"
    /// The tag prefix given to other rewritten keys.
    static let keyTagPrefix = "!policy-gate-key-"

    /// Whether a key node was tagged by ``tagged(_:keys:)`` as a plain key.
    static func isRetaggedKey(_ node: Node) -> Bool {
        node.tag.rawValue.hasPrefix(keyTagPrefix)
    }

    /// Whether a mapping key is a merge key: the resolved `<<`, a quoted `"<<"` (Psych merges it too)
    /// or a key tagged by ``tagged(_:)``.
    static func isMergeKey(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        let tag = node.tag.rawValue
        if tag == Tag.Name.merge.rawValue || tag.hasPrefix(tagPrefix) { return true }
        return scalar.string == "<<" && (scalar.style == .singleQuoted || scalar.style == .doubleQuoted)
    }

    /// The text with each block-mapping key named in `keys` (outside block scalars) tagged with a
    /// distinct tag, or `nil` when nothing was rewritten.
    static func tagged(_ text: String, keys: Set<String>) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blockIndent: Int?
        // Earlier rounds' tags stay; numbering goes on after them.
        let earlier = text.components(separatedBy: "!policy-gate-").count - 1
        var count = earlier
        for (offset, line) in lines.enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if let parent = blockIndent {
                if content.isEmpty || indent > parent { continue }
                blockIndent = nil
            }
            if startsBlockScalar(content) { blockIndent = indent }
            // The key possibly after sequence dashes: `- <<: *a`.
            var rest = content
            var prefixLength = indent
            while rest.hasPrefix("- ") {
                let dash = rest.dropFirst(2)
                let spaces = dash.prefix { $0 == " " }.count
                prefixLength += 2 + spaces
                rest = dash.dropFirst(spaces)
            }
            guard let key = keyName(rest), keys.contains(key.name) else { continue }
            count += 1
            let tag = key.name == "<<" ? tagPrefix : keyTagPrefix
            lines[offset] = String(line.prefix(prefixLength)) + "\(tag)\(count) " + rest
        }
        return count == earlier ? nil : lines.joined(separator: "\n")
    }

    /// The key a line's content starts with (`name:`, `"name":`, `'name':`), unquoted.
    private static func keyName(_ content: Substring) -> (name: String, length: Int)? {
        if let quote = content.first, quote == "\"" || quote == "'" {
            guard let close = content.dropFirst().firstIndex(of: quote) else { return nil }
            let after = content[content.index(after: close)...].drop { $0 == " " }
            guard after.hasPrefix(":") else { return nil }
            return (String(content[content.index(after: content.startIndex)..<close]), 0)
        }
        guard let first = content.first, !"#&*!|>%@`[]{},-?".contains(first) || first == "-" && content.dropFirst().first != " " else {
            // `<<` starts with a character allowed here.
            return content.hasPrefix("<<") && content.dropFirst(2).drop { $0 == " " }.hasPrefix(":") ? ("<<", 2) : nil
        }
        // A plain key ends at the first `: ` or at a `:` ending the line.
        var index = content.startIndex
        while index < content.endIndex {
            if content[index] == ":" {
                let next = content.index(after: index)
                if next == content.endIndex || content[next] == " " {
                    let name = content[..<index].trimmingCharacters(in: .whitespaces)
                    return (name, 0)
                }
            }
            if content[index] == " " && content[content.index(after: index)...].hasPrefix("#") { return nil }
            index = content.index(after: index)
        }
        return nil
    }

    /// Whether a line's content ends with a block scalar indicator (`key: |`, `- >-`).
    private static func startsBlockScalar(_ content: Substring) -> Bool {
        var text = content
        if let hash = text.range(of: " #") { text = text[..<hash.lowerBound] }
        text = text.reversed().drop { $0 == " " }.reversed().map(String.init).joined()[...]
        let indicator = text.reversed().prefix { "+-0123456789".contains($0) }.count
        let body = text.dropLast(indicator)
        guard let last = body.last, last == "|" || last == ">" else { return false }
        let before = body.dropLast().last
        return before == nil || before == " "
    }
}
