/// The Markdown the annotator posts: the stage's summary note and the inline comment on a secret.
/// Pure functions of the report; everything that came from the agent or the diff goes through
/// `GitLabMarkdown.inline(_:)`.
enum AnnotationMarkdown {
    /// Findings listed in the note's table; the rest are counted.
    static let maxTableRows = 100

    /// The hidden first line that identifies a stage's note: `<!-- policy-gate:stage=pre -->`.
    /// - Parameter stage: the stage.
    /// - Returns: the marker.
    static func stageMarker(_ stage: Facts.Stage) -> String {
        "<!-- policy-gate:stage=\(stage.rawValue) -->"
    }

    /// The hidden first line that identifies a finding's inline comment. It holds a hash of the
    /// fingerprint (hex only), since a fingerprint contains a path the agent chose.
    /// - Parameter fingerprint: the finding's fingerprint.
    /// - Returns: `<!-- policy-gate:finding=<32 hex digits> -->`.
    static func findingMarker(_ fingerprint: String) -> String {
        "<!-- policy-gate:finding=\(SecretRedaction.hash(fingerprint).prefix(32)) -->"
    }

    /// The summary note of a stage: marker, verdict line, findings table, link to the job.
    /// - Parameter report: the stage's report.
    /// - Returns: the note body, without active quick actions or mentions.
    static func note(for report: GateReport) -> String {
        let blocking = report.findings.filter { $0.action == .block }.count
        let warnings = report.findings.filter { $0.action == .warn }.count
        var lines = [stageMarker(report.stage)]
        lines.append("### \(emoji(report.decision)) policy-gate \(report.stage.rawValue): \(verdict(report.decision))")
        lines.append("")
        var facts = ["**\(blocking) blocking, \(warnings) warning\(warnings == 1 ? "" : "s")**",
                     "\(report.evaluatedRules.count) rules checked",
                     "policy \(GitLabMarkdown.inline(report.policySource, limit: 120)) (sha256 \(report.policySHA256.prefix(12)))"]
        if let sha = report.ci.statusSHA {
            facts.append("commit \(GitLabMarkdown.inline(String(sha.prefix(12))))")
        }
        lines.append(facts.joined(separator: " · "))
        lines.append("")
        if report.findings.isEmpty {
            lines.append("No findings.")
        } else {
            lines.append("| Action | Rule | Location | Finding | Evidence |")
            lines.append("|---|---|---|---|---|")
            for finding in report.findings.prefix(maxTableRows) {
                let cells = [
                    "**\(finding.action.rawValue)**",
                    GitLabMarkdown.inline(finding.rule, limit: 80)
                        + (finding.secretRule.map { " (" + GitLabMarkdown.inline($0, limit: 80) + ")" } ?? ""),
                    finding.location.map(location) ?? "",
                    GitLabMarkdown.inline(finding.message),
                    finding.evidence.map { GitLabMarkdown.inline($0, limit: 120) } ?? "",
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            if report.findings.count > maxTableRows {
                lines.append("")
                lines.append("… and \(report.findings.count - maxTableRows) more: see the job's reports.")
            }
        }
        lines.append("")
        lines.append(footer(report))
        return GitLabMarkdown.neutralizingQuickActions(lines.joined(separator: "\n"))
    }

    /// The inline comment on the line where a secret was added.
    /// - Parameters:
    ///   - finding: a finding with a `secretRule`.
    ///   - report: the stage's report (for the stage and the job link).
    /// - Returns: the comment body, starting with the finding's marker.
    static func discussion(for finding: Finding, in report: GateReport) -> String {
        var lines = [findingMarker(finding.fingerprint)]
        var headline = "\(emoji(finding.action == .block ? .block : .warn)) **policy-gate \(report.stage.rawValue): "
            + "a secret on this line** (\(finding.action.rawValue), rule \(GitLabMarkdown.inline(finding.rule, limit: 80))"
        if let secretRule = finding.secretRule {
            headline += ", secret rule \(GitLabMarkdown.inline(secretRule, limit: 80))"
        }
        lines.append(headline + ")")
        lines.append("")
        lines.append(GitLabMarkdown.inline(finding.message)
                     + (finding.evidence.map { " (evidence " + GitLabMarkdown.inline($0, limit: 120) + ")" } ?? ""))
        lines.append("")
        lines.append("Remove it from the change and revoke it: it stays in the branch's history. "
                     + (report.ci.jobURL.flatMap { GitLabMarkdown.link("Job log", to: $0) } ?? ""))
        return GitLabMarkdown.neutralizingQuickActions(lines.joined(separator: "\n"))
    }

    // MARK: - Pieces

    private static func location(_ location: Finding.Location) -> String {
        GitLabMarkdown.inline(location.path, limit: 160) + (location.line.map { ":\($0)" } ?? "")
    }

    private static func footer(_ report: GateReport) -> String {
        let job = report.ci.jobURL.flatMap { GitLabMarkdown.link("Job log", to: $0) }
        let note = "Updated on every run of the \(report.stage.rawValue) stage."
        return job.map { "\($0) · \(note)" } ?? note
    }

    private static func verdict(_ decision: Decision) -> String {
        switch decision {
        case .block: "blocked"
        case .warn: "passed with warnings"
        case .pass: "passed"
        }
    }

    private static func emoji(_ decision: Decision) -> String {
        switch decision {
        case .block: ":no_entry:"
        case .warn: ":warning:"
        case .pass: ":white_check_mark:"
        }
    }
}
