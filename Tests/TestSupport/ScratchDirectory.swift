import Foundation

/// A temporary folder for one test, removed when the value is released.
public final class ScratchDirectory {
    public let path: String

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("policy-gate-tests")
        let url = base.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    public func write(_ relative: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}

/// Runs the `git` command line in a scratch repository, with a fixed identity and no user configuration.
public struct GitCLI {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    @discardableResult
    public func run(_ arguments: String...) throws -> String {
        try run(arguments)
    }

    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GitFailure(arguments: arguments, status: process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Creates a repository with one commit holding `files`.
    @discardableResult
    public static func repository(in scratch: ScratchDirectory, files: [String: String] = ["README.md": "hello\n"]) throws -> GitCLI {
        let git = GitCLI(directory: scratch.path)
        try git.run("init", "-q", "-b", "main")
        for (path, text) in files {
            try scratch.write(path, text)
        }
        try git.run("add", "-A")
        try git.run("commit", "-q", "-m", "base")
        return git
    }

    public func commitAll(_ message: String = "change") throws -> String {
        try run("add", "-A")
        try run("commit", "-q", "-m", message)
        return try run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct GitFailure: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32

    public init(arguments: [String], status: Int32) {
        self.arguments = arguments
        self.status = status
    }

    public var description: String { "git \(arguments.joined(separator: " ")) exited \(status)" }
}

/// Where the package lives, for fixtures shared with the rest of the repository.
public enum PackagePaths {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    public static let fixtures = root + "/Tests/PolicyEngineTests/Fixtures"
}
