import Foundation

/// A Claude Code permission mode, as given to `--permission-mode` or `permissions.defaultMode`.
///
/// `manual` (an alias added in v2.1.200) is read as ``default``. Values Claude Code does not know are
/// kept as ``unknown(_:)`` with the text as given, so a policy can name and reject them.
public enum PermissionMode: Sendable, Hashable, CustomStringConvertible, Codable {
    /// Reads and built-in read-only commands run; anything else that would prompt is denied in `-p`.
    case `default`
    /// Adds file edits and basic filesystem commands inside the working directories.
    case acceptEdits
    /// Reads and read-only commands only; edits are blocked.
    case plan
    /// A classifier model decides each action.
    case auto
    /// Only allow-rule matches, read-only commands and hook-approved calls run; everything else is denied.
    case dontAsk
    /// Everything runs; allow rules have no effect, deny rules still apply.
    case bypassPermissions
    /// A value Claude Code does not know, kept as given.
    case unknown(String)

    /// Every mode Claude Code knows, in the documented order.
    static let knownModes: [PermissionMode] = [.default, .acceptEdits, .plan, .auto, .dontAsk, .bypassPermissions]

    /// Reads a mode from its command-line or settings spelling.
    /// - Parameter text: The value, e.g. `acceptEdits` or `manual`; surrounding whitespace is ignored.
    public init(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch trimmed {
        case "default", "manual": self = .default
        case "acceptEdits": self = .acceptEdits
        case "plan": self = .plan
        case "auto": self = .auto
        case "dontAsk": self = .dontAsk
        case "bypassPermissions": self = .bypassPermissions
        default: self = .unknown(trimmed)
        }
    }

    /// The canonical spelling (`default` for `manual`; the original text for unknown values).
    public var name: String {
        switch self {
        case .default: return "default"
        case .acceptEdits: return "acceptEdits"
        case .plan: return "plan"
        case .auto: return "auto"
        case .dontAsk: return "dontAsk"
        case .bypassPermissions: return "bypassPermissions"
        case .unknown(let text): return text
        }
    }

    /// Whether Claude Code knows this mode.
    var isKnown: Bool {
        if case .unknown = self { return false }
        return true
    }

    /// The canonical spelling, as ``name``.
    public var description: String { name }

    /// Decodes a mode from a single string.
    /// - Parameter decoder: The decoder to read from.
    /// - Throws: A `DecodingError` when the value is not a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(parsing: try container.decode(String.self))
    }

    /// Encodes the mode as its canonical spelling.
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: An `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
