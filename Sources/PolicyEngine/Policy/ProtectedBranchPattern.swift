import Foundation

/// A protected-branch name or wildcard pattern with GitLab's semantics (`RefMatcher`).
///
/// A pattern without `*` matches only the identical branch name. A pattern with `*` is anchored at
/// both ends and each `*` matches any run of characters, `/` included, so `release/*` matches
/// `release/1.0` and `release/a/b`. Matching is case-sensitive; no other character is special.
public struct ProtectedBranchPattern: Sendable, Hashable, CustomStringConvertible, TextCodable {
    /// The pattern as written, e.g. `main` or `release/*`.
    public let pattern: String

    /// Creates a pattern.
    /// - Parameter pattern: A branch name or a pattern containing `*`.
    public init(_ pattern: String) {
        self.pattern = pattern
    }

    /// Whether the pattern contains a wildcard.
    var isWildcard: Bool { pattern.contains("*") }

    /// The pattern as written.
    public var description: String { pattern }

    /// Whether `branch` is matched by this pattern.
    /// - Parameter branch: A branch name without `refs/heads/`.
    /// - Returns: `true` for an exact match, or for a wildcard match of the whole name.
    @_spi(Fuzzing) public func matches(_ branch: String) -> Bool {
        guard isWildcard else { return branch == pattern }
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let name = Array(branch.unicodeScalars)
        guard let first = pieces.first, let last = pieces.last, name.count >= first.count + (pieces.count > 1 ? last.count : 0),
              name.starts(with: first) else { return false }
        var position = first.count
        for piece in pieces.dropFirst().dropLast() {
            guard let found = Self.find(piece, in: name, from: position, limit: name.count - last.count) else { return false }
            position = found + piece.count
        }
        return position <= name.count - last.count && name[(name.count - last.count)...].elementsEqual(last)
    }

    private static func find(_ piece: [Unicode.Scalar], in name: [Unicode.Scalar], from start: Int, limit: Int) -> Int? {
        if piece.isEmpty { return start }
        var index = start
        while index + piece.count <= limit {
            if name[index..<(index + piece.count)].elementsEqual(piece) { return index }
            index += 1
        }
        return nil
    }

    /// Written as its pattern.
    public var codingText: String { pattern }
}
