import Foundation

/// A path pattern with gitignore semantics, for `workspace.protected` and `workspace.writable`.
///
/// A pattern without a `/` (other than a trailing one) matches a name at any depth; one with a `/`
/// is anchored at the repository root. `*` and `?` stay within one path segment, `**` spans
/// segments, and a pattern that matches a folder also matches everything inside it.
/// A leading `!` negates the pattern inside a `WorkspaceGlobList`.
public struct WorkspaceGlob: Sendable {
    /// The pattern as written.
    public let text: String
    /// Whether it was written with a leading `!`.
    let isNegated: Bool
    private let regex: PCRE2Pattern

    /// Compiles a pattern.
    /// - Parameter caseInsensitive: Whether `A` matches `a` too (for protected paths: a checkout on a
    ///   case-insensitive file system honours `.Claude/settings.json` as `.claude/settings.json`).
    /// - Throws: `NativeError` if the translated pattern does not compile (an unbalanced `[`).
    public init(_ text: String, caseInsensitive: Bool = false) throws(NativeError) {
        self.text = text
        var pattern = Substring(text)
        isNegated = pattern.hasPrefix("!")
        if isNegated { pattern = pattern.dropFirst() }
        if pattern.hasSuffix("/") { pattern = pattern.dropLast() }
        let anchored = pattern.hasPrefix("/") || pattern.contains("/")
        if pattern.hasPrefix("/") { pattern = pattern.dropFirst() }
        regex = try PCRE2Pattern("^" + (anchored ? "" : "(?:.*/)?") + WorkspaceGlob.translate(pattern) + "(?:/.*)?$",
                                 caseInsensitive: caseInsensitive)
    }

    /// Whether a repository-relative path matches.
    @_spi(Fuzzing) public func matches(_ path: String) -> Bool {
        // A glob translated by `translate` has no unbounded nesting, so a limit error cannot happen;
        // if it ever did, treating the path as matching is the safe side for both lists.
        (try? regex.matches(path)) ?? true
    }

    static func translate(_ glob: Substring) -> String {
        var out = ""
        let characters = Array(glob)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    let followedBySlash = index + 2 < characters.count && characters[index + 2] == "/"
                    out += followedBySlash ? "(?:.*/)?" : ".*"
                    index += followedBySlash ? 3 : 2
                    continue
                }
                out += "[^/]*"
            case "?":
                out += "[^/]"
            case "[":
                if let close = characters[(index + 1)...].firstIndex(of: "]"), close > index + 1 {
                    var body = String(characters[(index + 1)..<close])
                    if body.hasPrefix("!") { body = "^" + body.dropFirst() }
                    out += "[" + body.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    index = close + 1
                    continue
                }
                out += "\\["
            case "\\":
                if index + 1 < characters.count {
                    out += escape(characters[index + 1])
                    index += 2
                    continue
                }
                out += "\\\\"
            default:
                out += escape(character)
            }
            index += 1
        }
        return out
    }

    private static func escape(_ character: Character) -> String {
        "\\^$.|?*+()[]{}/".contains(character) ? "\\" + String(character) : String(character)
    }
}

/// An ordered list of globs where the last matching pattern decides, and `!pattern` un-matches.
public struct WorkspaceGlobList: Sendable {
    /// The patterns in order.
    public let patterns: [WorkspaceGlob]

    /// Creates a list.
    public init(_ patterns: [WorkspaceGlob]) {
        self.patterns = patterns
    }

    /// The pattern that decides for `path` when it matches (not negated), else `nil`.
    func match(_ path: String) -> WorkspaceGlob? {
        for pattern in patterns.reversed() where pattern.matches(path) {
            return pattern.isNegated ? nil : pattern
        }
        return nil
    }
}
