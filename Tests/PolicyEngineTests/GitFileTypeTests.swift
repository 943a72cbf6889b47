import Foundation
import Testing
import TestSupport
@testable import PolicyEngine

/// A FIFO in place of a file libgit2 opens blocked the scan for ever (`config` and
/// `objects/info/alternates` when opening, `index`, `info/exclude` and `.gitignore` in a diff against
/// the working tree). The repository is refused with one line before libgit2 reads any of them.
@Suite struct GitFileTypeTests {
    private static func repository() throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        _ = try GitCLI.repository(in: scratch)
        return scratch
    }

    private static func expectRefused(_ path: String, naming name: String) {
        #expect {
            _ = try GitRepository(path: path)
        } throws: { error in
            (error as? NativeError)?.message == "\(name) is not a regular file (reading it could block for ever); run git fsck"
        }
    }

    @Test(arguments: [".git/config", ".git/objects/info/alternates", ".git/index", ".git/info/exclude", ".git/HEAD",
                      ".gitignore", ".gitattributes"])
    func aFIFOInPlaceOfAFileGitReadsIsRefused(name: String) throws {
        let scratch = try Self.repository()
        let path = scratch.path + "/" + name
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o644) == 0)
        Self.expectRefused(scratch.path + "/sub/folder", naming: name)
    }

    /// The same through a link, and through a `.git` file naming the git folder elsewhere.
    @Test func aFIFOReachedThroughALinkOrAGitFileIsRefused() throws {
        let scratch = try Self.repository()
        let fifo = scratch.path + "/../" + UUID().uuidString
        #expect(mkfifo(fifo, 0o644) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        try FileManager.default.removeItem(atPath: scratch.path + "/.git/config")
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/.git/config", withDestinationPath: fifo)
        Self.expectRefused(scratch.path, naming: ".git/config")

        let checkout = try ScratchDirectory()
        try "gitdir: \(scratch.path)/.git\n".write(toFile: checkout.path + "/.git", atomically: true, encoding: .utf8)
        Self.expectRefused(checkout.path, naming: ".git/config")
    }

    /// The runner's hand-off opens the agent's checkout itself: the same FIFO is refused there.
    @Test func theHandOffRefusesAFIFOInTheAgentsCheckout() throws {
        let scratch = try Self.repository()
        try FileManager.default.removeItem(atPath: scratch.path + "/.git/config")
        #expect(mkfifo(scratch.path + "/.git/config", 0o644) == 0)
        let handoff = try ScratchDirectory()
        #expect {
            _ = try HandoffRepository(at: handoff.path + "/handoff.git", borrowingObjectsOf: scratch.path)
        } throws: { error in
            (error as? NativeError)?.message.contains(".git/config is not a regular file") == true
        }
    }

    /// An alternate object folder's own `info/alternates` is read too, at any depth.
    @Test func aFIFOAsTheAlternatesOfAnAlternateIsRefused() throws {
        let scratch = try Self.repository()
        let other = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: other.path + "/objects/info", withIntermediateDirectories: true)
        #expect(mkfifo(other.path + "/objects/info/alternates", 0o644) == 0)
        try (other.path + "/objects\n").write(toFile: scratch.path + "/.git/objects/info/alternates", atomically: true, encoding: .utf8)
        #expect {
            _ = try GitRepository(path: scratch.path)
        } throws: { error in
            (error as? NativeError)?.message == "objects/info/alternates is not a regular file (reading it could block for ever); run git fsck"
        }
    }

    /// Regular files through links, a `.git` file and a bare repository open as before.
    @Test func regularFilesOpenAsBefore() throws {
        let scratch = try Self.repository()
        let config = scratch.path + "/../" + UUID().uuidString
        try FileManager.default.moveItem(atPath: scratch.path + "/.git/config", toPath: config)
        defer { try? FileManager.default.removeItem(atPath: config) }
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/.git/config", withDestinationPath: config)
        _ = try GitRepository(path: scratch.path)

        let checkout = try ScratchDirectory()
        try "gitdir: \(scratch.path)/.git\n".write(toFile: checkout.path + "/.git", atomically: true, encoding: .utf8)
        _ = try GitRepository(path: checkout.path)
        _ = try GitRepository(path: scratch.path + "/.git")
    }
}
