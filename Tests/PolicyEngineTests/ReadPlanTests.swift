import Foundation
import Testing
import TestSupport
@testable import PolicyEngine

/// The scan reads a history's files grouped by the packs' delta chains, so that each version is
/// rebuilt about once however the commits spread over the files.
@Suite struct ReadPlanTests {
    static let files = 12, commits = 10

    /// `files` files of distinct words, each grown by a few lines in every one of `commits` commits
    /// (a token among them), packed by git into one delta chain per file.
    private static func grownHistory(_ scratch: ScratchDirectory) throws -> (base: String, head: String, token: String) {
        var generator = SeededWords(seed: 5)
        var contents = (0..<files).map { file in (0..<250).map { _ in generator.line(file) } }
        let git = try GitCLI.repository(in: scratch, files: Dictionary(uniqueKeysWithValues: contents.enumerated().map {
            ("file\($0.offset).txt", $0.element.joined(separator: "\n") + "\n")
        }))
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let token = DemoTokens.token(3)
        for commit in 0..<commits {
            for file in 0..<files {
                let at = generator.next(below: contents[file].count)
                let inserted = commit == 6 && file == 4 ? ["key = \(token)"] : [generator.line(file), generator.line(file)]
                contents[file].insert(contentsOf: inserted, at: at)
                try scratch.write("file\(file).txt", contents[file].joined(separator: "\n") + "\n")
            }
            _ = try git.commitAll("grow \(commit)")
        }
        try git.run("repack", "-adfq", "--depth=50", "--window=50")
        let head = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        return (base, head, token)
    }

    /// Whole blobs and delta blobs in the repository's pack, as `git verify-pack` lists them.
    private static func packedBlobs(_ scratch: ScratchDirectory) throws -> (whole: Int, deltas: Int) {
        let blobs = try packedEntries(scratch.path).filter { $0.type == "blob" }
        return (blobs.filter { $0.depth == 0 }.count, blobs.filter { $0.depth > 0 }.count)
    }

    @Test func eachVersionIsBuiltAboutOnceWithACacheOfAFewVersions() throws {
        let scratch = try ScratchDirectory()
        let (base, head, token) = try Self.grownHistory(scratch)
        let (whole, deltas) = try Self.packedBlobs(scratch)
        #expect(whole <= Self.files + 1 && deltas >= Self.files * Self.commits - 1, "git packed one chain per file")
        let scanner = try DemoTokens.scanner()
        let input = SecretScan.Input.git(repository: scratch.path, base: base, head: .revision(head))
        // Each file is about 14 KB: the cache holds about 18 versions, where a commit reads 24 and their bases.
        let small = try SecretScan.run(input, scanner: scanner, packCache: 256 << 10)
        let reads = try #require(small.packReads)
        // Read commit after commit, this cache rebuilt every version from its chain's whole base: 120
        // whole objects inflated and 324 deltas applied. Two readers, whose versions share the cache,
        // still evict a few bases early.
        #expect(reads.wholeObjects <= 2 * whole)
        #expect(reads.deltas <= deltas + deltas / 4)
        #expect(small.findings.map(\.ruleID) == ["demo-token"])
        #expect(small.findings.allSatisfy { !$0.redacted.contains(token) })
        let large = try SecretScan.run(input, scanner: scanner)
        #expect(small.findings.map(\.fingerprint) == large.findings.map(\.fingerprint))
    }

    /// A history read in windows of a few files each finds what one window finds, every commit's
    /// files read once.
    @Test func windowsOfAFewFilesFindTheSameAsOne() throws {
        let scratch = try ScratchDirectory()
        let (base, head, _) = try Self.grownHistory(scratch)
        let scanner = try DemoTokens.scanner()
        let input = SecretScan.Input.git(repository: scratch.path, base: base, head: .revision(head))
        let whole = try SecretScan.run(input, scanner: scanner)
        let windowed = try SecretScan.run(input, scanner: scanner, packCache: PackObjectReader.defaultCacheBudget,
                                          filesPerWindow: 5)
        #expect(windowed.findings.map(\.fingerprint) == whole.findings.map(\.fingerprint))
        #expect(windowed.findings.count == 1)
        #expect(windowed.statistics.bytes == whole.statistics.bytes)
        #expect(windowed.files.map(\.path) == whole.files.map(\.path))
    }

    /// Type changes and submodules need libgit2's own patch, made on the handle that made the diff while
    /// both readers run: the tokens of files that turn from links into files are found in every commit.
    @Test func filesThatNeedLibgit2sPatchAreReadUnderTheDiffsLock() throws {
        let scratch = try ScratchDirectory()
        let git = try GitCLI.repository(in: scratch)
        let base = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        var expected: [String] = []
        for commit in 0..<6 {
            for file in 0..<4 {
                let path = "c\(commit)-f\(file)"
                try FileManager.default.createSymbolicLink(atPath: scratch.path + "/" + path, withDestinationPath: "README.md")
            }
            try git.run("update-index", "--add", "--cacheinfo", "160000,\(base),module\(commit)")
            _ = try git.commitAll("links \(commit)")
            for file in 0..<4 {
                let path = "c\(commit)-f\(file)"
                try FileManager.default.removeItem(atPath: scratch.path + "/" + path)
                try scratch.write(path, "key = \(DemoTokens.token(commit * 4 + file))\n")
                expected.append(path)
            }
            _ = try git.commitAll("files \(commit)")
        }
        try git.run("repack", "-adq")
        let head = try git.run("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try SecretScan.run(.git(repository: scratch.path, base: base, head: .revision(head)),
                                        scanner: try DemoTokens.scanner(), packCache: 4 << 10)
        #expect(result.findings.map(\.path).sorted() == expected.sorted())
        #expect(result.findings.allSatisfy { $0.line == 1 })
    }

    /// Readers finish in any order: two secrets on the same line of the same file in two commits are
    /// reported in one order whatever order they were found in.
    @Test func reportsDoNotDependOnTheOrderFindingsArrive() throws {
        let findings = (0..<6).map { index in
            SecretFinding(ruleID: "demo-token", description: "", path: "a.txt", line: 7, endLine: 7, column: 1,
                          commit: String(repeating: String(index % 3), count: 40), redacted: "demo…",
                          secretHash: "hash\(index)", entropy: 4, tags: [], hasAllowMarker: false)
        }
        let scanner = try DemoTokens.scanner()
        let reference = SecretScan.redactingPaths(findings, scanner: scanner).map(\.secretHash)
        for _ in 0..<20 {
            #expect(SecretScan.redactingPaths(findings.shuffled(), scanner: scanner).map(\.secretHash) == reference)
        }
    }
}

/// Lines of words that differ from file to file, from a fixed seed.
private struct SeededWords {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    mutating func line(_ file: Int) -> String {
        (0..<6).map { _ in "w\(file)x\(next(below: 5000))" }.joined(separator: " ")
    }
}
