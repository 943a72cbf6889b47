import Foundation

/// Renders audit rows one at a time: console lines, CSV records and JSON array elements, so reports
/// are written as the audit goes. Titles and names come from merge requests the agent may have
/// written: they are cleaned of control characters (terminal escapes) and CSV formula prefixes.
public enum AuditRendering {
    /// The console table's heading.
    public static let consoleHeader = pad("VERDICT", 34) + pad("MERGE REQUEST", 32) + pad("MERGED", 12) + pad("HEAD", 10) + "DETAIL"

    /// One console line, and for a row that was not gated a second line with its links.
    public static func consoleLines(_ row: AuditRow) -> [String] {
        var lines = [pad(row.verdict.rawValue, 34) + pad(clean(row.reference, max: 30), 32)
                     + pad(String((row.mergedAt ?? "?").prefix(10)), 12) + pad(String((row.headSHA ?? "?").prefix(8)), 10)
                     + clean(row.detail, max: 160)]
        if !row.isGated {
            let links = [row.mergeRequestURL.map { "MR \($0)" }, row.pipelineURL.map { "pipeline \($0)" },
                         row.jobURL.map { "job \($0)" }].compactMap { $0.map { clean($0, max: 300) } }
            if !links.isEmpty { lines.append(String(repeating: " ", count: 34) + links.joined(separator: "  ")) }
        }
        return lines
    }

    /// The console's closing lines.
    public static func consoleSummary(_ summary: MergeRequestAudit.Summary, seconds: Double) -> [String] {
        let counts = AuditRow.Verdict.allCases.map { "\($0.rawValue): \(summary.verdicts[$0.rawValue] ?? 0)" }
        let rate = seconds > 0 ? String(format: "%.0f", Double(summary.audited) / seconds) : "-"
        return ["\(summary.audited) merged merge request\(summary.audited == 1 ? "" : "s") audited "
                + "(\(summary.skipped) outside the window or selection) in \(String(format: "%.1f", seconds)) s, \(rate)/s",
                counts.joined(separator: ", "),
                summary.notGated == 0 ? "every merged merge request was gated"
                    : "\(summary.notGated) merged merge request\(summary.notGated == 1 ? " was" : "s were") not gated"]
    }

    /// The CSV columns.
    public static let csvColumns = ["verdict", "reference", "project_id", "iid", "title", "author", "merged_at", "head_sha",
                                    "pipeline_id", "pipeline_url", "job_id", "job_url", "attestation", "detail", "merge_request_url"]

    /// One CSV record (RFC 4180, every field quoted), with a line break.
    public static func csvRecord(_ row: AuditRow) -> String {
        let fields: [String?] = [row.verdict.rawValue, row.reference, String(row.projectID), String(row.iid), row.title, row.author,
                                 row.mergedAt, row.headSHA, row.pipelineID.map(String.init), row.pipelineURL,
                                 row.jobID.map(String.init), row.jobURL, row.attestation.rawValue, row.detail, row.mergeRequestURL]
        return csvLine(fields.map { $0 ?? "" })
    }

    /// A CSV record of `fields`.
    public static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            var text = clean(field, max: 2000)
            // A spreadsheet runs a cell that starts with one of these as a formula.
            if let first = text.first, "=+-@".contains(first) { text = "'" + text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }

    /// The JSON report's opening, up to the `merge_requests` array.
    public static func jsonOpening(query: AuditQuery) throws -> String {
        struct Opening: Encodable {
            var schemaVersion = 1
            var tool = "policy-gate"
            var version = PolicyGateVersion.current
            var kind = "audit"
            var scope: [String: String]
            var since: String
            var until: String?
            var selection: [String: String]
            enum CodingKeys: String, CodingKey {
                case schemaVersion = "schema_version", tool, version, kind, scope, since, until, selection
            }
        }
        let scope: [String: String] = switch query.scope {
        case .project(let id): ["project": id]
        case .group(let id): ["group": id, "subgroups": "included"]
        }
        let selection: [String: String] = switch query.selection {
        case .all: ["all": "merged"]
        case .label(let label): ["label": label]
        case .author(let author): ["author": author]
        }
        let opening = Opening(scope: scope, since: AuditQuery.format(query.since), until: query.until.map(AuditQuery.format),
                              selection: selection)
        var text = String(decoding: try compact(opening), as: UTF8.self)
        text.removeLast()  // the closing brace: the array and the summary follow
        return text + ",\"merge_requests\":[\n"
    }

    /// One element of the `merge_requests` array.
    public static func jsonElement(_ row: AuditRow, first: Bool) throws -> String {
        (first ? "" : ",\n") + String(decoding: try compact(row), as: UTF8.self)
    }

    /// The JSON report's closing: the summary.
    public static func jsonClosing(_ summary: MergeRequestAudit.Summary) throws -> String {
        "\n],\"summary\":" + String(decoding: try compact(summary), as: UTF8.self) + "}\n"
    }

    private static func compact(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// One line without control characters, at most `max` characters.
    static func clean(_ text: String, max: Int) -> String {
        let line = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format ? " " : scalar
        }))
        return line.count > max ? String(line.prefix(max - 1)) + "…" : line
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
