/// Pre stage. The agent's CI job installs the agent's package (`Facts.agentPackage`) without a pinned version (`npm install -g
/// @anthropic-ai/claude-code`, `npx @anthropic-ai/claude-code`, the install script without a
/// version) or runs on an image without a digest. Reads `Facts.ciJob`.
enum UnpinnedAgentRule: PolicyRule {
    static let description = RuleDescription(
        id: "ci.unpinned-agent",
        title: "The agent is installed without a pinned version",
        rationale: """
        Claude Code's permission behaviour changes between releases; the gate is tested against specific \
        versions. An unpinned install runs whatever was published last, in a job that holds credentials.
        """,
        stages: [.pre], defaultAction: .warn,
        examples: [
            RuleExample("a pinned install on an image with a digest", violations: 0) {
                try .pre("-p task", ciJob: CIJobFacts(name: "claude", file: ".gitlab-ci.yml",
                                                      image: "node:24-alpine@sha256:" + String(repeating: "a", count: 64),
                                                      scriptLines: [("npm install -g @anthropic-ai/claude-code@2.1.240", 3)]))
            },
            RuleExample("the GitLab page's install line and image", violations: 2) {
                try .pre("-p task", ciJob: CIJobFacts(name: "claude", file: ".gitlab-ci.yml", image: "node:24-alpine3.21",
                                                      scriptLines: [("npm install -g @anthropic-ai/claude-code", 9)]))
            },
            RuleExample("the install script without a version", violations: 1) {
                try .pre("-p task", ciJob: CIJobFacts(name: "claude", file: ".gitlab-ci.yml", image: nil,
                                                      scriptLines: [("curl -fsSL https://claude.ai/install.sh | bash", 4)]))
            },
        ])

    static func evaluate(_ facts: Facts, policy: Policy) -> [Violation] {
        guard let job = facts.ciJob else { return [] }
        var violations: [Violation] = []
        for line in job.scriptLines {
            let words = ShellWords.commandsLeniently(in: line.text).flatMap { $0 }
            if let package = words.first(where: { $0.hasPrefix(facts.agentPackage) }) {
                let version = package.dropFirst(facts.agentPackage.count)
                if !version.hasPrefix("@") || ["@latest", "@next", "@stable"].contains(String(version)) {
                    violations.append(Violation("'\(package)' installs whatever version is newest; pin one (e.g. @2.1.240)",
                                                location: .init(path: job.file, line: line.line)))
                }
            } else if line.text.contains("claude.ai/install.sh"), !line.text.contains("-s ") || line.text.hasSuffix("bash") {
                violations.append(Violation("the install script is run without a version argument",
                                            location: .init(path: job.file, line: line.line)))
            }
        }
        if let image = job.image, !image.contains("@sha256:") {
            violations.append(Violation("image '\(image)' is not pinned by digest", location: .init(path: job.file)))
        }
        return violations
    }
}
