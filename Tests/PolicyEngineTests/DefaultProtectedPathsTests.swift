import Testing
@_spi(Fuzzing) @testable import PolicyEngine

/// The built-in `workspace.protected` covers what configures the pipeline and the agent, at any
/// depth and in any case, and leaves templates that only look like secret files alone.
@Suite struct DefaultProtectedPathsTests {
    @Test(arguments: [
        ".gitlab-ci.yml", ".gitlab/ci/jobs.yml", ".claude/settings.json", "sub/.claude/agents/a.md", ".Claude/settings.json",
        "CLAUDE.local.md", "pkg/CLAUDE.local.md", "claude.md", ".gitattributes", "vendor/lib/.gitattributes",
        ".husky/pre-commit", "web/.husky/pre-commit", ".pre-commit-config.yaml", ".vscode/tasks.json", "app/.vscode/tasks.json",
        ".git", "vendor/lib/.git", "vendor/lib/.git/hooks/post-checkout", ".GIT/hooks/post-checkout", ".env", "api/.env.local",
        ".ENV", ".MCP.JSON",
    ])
    func protected(_ path: String) throws {
        #expect(try PolicyLoader.builtIn().workspace.protected.match(path) != nil)
    }

    @Test(arguments: [".env.example", "api/.env.sample", ".env.template", "src/main.swift", ".gitignore", "docs/git.md", ".github/workflows/x.yml"])
    func notProtected(_ path: String) throws {
        #expect(try PolicyLoader.builtIn().workspace.protected.match(path) == nil)
    }
}
