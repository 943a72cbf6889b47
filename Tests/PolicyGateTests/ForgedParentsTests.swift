import Crypto
import Foundation
import Testing
import TestSupport

/// Files in `.git` that say what a commit's parents are and carry no hash of their own that git checks
/// on read, each forged after the agent committed, through the binary on a real repository: the scan must
/// still read every commit of `base..head`.
@Suite struct ForgedParentsTests {
    private let token = FakeSecrets.gitlabToken

    private func head(_ git: GitCLI) throws -> String {
        try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The scan blocks on the token in `config.py`, from `commit` when given, and does not print it.
    private func expectFound(_ scratch: ScratchDirectory, base: String, head: String, commit: String?,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (outcome, findings) = try scan(scratch, base: base, head: head)
        #expect(outcome.status == 1, sourceLocation: sourceLocation)
        #expect(findings.contains { $0["path"] as? String == "config.py" && (commit == nil || $0["commit"] as? String == commit) },
                sourceLocation: sourceLocation)
        #expect(!outcome.allOutput.contains(FakeSecrets.gitlabTokenBody), sourceLocation: sourceLocation)
    }

    private func scan(_ scratch: ScratchDirectory, base: String, head: String) throws -> (GateProcess.Outcome, [[String: Any]]) {
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base, "--head", head, "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        return (outcome, document?["findings"] as? [[String: Any]] ?? [])
    }

    /// A base, a commit that adds a token, and a head that removes it or changes another file.
    private func history(removedLater: Bool) throws -> (ScratchDirectory, GitCLI, base: String, adding: String, tip: String) {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: ["README.md": "x\n"])
        let base = try head(git)
        try scratch.write("config.py", "TOKEN = \"\(token)\"\n")
        let adding = try git.commitAll("add config")
        try scratch.write(removedLater ? "config.py" : "README.md", "y\n")
        return (scratch, git, base, adding, try git.commitAll("more"))
    }

    /// Rewrites the commit-graph so that `child`'s first parent is `parent`, with a matching checksum
    /// (the file is only a cache of the commits' parents: nothing ties it to the objects).
    private func forgeCommitGraph(at path: String, child: String, parent: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes[0..<4]) == Array("CGPH".utf8))
        func number(_ at: Int, _ width: Int) -> Int { bytes[at..<(at + width)].reduce(0) { $0 << 8 | Int($1) } }
        var chunks: [String: Int] = [:]
        for index in 0...Int(bytes[6]) {
            chunks[String(decoding: bytes[(8 + 12 * index)..<(12 + 12 * index)], as: UTF8.self)] = number(12 + 12 * index, 8)
        }
        let fanout = try #require(chunks["OIDF"]), names = try #require(chunks["OIDL"]), data = try #require(chunks["CDAT"])
        let count = number(fanout + 255 * 4, 4)
        let ids = (0..<count).map { index in
            bytes[(names + 20 * index)..<(names + 20 * index + 20)].map { String(format: "%02x", $0) }.joined()
        }
        let childIndex = try #require(ids.firstIndex(of: child)), parentIndex = try #require(ids.firstIndex(of: parent))
        let field = data + 36 * childIndex + 20
        for offset in 0..<4 { bytes[field + offset] = UInt8(truncatingIfNeeded: parentIndex >> (24 - 8 * offset)) }
        bytes.replaceSubrange((bytes.count - 20)..., with: Array(Insecure.SHA1.hash(data: bytes.dropLast(20))))
        try FileManager.default.removeItem(atPath: path)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A commit-graph that says the head's parent is the base hides the commit in between from
    /// libgit2's walk: its token (here still in the head's tree) was in no diff the scan read.
    @Test(arguments: [false, true])
    func aCommitGraphThatSkipsACommitDoesNotHideIt(removedLater: Bool) throws {
        let (scratch, git, base, adding, tip) = try history(removedLater: removedLater)
        // Version 1 generation numbers: the layout libgit2 1.5 reads.
        try git.run("-c", "commitGraph.generationVersion=1", "commit-graph", "write", "--reachable")
        try forgeCommitGraph(at: scratch.path + "/.git/objects/info/commit-graph", child: tip, parent: base)
        #expect(throws: GitFailure.self, "the graph is forged") { try git.run("commit-graph", "verify") }
        try expectFound(scratch, base: base, head: tip, commit: adding)
    }

    /// `info/grafts` gives a commit other parents, and `shallow` cuts its parents off: git honours both,
    /// and libgit2 may one day in its walk. Neither may take a commit of the range out of the scan.
    @Test(arguments: ["info/grafts", "shallow"])
    func graftsAndShallowDoNotHideACommit(file: String) throws {
        let (scratch, _, base, adding, tip) = try history(removedLater: false)
        try scratch.write(".git/" + file, file == "shallow" ? "\(tip)\n" : "\(tip) \(base)\n")
        // A shallow head would be read against the empty tree: the token is then the head's.
        try expectFound(scratch, base: base, head: tip, commit: file == "shallow" ? nil : adding)
    }
}
