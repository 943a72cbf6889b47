import Foundation

/// One job-log line per transcript event, naming event types and tools only: tool inputs and results
/// may hold secrets and are never echoed.
enum TranscriptSummary {
    static func line(for bytes: Data) -> String? {
        let array = [UInt8](bytes)
        var parser = JSONParser(bytes: array, start: 0, end: array.count)
        guard let event = try? parser.parseDocument(), let type = event["type"]?.stringValue else { return nil }
        switch type {
        case "assistant":
            let names = (event["message"]?["content"]?.arrayValue ?? []).compactMap { block -> String? in
                guard block["type"]?.stringValue == "tool_use" else { return nil }
                return block["name"]?.stringValue.map(printable) ?? "?"
            }
            return names.isEmpty ? nil : names.map { "[agent] tool: \($0)" }.joined(separator: "\n")
        case "result":
            return "[agent] result: " + printable(event["subtype"]?.stringValue ?? "?")
        case "system" where event["subtype"]?.stringValue == "init":
            return "[agent] session started"
        default:
            return nil
        }
    }

    /// Tool names come from the agent: keep them short and free of control characters.
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(80).filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    }
}
