import Foundation
import Yams

/// GitLab's YAML loader (Psych) accepts several `<<` merge keys in one mapping and applies each in
/// turn; Yams refuses them as duplicate keys. Before parsing such a file, each block-mapping `<<` key
/// gets a distinct local tag, so Yams sees different keys and ``CIJobExtractor`` still reads them as
/// merges, in document order.
enum YAMLMergeKeys {
    /// The tag prefix given to rewritten merge keys; a file that already uses it is not rewritten.
    static let tagPrefix = "!policy-gate-merge-"

    /// Whether a mapping key is a merge key: the resolved `<<`, a quoted `"<<"` (Psych merges it too)
    /// or a key tagged by ``tagged(_:)``.
    static func isMergeKey(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        let tag = node.tag.rawValue
        if tag == Tag.Name.merge.rawValue || tag.hasPrefix(tagPrefix) { return true }
        return scalar.string == "<<" && (scalar.style == .singleQuoted || scalar.style == .doubleQuoted)
    }

    /// The text with each block-mapping `<<` key outside block scalars tagged with a distinct tag, or
    /// `nil` when nothing was rewritten.
    static func tagged(_ text: String) -> String? {
        guard !text.contains(tagPrefix) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blockIndent: Int?
        var count = 0
        for (offset, line) in lines.enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if let parent = blockIndent {
                if content.isEmpty || indent > parent { continue }
                blockIndent = nil
            }
            if startsBlockScalar(content) { blockIndent = indent }
            // `<<:` possibly after sequence dashes: `- <<: *a`.
            var rest = content
            var prefixLength = indent
            while rest.hasPrefix("- ") {
                let dash = rest.dropFirst(2)
                let spaces = dash.prefix { $0 == " " }.count
                prefixLength += 2 + spaces
                rest = dash.dropFirst(spaces)
            }
            for key in ["<<", "\"<<\"", "'<<'"] where rest.hasPrefix(key) {
                let after = rest.dropFirst(key.count).drop { $0 == " " }
                guard after.hasPrefix(":") else { continue }
                count += 1
                lines[offset] = String(line.prefix(prefixLength)) + "\(tagPrefix)\(count) " + rest
                break
            }
        }
        return count == 0 ? nil : lines.joined(separator: "\n")
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
