import Foundation

/// Reads the message out of a GitLab error body: `{"message": "404 Project Not Found"}`,
/// `{"message": {"labels": ["is invalid"]}}`, `{"error": "insufficient_scope", "error_description": "…"}`,
/// or plain text such as `Retry later`.
enum GitLabErrorBody {
    /// The longest message kept.
    static let maxLength = 300

    /// The message, on one line, at most `maxLength` characters; `nil` when the body says nothing readable.
    static func message(from body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let bytes = [UInt8](body)
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        if let value = try? parser.parseDocument() {
            return clip(fromJSON(value))
        }
        let text = String(decoding: body.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.hasPrefix("<") { return nil }  // an HTML error page says nothing useful
        return clip(text)
    }

    private static func fromJSON(_ value: JSONValue) -> String? {
        if let message = value["message"], let text = flatten(message) {
            return text
        }
        let error = value["error"].flatMap { flatten($0) }
        let description = value["error_description"].flatMap { flatten($0) }
        switch (error, description) {
        case let (error?, description?): return "\(error): \(description)"
        case let (error?, nil): return error
        case let (nil, description?): return description
        case (nil, nil): return nil
        }
    }

    /// A string as is; an object as `key: value; key: value`; an array joined with `, `.
    private static func flatten(_ value: JSONValue, depth: Int = 0) -> String? {
        guard depth < 4 else { return nil }
        switch value {
        case .string(let text): return text
        case .number, .bool: return value.serialized()
        case .null: return nil
        case .array(let items):
            let parts = items.compactMap { flatten($0, depth: depth + 1) }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        case .object(let members):
            let parts = members.keys.sorted().compactMap { key -> String? in
                guard let member = members[key], let text = flatten(member, depth: depth + 1) else { return nil }
                return "\(key) \(text)"
            }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        }
    }

    private static func clip(_ text: String?) -> String? {
        guard let text else { return nil }
        let line = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }.joined()
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        guard !line.isEmpty else { return nil }
        return line.count > maxLength ? String(line.prefix(maxLength)) + "…" : line
    }
}
