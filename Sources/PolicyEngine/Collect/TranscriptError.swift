import Foundation

/// Why a transcript could not be read at all.
///
/// Thrown only when nothing usable is left; a partly readable transcript is returned with
/// `problems` instead. Messages name the file, the line and the reason, never transcript
/// content, which may hold secrets. Callers map any of these to exit code 2.
public enum TranscriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The input is larger than the size limit.
    case tooLarge(file: String, limit: Int)
    /// The input is empty or whitespace only.
    case empty(file: String)
    /// The input is not UTF-8 text (for example UTF-16, or binary).
    case notUTF8(file: String, reason: String)
    /// The input is not JSON, JSON Lines or a JSON array of events.
    case notJSON(file: String, line: Int, reason: String)
    /// The input parsed, but not one event in it could be used.
    case noUsableEvents(file: String, reason: String)

    /// The file or label the error is about.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .tooLarge(let file, _), .empty(let file),
             .notUTF8(let file, _), .notJSON(let file, _, _), .noUsableEvents(let file, _):
            return file
        }
    }

    /// The 1-based line the error is about, when there is one.
    var line: Int? {
        if case .notJSON(_, let line, _) = self { return line }
        return nil
    }

    /// What went wrong, without transcript content.
    var reason: String {
        switch self {
        case .unreadable(_, let reason):
            return "cannot read transcript: \(reason)"
        case .tooLarge(_, let limit):
            return "transcript is larger than the limit of \(limit) bytes"
        case .empty:
            return "transcript is empty"
        case .notUTF8(_, let reason):
            return "transcript is not UTF-8 text: \(reason)"
        case .notJSON(_, _, let reason):
            return "transcript is not JSON: \(reason)"
        case .noUsableEvents(_, let reason):
            return "transcript holds no usable event: \(reason)"
        }
    }

    /// `file:line: reason`, or `file: reason` when no line applies.
    public var description: String {
        if let line {
            return "\(file):\(line): \(reason)"
        }
        return "\(file): \(reason)"
    }
}
