import Foundation
import Testing
import TestSupport
@_spi(Fuzzing) @testable import PolicyEngine

/// The version is stated once, in `PolicyGateVersion.current`; every file that names a release must agree.
@Suite struct VersionTests {
    static let files = [
        "README.md", "CHANGELOG.md", "templates/policy-gate.yml", "init/policy-gate.gitlab-ci.yml",
        "examples/.gitlab-ci.yml", "examples/two-jobs.gitlab-ci.yml",
    ]

    @Test(arguments: files)
    func filesNameTheCurrentVersion(file: String) throws {
        let text = try String(contentsOfFile: PackagePaths.root + "/" + file, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"policy-gate(?:/agent)?[@:]v?([0-9]+\.[0-9]+\.[0-9]+)"#)
        let versions = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
        if file != "CHANGELOG.md" {
            #expect(!versions.isEmpty, "\(file) names no version")
        }
        #expect(versions.allSatisfy { $0 == PolicyGateVersion.current }, "\(file): \(versions)")
    }

    @Test func theChangelogsLatestReleaseIsTheCurrentVersion() throws {
        let text = try String(contentsOfFile: PackagePaths.root + "/CHANGELOG.md", encoding: .utf8)
        let releases = text.split(separator: "\n").filter { $0.hasPrefix("## ") && $0 != "## Unreleased" }
        #expect(releases.first == "## \(PolicyGateVersion.current)")
    }
}
