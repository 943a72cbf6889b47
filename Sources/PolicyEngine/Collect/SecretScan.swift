import Foundation

/// Runs the secret scanner over one input: a unified diff, a git range or working tree, or a folder.
/// Reading and scanning overlap: the reader feeds a `ScanPipeline` that scans on all cores.
public enum SecretScan {
    /// What to scan.
    public enum Input: Sendable {
        /// A unified diff file, or `-` for standard input.
        case diff(path: String)
        /// Added lines of `base..head` in a repository.
        case git(repository: String, base: String, head: GitRepository.DiffTarget)
        /// Every text file under a folder, except the given full paths.
        case directory(path: String, excluding: Set<String>)
    }

    /// What the scan found and read.
    public struct Result: Sendable {
        /// Findings sorted by path, line and rule.
        public var findings: [SecretFinding]
        /// The changed (or scanned) files.
        var files: [ChangedFile]
        /// Fragments and bytes scanned.
        var statistics: ScanPipeline.Statistics
        /// Files that were not scanned, with the reason (folder scans).
        var skipped: [String]
        /// The resolved base commit (git input).
        public var base: String?
        /// The resolved head commit (git input with a revision).
        public var head: String?
        /// How much rebuilding the pack reader did (git input).
        var packReads: PackObjectReader.ReadCounts?
    }

    /// An input could not be read.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        /// What failed, with the library's or system's words.
        public var description: String
    }

    /// Scans `input`.
    /// - Throws: `InputError`, `DiffParseError`, or a scan error; never returns a partial result as complete.
    public static func run(_ input: Input, scanner: SecretScanner) throws -> Result {
        try run(input, scanner: scanner, packCache: PackObjectReader.defaultCacheBudget)
    }

    /// Scans `input`, with a pack reader cache of `packCache` bytes and read plans of at most
    /// `filesPerWindow` files (tests make them small).
    static func run(_ input: Input, scanner: SecretScanner, packCache: Int,
                    filesPerWindow: Int = ReadPlan.filesPerWindow) throws -> Result {
        let pipeline = ScanPipeline(scanner: scanner)
        switch input {
        case .diff(let path):
            let collector = ChangeCollector(commit: nil) { pipeline.submit($0) }
            let handle: FileHandle
            if path == "-" {
                handle = FileHandle.standardInput
            } else {
                guard let file = FileHandle(forReadingAtPath: path) else {
                    throw InputError(description: "\(path): cannot open the diff for reading")
                }
                handle = file
            }
            defer { if path != "-" { try? handle.close() } }
            do {
                try UnifiedDiffReader(source: path == "-" ? "<stdin>" : path).read(handle, into: collector)
            } catch let error as DiffParseError {
                throw error
            } catch {
                throw InputError(description: "\(path): cannot read the diff: \(error.localizedDescription)")
            }
            let findings = redactingPaths(try pipeline.finish(), scanner: scanner)
            return Result(findings: findings, files: collector.files, statistics: pipeline.statistics, skipped: [])

        case .git(let path, let base, let head):
            let repository: GitRepository
            do {
                repository = try GitRepository(path: path)
            } catch {
                let what = error.function == "git_repository_open_ext" ? "not a git repository" : "cannot read the repository"
                throw InputError(description: "\(path): \(what): \(error.message)")
            }
            let baseCommit = try resolve(base, in: repository, path: path)
            var headCommit: String?
            if case .revision(let revision) = head {
                headCommit = try resolve(revision, in: repository, path: path)
            }
            let history = try CommitHistory.read(repository: repository, path: path, base: baseCommit, head: headCommit)
            let jobs = history.jobs(base: baseCommit, head: headCommit)
            // Mapping the packs costs start-up time; a change with no commit to read does without.
            let packs = jobs.contains { $0.scans } ? PackObjectReader(objectsDirectory: repository.objectsDirectory, cacheBudget: packCache)
                : nil
            var packReads: PackObjectReader.ReadCounts?
            let reads = try readInParallel(path: path, jobs: jobs, repository: repository, packs: packs, pipeline: pipeline,
                                           filesPerWindow: filesPerWindow, packReads: &packReads)
            var findings = try pipeline.finish()
            findings += try history.scanMessagesAndNames(reads, scanner: scanner)
            findings += reads.unscanned
            return Result(findings: history.introducing(findings, scanner: scanner), files: reads.files,
                          statistics: pipeline.statistics, skipped: [], base: baseCommit, head: headCommit,
                          packReads: packReads)

        case .directory(let path, let excluding):
            var walker = DirectoryScanner()
            var files: [ChangedFile] = []
            do {
                try walker.walk(root: path, ruleSet: scanner.ruleSet,
                                excluding: Set(excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.path })) {
                    if files.last?.path != $0.path { files.append(ChangedFile(path: $0.path, status: .added)) }
                    pipeline.submit($0)
                }
            } catch let error as NativeError {
                throw error
            } catch let error as DirectoryScanner.ReadError {
                throw InputError(description: error.description)
            } catch {
                throw InputError(description: "\(path): cannot read the folder: \(error.localizedDescription)")
            }
            let findings = redactingPaths(try pipeline.finish(), scanner: scanner)
            return Result(findings: findings, files: files, statistics: pipeline.statistics,
                          skipped: walker.skipped.map { scanner.redactingSecrets(in: "\($0.path): \($0.reason)") })
        }
    }

    /// The findings with their paths redacted (a file may be named after a secret), sorted by path,
    /// line, rule and column, then commit and secret, so that reports do not depend on which reader
    /// thread finished first.
    static func redactingPaths(_ findings: [SecretFinding], scanner: SecretScanner) -> [SecretFinding] {
        var redacted: [String: String] = [:]
        return findings.map { finding in
            var shown = finding
            if redacted[finding.path] == nil { redacted[finding.path] = scanner.redactingSecrets(in: finding.path) }
            shown.path = redacted[finding.path] ?? finding.path
            return shown
        }.sorted {
            ($0.path, $0.line, $0.ruleID, $0.column, $0.commit ?? "", $0.secretHash)
                < ($1.path, $1.line, $1.ruleID, $1.column, $1.commit ?? "", $1.secretHash)
        }
    }

    private static func resolve(_ revision: String, in repository: GitRepository, path: String) throws -> String {
        do {
            return try repository.resolveCommit(revision)
        } catch {
            throw InputError(description: "\(path): revision '\(revision)' does not name a commit: \(error.message)")
        }
    }
}
