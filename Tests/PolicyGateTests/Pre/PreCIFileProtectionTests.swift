import Foundation
import Testing
import TestSupport

/// The CI files `pre` read the agent's job from are protected in `post` like `.gitlab-ci.yml`, and
/// `--component` names the component the built-in template stands for.
@Suite struct PreCIFileProtectionTests {
    static let mainFile = """
    include:
      - local: ci/jobs.yml
      - local: ci/parts/*.yml
      - local: ci/later.yml
        rules:
          - exists: [ci/enable-later]
    agent:
      extends: .agent
    """
    static let base: [String: String] = [
        "ci/jobs.yml": ".agent:\n  script: [claude -p t --permission-mode plan]\n",
        "ci/parts/a.yml": "lint:\n  script: [make lint]\n",
        "ci/later.yml": "later:\n  script: [make later]\n",
        "src/app.py": "print(1)\n",
        "README.md": "x\n",
    ]

    /// Runs pre on the base commit, applies `change` as a commit, and runs post with pre's state.
    static func prePost(_ change: (ScratchDirectory) throws -> Void) throws -> (pre: GateProcess.Outcome, post: GateProcess.Outcome) {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: base.merging([".gitlab-ci.yml": mainFile]) { a, _ in a })
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let state = scratch.path + ".state.json"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let pre = try GateProcess.run(["pre", "--repo", scratch.path, "--state", state,
                                       "--ci-config", scratch.path + "/.gitlab-ci.yml", "--job", "agent"])
        try change(scratch)
        _ = try git.commitAll()
        let post = try GateProcess.run(["post", "--repo", scratch.path, "--base", base, "--state", state])
        return (pre, post)
    }

    @Test(arguments: [
        ("a local include", "ci/jobs.yml"),
        ("a file a wildcard include takes", "ci/parts/a.yml"),
        ("a new file a wildcard include would take", "ci/parts/zz.yml"),
        ("an include its rules leave out today", "ci/later.yml"),
    ])
    func anIncludedCIFileIsProtected(name: String, path: String) throws {
        let (pre, post) = try Self.prePost { scratch in
            try scratch.write(path, "policy-gate:post:\n  script: [exit 0]\n")
        }
        #expect(pre.status == 0, "\(pre.allOutput)")
        #expect(post.status == 1, "\(name): \(post.allOutput)")
        #expect(post.allOutput.contains("[workspace.protected-path]") && post.allOutput.contains(path), "\(name): \(post.allOutput)")
    }

    @Test func otherFilesStayWritable() throws {
        let (pre, post) = try Self.prePost { scratch in try scratch.write("src/app.py", "print(2)\n") }
        #expect(pre.status == 0, "\(pre.allOutput)")
        #expect(post.status == 0, "\(post.allOutput)")
    }

    static let otherComponent = """
    include:
      - component: gitlab.example.com/someone/else/policy-gate@1.0
    agent:
      extends: .policy-gate:agent
      script: [claude -p t --permission-mode plan]
    """

    @Test func componentNamesTheAddressTheBuiltInTemplateStandsFor() throws {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch, files: ["README.md": "x\n", ".gitlab-ci.yml": Self.otherComponent])
        let arguments = ["pre", "--repo", scratch.path, "--state", scratch.path + ".state.json",
                         "--ci-config", scratch.path + "/.gitlab-ci.yml", "--job", "agent"]
        defer { try? FileManager.default.removeItem(atPath: scratch.path + ".state.json") }
        let unnamed = try GateProcess.run(arguments)
        #expect(unnamed.status == 2, "\(unnamed.allOutput)")
        let named = try GateProcess.run(arguments + ["--component", "gitlab.example.com/someone/else/policy-gate"])
        #expect(named.status == 0, "\(named.allOutput)")
        let versioned = try GateProcess.run(arguments + ["--component", "gitlab.example.com/someone/else/policy-gate@1.0"])
        #expect(versioned.status == 64, "\(versioned.allOutput)")
        #expect(versioned.stderr.contains("--component"), "\(versioned.stderr)")
    }
}
