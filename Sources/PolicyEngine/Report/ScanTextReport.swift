/// The console form of a secret scan: one line per finding, then a summary.
public enum ScanTextReport {
    /// Renders the findings as `path:line: [rule] description (redacted)` lines and a summary line.
    public static func render(_ result: SecretScan.Result) -> String {
        var lines = result.findings.map { finding in
            var line = "\(finding.path):\(finding.line): secret [\(finding.ruleID)] \(finding.description) (\(finding.redacted))"
            if finding.hasAllowMarker { line += " [allow marker not honoured]" }
            return line
        }
        let files = result.files.count
        let noun = result.findings.count == 1 ? "secret" : "secrets"
        let fileCount = "\(files) file\(files == 1 ? "" : "s")"
        // A git change's secrets may sit in a commit whose lines a later one removed, in no file the
        // change leaves changed: the summary does not say they were found in those files.
        let summary = result.base == nil ? "found in \(fileCount) (" : "found (\(fileCount) changed, "
        lines.append("\(result.findings.count) \(noun) \(summary)\(result.statistics.bytes) bytes of added text scanned)")
        return lines.joined(separator: "\n") + "\n"
    }
}
