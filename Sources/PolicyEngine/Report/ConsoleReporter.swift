/// The readable console form: `path:line: block [rule-id] message (evidence)` lines and a summary.
public enum ConsoleReporter {
    /// Options for the console.
    public struct Style: Sendable {
        /// Use ANSI colours.
        var color: Bool
        /// Wrap the findings in a collapsible GitLab log section.
        var gitLabSections: Bool
        /// Seconds since the epoch, for the GitLab section markers.
        public var timestamp: Int

        /// Creates a style.
        public init(color: Bool = false, gitLabSections: Bool = false, timestamp: Int = 0) {
            self.color = color
            self.gitLabSections = gitLabSections
            self.timestamp = timestamp
        }
    }

    /// Renders the report.
    public static func render(_ report: GateReport, style: Style = Style()) -> String {
        var out = ""
        let section = "policy_gate_\(report.stage.rawValue)"
        if style.gitLabSections {
            out += "\u{1B}[0Ksection_start:\(style.timestamp):\(section)\r\u{1B}[0Kpolicy-gate \(report.stage.rawValue): findings\n"
        }
        for finding in report.findings {
            let place = finding.location.map { "\($0.path)\($0.line.map { ":\($0)" } ?? ""): " } ?? ""
            var action = finding.action.rawValue
            if style.color {
                let code = finding.action == .block ? "31" : finding.action == .warn ? "33" : "36"
                action = "\u{1B}[\(code)m\(action)\u{1B}[0m"
            }
            out += "\(place)\(action) [\(finding.rule)] \(finding.message)\(finding.evidence.map { " (\($0))" } ?? "")\n"
        }
        if style.gitLabSections {
            out += "\u{1B}[0Ksection_end:\(style.timestamp):\(section)\r\u{1B}[0K\n"
        }
        let blocking = report.findings.filter { $0.action == .block }.count
        let warnings = report.findings.filter { $0.action == .warn }.count
        out += "policy-gate \(report.stage.rawValue): \(report.decision.rawValue) — \(blocking) blocking, \(warnings) warning\(warnings == 1 ? "" : "s"), "
            + "\(report.evaluatedRules.count) rules checked (policy: \(report.policySource))\n"
        return out
    }
}
