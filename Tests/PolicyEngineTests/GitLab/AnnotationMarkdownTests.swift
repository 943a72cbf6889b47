import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

@Suite struct AnnotationMarkdownTests {
    private func report(_ findings: [Finding], stage: Facts.Stage = .post) -> GateReport {
        GateReport(stage: stage, findings: findings, evaluatedRules: [("secrets.leak", .block), ("diff.too-large", .warn)],
                   policySource: ".policy-gate.yml", policySHA256: "0123456789abcdef0123",
                   ci: CIContext(environment: ["CI_COMMIT_SHA": "3333333333333333333333333333333333333333",
                                               "CI_JOB_URL": "https://gitlab.example.com/g/p/-/jobs/9"]))
    }

    @Test func theNoteHasTheMarkerTheVerdictTheTableAndTheJobLink() {
        let note = AnnotationMarkdown.note(for: report([
            Finding(rule: "secrets.leak", action: .block, message: "GitLab personal access token found in an added line",
                    location: .init(path: "app/config.py", line: 2), secretRule: "gitlab-pat", evidence: "glpa…#1a2b3c4d"),
            Finding(rule: "diff.too-large", action: .warn, message: "312 files changed (limit 200)"),
        ]))
        #expect(note == """
        <!-- policy-gate:stage=post -->
        ### :no_entry: policy-gate post: blocked

        **1 blocking, 1 warning** · 2 rules checked · policy .policy-gate.yml (sha256 0123456789ab) · commit 333333333333

        | Action | Rule | Location | Finding | Evidence |
        |---|---|---|---|---|
        | **block** | secrets.leak (gitlab-pat) | app\\/config.py:2 | GitLab personal access token found in an added line | glpa…\\#1a2b3c4d |
        | **warn** | diff.too-large |  | 312 files changed \\(limit 200\\) |  |

        [Job log](https://gitlab.example.com/g/p/-/jobs/9) · Updated on every run of the post stage.
        """)
    }

    @Test func aCleanStageSaysSo() {
        let note = AnnotationMarkdown.note(for: report([], stage: .pre))
        #expect(note.hasPrefix("<!-- policy-gate:stage=pre -->\n### :white_check_mark: policy-gate pre: passed\n"))
        #expect(note.contains("\nNo findings.\n"))
    }

    @Test func longReportsAreCut() {
        let findings = (1...150).map { Finding(rule: "workspace.protected-path", action: .block, message: "m\($0)",
                                               location: .init(path: "f\($0)")) }
        let note = AnnotationMarkdown.note(for: report(findings))
        #expect(note.split(separator: "\n").filter { $0.hasPrefix("| **block**") }.count == AnnotationMarkdown.maxTableRows)
        #expect(note.contains("… and 50 more: see the job's reports."))
    }

    @Test func theFindingMarkerHoldsOnlyHex() {
        let marker = AnnotationMarkdown.findingMarker("c0ffee:evil --> <b>/merge</b>:rule:1")
        #expect(marker.hasPrefix("<!-- policy-gate:finding="))
        #expect(marker.hasSuffix(" -->"))
        let id = marker.dropFirst("<!-- policy-gate:finding=".count).dropLast(" -->".count)
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
        #expect(marker != AnnotationMarkdown.findingMarker("c0ffee:other:rule:1"))
    }
}
