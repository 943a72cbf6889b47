import ArgumentParser
import Foundation

/// `--repo`: the repository the gate looks at.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: "The repository (default: $CI_PROJECT_DIR, else the current folder).")
    var repo: String?

    /// The repository path, from the flag, the CI variable, or the current folder.
    func path(environment: [String: String]) -> String {
        if let repo { return repo }
        if let projectDirectory = environment["CI_PROJECT_DIR"], !projectDirectory.isEmpty { return projectDirectory }
        return FileManager.default.currentDirectoryPath
    }

    /// The repository path, standardized (`run` and `agent` compare paths under it).
    func checkout(environment: [String: String]) -> String {
        URL(fileURLWithPath: path(environment: environment)).standardizedFileURL.path
    }
}
