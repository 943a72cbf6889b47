import ArgumentParser
import Foundation
import PolicyEngine

/// `policy-gate init`: writes a starter policy, a CI include of the component, and CLAUDE.md.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter .policy-gate.yml, a CI include of the policy-gate component, and CLAUDE.md.",
        discussion: """
        Files that exist are never overwritten without --force: when one does, nothing is written and \
        the command exits 2 naming it. Exit codes: 0 written, 2 a file exists or could not be written.
        """)

    @OptionGroup var repository: RepositoryOptions

    @Flag(name: .long, help: "Overwrite files that already exist.")
    var force = false

    func run() throws {
        try GateExit.guarded {
            let root = repository.path(environment: ProcessInfo.processInfo.environment)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw InitError(path: root, reason: "not a folder")
            }
            let targets = StarterFiles.all.map { (file: $0, path: Self.join(root, $0.path)) }
            if !force, let existing = targets.first(where: { Self.exists($0.path) }) {
                throw InitError(path: existing.path, reason: "already exists; nothing was written (use --force to overwrite)")
            }
            for target in targets {
                try Self.write(target.file.text, to: target.path, overwriting: force)
                print("wrote \(target.path): \(target.file.purpose)")
            }
            print("next: policy-gate check-policy \(Self.join(root, StarterFiles.policy.path))")
            return GateExit.pass
        }
    }

    static func join(_ root: String, _ relative: String) -> String {
        root.hasSuffix("/") ? root + relative : root + "/" + relative
    }

    /// Whether anything is at `path`, a dangling symlink included (`fileExists` follows links).
    static func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    static func write(_ text: String, to path: String, overwriting: Bool) throws {
        let url = URL(fileURLWithPath: path)
        if overwriting, let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType,
           type == .typeDirectory {
            throw InitError(path: path, reason: "is a folder; move it away first")
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if overwriting, exists(path) {
                // Replace a symlink itself rather than writing through it to wherever it points.
                try FileManager.default.removeItem(atPath: path)
            }
            try Data(text.utf8).write(to: url, options: .withoutOverwriting)
        } catch {
            throw InitError(path: path, reason: "cannot write: \(GateExit.describe(error))")
        }
    }
}

/// `init` could not write its files.
struct InitError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): \(reason)" }
}
