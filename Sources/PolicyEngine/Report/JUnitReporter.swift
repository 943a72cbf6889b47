/// JUnit XML with one test case per evaluated rule, so the MR's test widget shows the gate.
/// A rule with blocking findings fails; warnings pass with their text in `system-out`; rules set to `off` are skipped.
enum JUnitReporter {
    /// Renders the XML.
    static func render(_ report: GateReport) -> String {
        let suite = "policy-gate \(report.stage.rawValue)"
        let failures = report.evaluatedRules.filter { rule in
            report.findings.contains { $0.rule == rule.id && $0.action == .block }
        }.count
        let skipped = report.evaluatedRules.filter { $0.action == .off }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"policy-gate\" tests=\"\(report.evaluatedRules.count)\" failures=\"\(failures)\">\n"
        xml += "  <testsuite name=\"\(escape(suite))\" tests=\"\(report.evaluatedRules.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        for rule in report.evaluatedRules {
            let findings = report.findings.filter { $0.rule == rule.id }
            xml += "    <testcase classname=\"policy-gate.\(report.stage.rawValue)\" name=\"\(escape(rule.id))\">\n"
            let lines = findings.map { finding in
                let place = finding.location.map { "\($0.path)\($0.line.map { ":\($0)" } ?? ""): " } ?? ""
                return "\(place)\(finding.action.rawValue) \(finding.message)\(finding.evidence.map { " (\($0))" } ?? "")"
            }.joined(separator: "\n")
            if rule.action == .off {
                xml += "      <skipped message=\"turned off by the policy\"/>\n"
            } else if findings.contains(where: { $0.action == .block }) {
                xml += "      <failure type=\"block\" message=\"\(findings.count) finding\(findings.count == 1 ? "" : "s")\">\(escape(lines))</failure>\n"
            } else if !findings.isEmpty {
                xml += "      <system-out>\(escape(lines))</system-out>\n"
            }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // Characters XML 1.0 cannot carry are replaced.
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
