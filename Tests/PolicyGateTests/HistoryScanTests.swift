import Foundation
import Testing
import TestSupport

/// How a change hides a secret from a scan of its net diff, each tried through the binary on a real
/// repository: history, merges, commit messages, file names, attributes, encodings and allowlist markers.
@Suite struct HistoryScanTests {
    private let token = FakeSecrets.gitlabToken

    /// A repository with a base commit; returns it and the base SHA.
    private func repository(files: [String: String] = ["README.md": "x\n", "src/app.py": "print(1)\n"]) throws
        -> (ScratchDirectory, GitCLI, String) {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch, files: files)
        return (scratch, git, try head(git))
    }

    /// A repository whose branch `side` commits `side.env` with `content`, while `main` (checked out)
    /// commits other work; returns the side commit too.
    private func sideBranch(holding content: String) throws -> (ScratchDirectory, GitCLI, String, String) {
        let (scratch, git, base) = try repository()
        try git.run("checkout", "-q", "-b", "side")
        try scratch.write("side.env", content)
        let side = try git.commitAll("side work")
        try git.run("checkout", "-q", "main")
        try scratch.write("src/app.py", "print(2)\n")
        _ = try git.commitAll("main work")
        return (scratch, git, base, side)
    }

    private func head(_ git: GitCLI) throws -> String {
        try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commits with a message read from a file outside the work tree (a token in git's arguments would be printed on failure).
    private func commit(_ git: GitCLI, scratch: ScratchDirectory, message: String) throws -> String {
        let file = scratch.path + "/../" + UUID().uuidString + ".msg"
        try Data(message.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try git.run("add", "-A")
        try git.run("commit", "-q", "-F", file)
        return try head(git)
    }

    private struct Scan {
        var outcome: GateProcess.Outcome
        var findings: [[String: Any]]
    }

    private func scan(_ scratch: ScratchDirectory, base: String, head: String? = nil) throws -> Scan {
        let range = head.map { ["--head", $0] } ?? ["--worktree"]
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base] + range + ["--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        return Scan(outcome: outcome, findings: document?["findings"] as? [[String: Any]] ?? [])
    }

    private func expectRedacted(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        // A Bool, so that a failure does not print the text (and the secret in it).
        let leaked = text.contains(FakeSecrets.gitlabTokenBody)
        #expect(!leaked, "a secret reached the output", sourceLocation: sourceLocation)
    }

    // MARK: - History

    @Test func aTokenAddedThenRemovedIsFoundInTheCommitThatAddedIt() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("src/config.py", "TOKEN = \"\(token)\"\n")
        let adding = try git.commitAll("add config")
        try scratch.write("src/config.py", "TOKEN = os.environ[\"TOKEN\"]\n")
        let removing = try git.commitAll("read the token from the environment")
        let result = try scan(scratch, base: base, head: removing)
        #expect(result.outcome.status == 1)
        expectRedacted(result.outcome.allOutput)
        let finding = try #require(result.findings.first { $0["path"] as? String == "src/config.py" })
        #expect(finding["commit"] as? String == adding)
        #expect(result.findings.count == 1)
    }

    /// The summary does not place a secret in the files the change leaves changed when a later commit
    /// deleted its file.
    @Test func theSummaryOfASecretInADeletedFileCountsNoChangedFile() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("notes.txt", "token: \(token)\n")
        _ = try git.commitAll("add notes")
        try git.run("rm", "-q", "notes.txt")
        let head = try git.commitAll("drop notes")
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base, "--head", head])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("1 secret found (0 files changed, "))
        expectRedacted(outcome.allOutput)
    }

    @Test func aTokenOnlyInTheSecondParentOfAMergeIsFound() throws {
        let (scratch, git, base, side) = try sideBranch(holding: "GITLAB_TOKEN=\(token)\n")
        // `-s ours` keeps main's tree: the token is in no diff from the first parent, nor in the head tree.
        try git.run("merge", "-q", "-s", "ours", "side", "-m", "merge side")
        let result = try scan(scratch, base: base, head: try head(git))
        #expect(result.outcome.status == 1)
        #expect(result.findings.contains { $0["path"] as? String == "side.env" && $0["commit"] as? String == side })
        expectRedacted(result.outcome.allOutput)
    }

    /// A merge brings a side branch's token to main: the merge's diff from its first parent adds the
    /// same line at the same place. The finding belongs to the side commit that wrote it, however the
    /// readers order the commits (newest first) and whichever scan batch finishes first.
    @Test func aTokenMergedFromASideBranchBelongsToTheCommitThatWroteIt() throws {
        let (scratch, git, base, side) = try sideBranch(holding: "FILLER=1\nGITLAB_TOKEN=\(token)\n")
        try git.run("merge", "-q", "--no-ff", "side", "-m", "merge side")
        let merge = try head(git)
        let result = try scan(scratch, base: base, head: merge)
        #expect(result.outcome.status == 1)
        let findings = result.findings.filter { $0["path"] as? String == "side.env" }
        #expect(findings.count == 1)
        #expect(findings.first?["commit"] as? String == side)
        #expect(findings.first?["line"] as? Int == 2)
        expectRedacted(result.outcome.allOutput)
    }

    @Test func anEvilMergeThatAddsATokenIsFound() throws {
        let (scratch, git, base) = try repository()
        try git.run("checkout", "-q", "-b", "side")
        try scratch.write("side.txt", "side\n")
        _ = try git.commitAll("side work")
        try git.run("checkout", "-q", "main")
        try git.run("merge", "-q", "--no-ff", "--no-commit", "side")
        try scratch.write("merged.env", "GITLAB_TOKEN=\(token)\n")
        let merge = try git.commitAll("merge side")
        let result = try scan(scratch, base: base, head: merge)
        #expect(result.findings.contains { $0["path"] as? String == "merged.env" && $0["commit"] as? String == merge })
    }

    @Test func aTokenInACommitMessageIsFoundAndRedacted() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("src/app.py", "print(3)\n")
        let commit = try commit(git, scratch: scratch, message: "fix: \(token)\n")
        let text = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base, "--head", commit])
        #expect(text.status == 1)
        #expect(text.stdout.contains("(commit message)"))
        expectRedacted(text.allOutput)
        let json = try scan(scratch, base: base, head: commit)
        #expect(json.findings.contains { $0["origin"] as? String == "commit message" && $0["commit"] as? String == commit })
    }

    @Test func aTokenAsAFileNameIsFoundAndTheNameIsRedactedInEveryReport() throws {
        let (scratch, git, base) = try repository()
        try git.run("checkout", "-q", "-b", "agent/work")
        try scratch.write("notes/\(token).txt", "nothing here\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.outcome.status == 1)
        #expect(result.findings.contains { $0["origin"] as? String == "file name" })
        expectRedacted(result.outcome.allOutput)

        let reports = scratch.path + "/../" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let kinds = ["json", "codequality", "junit", "sarif", "secret-detection"]
        let post = try GateProcess.run(["post", "--repo", scratch.path, "--base", base, "--state", scratch.path + "/none.json"]
            + kinds.flatMap { ["--report", "\($0)=\(reports)/\($0).out"] })
        #expect(post.status == 1)
        expectRedacted(post.allOutput)
        for kind in kinds {
            let text = try String(contentsOfFile: "\(reports)/\(kind).out", encoding: .utf8)
            #expect(!text.isEmpty)
            expectRedacted(text)
        }
    }

    @Test func aFileNamedAfterATokenIsRedactedInADiffScan() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("notes/\(token).txt", "key = \(FakeSecrets.anthropicKey)\n")
        let commit = try git.commitAll()
        let diff = try git.run("diff", base, commit)
        let outcome = try GateProcess.run(["scan", "--diff", "-"], stdin: Data(diff.utf8), directory: scratch.path)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("notes/glpa…#"))
        expectRedacted(outcome.allOutput)
    }

    @Test func aTokenAsASymlinkTargetIsFoundAndRedacted() throws {
        let (scratch, git, base) = try repository()
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: "/tmp/\(token)")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.outcome.status == 1)
        #expect(result.findings.contains { $0["path"] as? String == "link" })
        let post = try GateProcess.run(["post", "--repo", scratch.path, "--base", base, "--state", scratch.path + "/none.json"])
        #expect(post.status == 1)
        expectRedacted(post.allOutput)
    }

    /// A path that changes type has no old version to diff against: the scan read nothing of it, so a
    /// link (committed first, or in the base) replaced by a file with a token passed.
    @Test(arguments: ["link-to-file", "file-to-link", "link-to-file-uncommitted", "submodule-to-file"])
    func aTokenInAPathThatChangesTypeIsFound(change: String) throws {
        let (scratch, git, base) = try repository()
        let path = scratch.path + "/config"
        let second: String?
        switch change {
        case "file-to-link":
            try scratch.write("config", "plain = 1\n")
            _ = try git.commitAll()
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/etc/\(token)")
            second = try git.commitAll()
        case "submodule-to-file":
            try git.run("update-index", "--add", "--cacheinfo", "160000,\(base),config")
            try git.run("commit", "-q", "-m", "module")
            try scratch.write("config", "key = \(token)\n")
            try git.run("rm", "-q", "--cached", "config")
            second = try git.commitAll()
        default:
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "README.md")
            _ = try git.commitAll()
            try FileManager.default.removeItem(atPath: path)
            try scratch.write("config", "key = \(token)\n")
            second = change == "link-to-file" ? try git.commitAll() : nil
        }
        let result = try scan(scratch, base: base, head: second)
        #expect(result.outcome.status == 1)
        #expect(result.findings.contains { $0["path"] as? String == "config" })
        expectRedacted(result.outcome.allOutput)
    }

    /// A merge left unresolved: the index holds the path's conflicting versions and no single old one,
    /// libgit2 gives its working-tree file (or link) no patch, and the token written there passed.
    @Test(arguments: [false, true])
    func aTokenInAFileWithAnUnresolvedConflictIsFound(asLink: Bool) throws {
        let (scratch, git, base) = try repository()
        try git.run("checkout", "-q", "-b", "side")
        try scratch.write("src/app.py", "print(3)\n")
        _ = try git.commitAll("side")
        try git.run("checkout", "-q", "main")
        try scratch.write("src/app.py", "print(2)\n")
        _ = try git.commitAll("main")
        #expect(throws: GitFailure.self) { try git.run("merge", "-q", "side") }
        if asLink {
            try FileManager.default.removeItem(atPath: scratch.path + "/src/app.py")
            try FileManager.default.createSymbolicLink(atPath: scratch.path + "/src/app.py", withDestinationPath: "/etc/\(token)")
        } else {
            try scratch.write("src/app.py", "key = \"\(token)\"\n")
        }
        let result = try scan(scratch, base: base)
        #expect(result.outcome.status == 1)
        #expect(result.findings.contains { $0["path"] as? String == "src/app.py" })
        expectRedacted(result.outcome.allOutput)
    }

    /// Index marks that tell git not to look at a tracked file in the working tree: libgit2's diff
    /// honours them, so a token written into the file passed. The scan cannot see such a change, so it
    /// fails; a sparse checkout's marked files are absent and change nothing.
    @Test(arguments: ["--assume-unchanged", "--skip-worktree", "sparse"])
    func aFileGitIsToldNotToLookAtFailsTheWorkingTreeScan(mark: String) throws {
        let (scratch, git, base) = try repository()
        if mark == "sparse" {
            try git.run("update-index", "--skip-worktree", "src/app.py")
            try FileManager.default.removeItem(atPath: scratch.path + "/src/app.py")
        } else {
            try git.run("update-index", mark, "src/app.py")
            try scratch.write("src/app.py", "key = \"\(token)\"\n")
        }
        let outcome = try GateProcess.run(["scan", "--repo", scratch.path, "--base", base, "--worktree"])
        #expect(outcome.status == (mark == "sparse" ? 0 : 2))
        #expect(outcome.status == 0 || outcome.stderr.contains("skip-worktree"))
        expectRedacted(outcome.allOutput)
    }

    @Test func aTokenInTheBranchNameIsRedactedInThePostOutput() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("src/app.py", "print(4)\n")
        _ = try git.commitAll()
        let report = scratch.path + "/../" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let post = try GateProcess.run(["post", "--repo", scratch.path, "--base", base, "--state", scratch.path + "/none.json",
                                        "--report", "json=" + report],
                                       environment: ["CI_COMMIT_REF_NAME": "fix-\(token)", "CI_COMMIT_BRANCH": "fix-\(token)",
                                                     "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "fix-\(token)"])
        expectRedacted(post.allOutput)
        expectRedacted(try String(contentsOfFile: report, encoding: .utf8))
    }

    // MARK: - Content that git would not show as text

    @Test func aNULByteDoesNotHideATokenFromEitherSideOfTheChange() throws {
        let (scratch, git, base) = try repository(files: ["data.bin": "old\n"])
        var bytes = Data([0, 1, 2, 0]) + Data("\nkey = \(token)\n".utf8)
        try scratch.write("new.bin", bytes)
        bytes.append(contentsOf: [0, 0])
        try scratch.write("data.bin", bytes)
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        let paths = Set(result.findings.compactMap { $0["path"] as? String })
        #expect(paths.isSuperset(of: ["new.bin", "data.bin"]))
        expectRedacted(result.outcome.allOutput)
    }

    @Test(arguments: ["utf-16le", "utf-16be", "utf-16le-no-bom", "utf-32le"])
    func wideTextIsDecoded(encoding: String) throws {
        let (scratch, git, base) = try repository()
        let text = "config:\n  token: \(token)\n"
        let data: Data
        switch encoding {
        case "utf-16le": data = Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
        case "utf-16be": data = Data([0xFE, 0xFF]) + text.data(using: .utf16BigEndian)!
        case "utf-32le": data = Data([0xFF, 0xFE, 0, 0]) + text.data(using: .utf32LittleEndian)!
        default: data = text.data(using: .utf16LittleEndian)!
        }
        try scratch.write("settings.yml", data)
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.findings.contains { $0["path"] as? String == "settings.yml" }, "\(encoding)")
    }

    @Test(arguments: ["agent-gitattributes", "info-attributes", "base-attribute"])
    func attributesDoNotHideLines(how: String) throws {
        let baseFiles = how == "base-attribute" ? ["README.md": "x\n", ".gitattributes": "*.cfg -diff\n", "app.cfg": "a = 1\n"]
            : ["README.md": "x\n", "app.cfg": "a = 1\n"]
        let (scratch, git, base) = try repository(files: baseFiles)
        switch how {
        case "agent-gitattributes": try scratch.write(".gitattributes", "* binary\n*.cfg -diff -text\n")
        case "info-attributes": try scratch.write(".git/info/attributes", "* binary -diff\n")
        default: break
        }
        try scratch.write("app.cfg", "a = 1\ntoken = \(token)\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.findings.contains { $0["path"] as? String == "app.cfg" }, "\(how)")
        // The working tree is read raw too.
        try scratch.write("app.cfg", "a = 1\ntoken = \(token)\nmore = 2\n")
        let worktree = try scan(scratch, base: base)
        #expect(worktree.findings.contains { $0["path"] as? String == "app.cfg" }, "\(how), working tree")
    }

    @Test func aBinaryBlobOverTheLimitIsReportedUnscanned() throws {
        let (scratch, git, base) = try repository()
        var data = Data(count: (32 << 20) + 1)
        data[0] = 0x7F
        try scratch.write("big.bin", data)
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.outcome.status == 1)
        #expect(result.findings.contains { $0["rule"] as? String == "secrets.unscanned" && $0["path"] as? String == "big.bin" })
    }

    // MARK: - Encodings

    @Test(arguments: ["base64", "hex", "url", "unicode-escape", "base64-of-hex"])
    func encodedTokensAreFound(encoding: String) throws {
        let (scratch, git, base) = try repository()
        let plain = "token: \(token)"
        let encoded: String
        switch encoding {
        case "base64": encoded = "  config.yml: " + Data(plain.utf8).base64EncodedString()
        case "hex": encoded = "blob = \"" + plain.utf8.map { String(format: "%02x", $0) }.joined() + "\""
        case "url": encoded = "next=" + plain.utf8.map { String(format: "%%%02X", $0) }.joined()
        case "unicode-escape": encoded = "\"" + plain.utf8.map { String(format: "\\u%04x", $0) }.joined() + "\""
        default: encoded = "data: " + Data(plain.utf8.map { String(format: "%02x", $0) }.joined().utf8).base64EncodedString()
        }
        try scratch.write("deploy/secret.yml", "apiVersion: v1\nkind: Secret\ndata:\n\(encoded)\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        let finding = result.findings.first { $0["path"] as? String == "deploy/secret.yml" }
        #expect(finding?["line"] as? Int == 4, "\(encoding)")
        #expect((finding?["encoding"] as? String)?.hasPrefix(encoding.hasPrefix("base64") ? "base64" : encoding == "unicode-escape" ? "escape" : encoding) == true,
                "\(encoding)")
        expectRedacted(result.outcome.allOutput)
    }

    /// The token cut into string literals that the code joins again, as each language writes it; the
    /// finding is on the statement's first line and says so.
    @Test(arguments: ["plus", "php-dot", "python-implicit-over-lines", "shell-words", "plus-over-lines"])
    func aTokenCutIntoJoinedLiteralsIsFound(style: String) throws {
        let (scratch, git, base) = try repository()
        let cut = token.index(token.startIndex, offsetBy: 9)
        let (head, tail) = (String(token[..<cut]), String(token[cut...]))
        let source: String
        switch style {
        case "plus": source = "x = 1\nTOKEN = \"\(head)\" + \"\(tail)\"\n"
        case "php-dot": source = "x = 1\n$token = '\(head)' . '\(tail)';\n"
        case "python-implicit-over-lines": source = "x = 1\nTOKEN = (\"\(head)\"\n         \"\(tail)\")\n"
        case "shell-words": source = "x = 1\nexport TOKEN=\"\(head)\"'\(tail)'\n"
        default: source = "x = 1\nconst token = \"\(head)\" +\n  \"\(tail)\";\n"
        }
        try scratch.write("src/client.txt", source)
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.outcome.status == 1, "\(style)")
        let finding = result.findings.first { $0["path"] as? String == "src/client.txt" }
        #expect(finding?["line"] as? Int == 2, "\(style)")
        #expect(finding?["encoding"] as? String == "joined", "\(style)")
        expectRedacted(result.outcome.allOutput)
    }

    /// A string that merely follows another (an argument list, a comparison) joins nothing.
    @Test func literalsThatAreNotJoinedStayApart() throws {
        let (scratch, git, base) = try repository()
        let cut = token.index(token.startIndex, offsetBy: 9)
        try scratch.write("src/client.txt", "call(\"\(token[..<cut])\", \"\(token[cut...])\")\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.outcome.status == 0)
        #expect(result.findings.isEmpty)
    }

    @Test func aBase64EncodedPrivateKeyIsFound() throws {
        let (scratch, git, base) = try repository()
        let body = (0..<12).map { _ in String(repeating: "MIIEowIBAAKCAQEAq7Bx4Y9vN2mQ8sK3pL6tR1wZ5cF0hJ", count: 1) + "aB3d" }.joined(separator: "\n")
        let pem = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n"
        try scratch.write("k8s/tls.yml", "data:\n  tls.key: \(Data(pem.utf8).base64EncodedString())\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        #expect(result.findings.contains { $0["path"] as? String == "k8s/tls.yml" && $0["encoding"] as? String == "base64" })
    }

    // MARK: - Allowlists

    @Test func anEncryptionMarkerSuppressesOnlyTheValueItWraps() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("secrets.yml", "token: \(token) # ENC[AES256_GCM,data:\n"
            + "other: \(FakeSecrets.anthropicKey) $ANSIBLE_VAULT;1.1;AES256\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        let lines = Set(result.findings.compactMap { $0["line"] as? Int })
        #expect(lines == [1, 2])
    }

    @Test func aRealKeyWithExampleAppendedIsFound() throws {
        let (scratch, git, base) = try repository()
        try scratch.write("config.env", "GITLAB_TOKEN=\(token)EXAMPLE\nANTHROPIC_API_KEY=\(FakeSecrets.anthropicKey)_example\n")
        let commit = try git.commitAll()
        let result = try scan(scratch, base: base, head: commit)
        let lines = Set(result.findings.compactMap { $0["line"] as? Int })
        #expect(lines == [1, 2])
    }
}
