import Foundation

/// The commits of a change, scanned one by one: the merge request hands over its whole history, so a
/// secret added in one commit and removed in a later one, or brought in by a merge's second parent, is
/// still published. Each commit's added lines against each of its parents, its message and its file
/// names are scanned; a secret seen several times is reported once, with the oldest commit that has it.
struct CommitHistory {
    /// The commits of `base..head`, parents before children.
    var commits: [GitRepository.Commit]
    /// The commit the working tree is compared with, when the head is the working tree.
    var workingTreeParent: String?

    static let messagePath = "(commit message)"
    static let fileNamePath = "(file name)"

    /// Lists the commits of `base..head`, or `base..HEAD` and then the working tree when `head` is `nil`.
    static func read(repository: GitRepository, path: String, base: String, head: String?) throws -> CommitHistory {
        do {
            let tip = try head ?? repository.resolveCommit("HEAD")
            return CommitHistory(commits: try repository.commits(from: base, to: tip),
                                 workingTreeParent: head == nil ? tip : nil)
        } catch {
            throw SecretScan.InputError(description: "\(path): cannot list the commits of \(base)..\(head ?? "HEAD"): \(error)")
        }
    }

    /// One diff per commit and parent (a root commit against the empty tree), then the working tree;
    /// and the net diff `base..head` for the list of changed files, scanned only when it is also the
    /// one commit's diff.
    func jobs(base: String, head: String?) -> [DiffJob] {
        var jobs: [DiffJob] = []
        for commit in commits {
            for parent in commit.parents.isEmpty ? [nil] : commit.parents.map(Optional.some) {
                jobs.append(DiffJob(commit: commit.id, parent: parent, target: .revision(commit.id), scans: true, lists: false))
            }
        }
        if let workingTreeParent {
            jobs.append(DiffJob(commit: nil, parent: workingTreeParent, target: .workingTree, scans: true, lists: false))
        }
        let net: GitRepository.DiffTarget = head.map { .revision($0) } ?? .workingTree
        if jobs.count == 1, jobs[0].parent == base, jobs[0].target == net {
            jobs[0].lists = true
        } else {
            jobs.append(DiffJob(commit: head, parent: base, target: net, scans: false, lists: true))
        }
        return jobs
    }

    /// Scans each commit's message and each file name the scanning diffs saw (once per name, with the
    /// first commit that has it). Names are scanned under a fixed path, so that no path allowlist applies.
    func scanMessagesAndNames(_ reads: DiffReads, scanner: SecretScanner) throws -> [SecretFinding] {
        var found: [SecretFinding] = []
        for commit in commits {
            found += try scanner.scan(ScanFragment(path: Self.messagePath, commit: commit.id, bytes: commit.message,
                                                   firstLine: 1, origin: "commit message"))
        }
        var seen = Set<String>()
        var order: [String: Int] = [:]
        for (index, commit) in commits.enumerated() { order[commit.id] = index }
        // The readers' lists come in any order; the oldest commit with the name is the one it is reported with.
        let names = reads.names.enumerated().sorted {
            ($0.element.commit.flatMap { order[$0] } ?? commits.count, $0.offset)
                < ($1.element.commit.flatMap { order[$0] } ?? commits.count, $1.offset)
        }.map(\.element)
        for (commit, name) in names where seen.insert(name).inserted {
            // Also with dots as spaces: `<token>.txt` must end the token the way a space does.
            let text = name + "\n" + name.replacingOccurrences(of: ".", with: " ")
            found += try scanner.scan(ScanFragment(path: Self.fileNamePath, commit: commit, bytes: Array(text.utf8),
                                                   firstLine: 1, origin: "file name")).map { finding in
                var named = finding
                named.path = name
                named.line = 1
                named.endLine = 1
                return named
            }
        }
        return found
    }

    /// One finding per rule, path, origin and secret: the one of the oldest commit (the working tree
    /// last), with every path redacted.
    func introducing(_ findings: [SecretFinding], scanner: SecretScanner) -> [SecretFinding] {
        var order: [String: Int] = [:]
        for (index, commit) in commits.enumerated() { order[commit.id] = index }
        let rank = { (finding: SecretFinding) in (finding.commit.flatMap { order[$0] } ?? commits.count, finding.line, finding.column) }
        var kept: [String: SecretFinding] = [:]
        for finding in findings {
            let key = [finding.ruleID, finding.path, finding.secretHash, finding.origin ?? "", finding.encoding ?? ""]
                .joined(separator: "\u{0}")
            if let other = kept[key], rank(other) <= rank(finding) { continue }
            kept[key] = finding
        }
        return SecretScan.redactingPaths(Array(kept.values), scanner: scanner)
    }
}

/// One diff to read: `parent` (`nil`: the empty tree) to `target`, its lines attributed to `commit`.
struct DiffJob: Sendable {
    var commit: String?
    var parent: String?
    var target: GitRepository.DiffTarget
    /// Whether its added lines are scanned.
    var scans: Bool
    /// Whether its files are the change's list of changed files.
    var lists: Bool
}

/// What the readers of the diffs saw.
struct DiffReads: Sendable {
    /// The changed files of the net diff.
    var files: [ChangedFile] = []
    /// File names (new and old paths) of the scanning diffs, with their commit.
    var names: [(commit: String?, name: String)] = []
    /// A finding for each blob too large to scan.
    var unscanned: [SecretFinding] = []

    mutating func add(_ collector: ChangeCollector, job: DiffJob) {
        if job.lists { files += collector.files }
        guard job.scans else { return }
        for file in collector.files {
            names.append((job.commit, file.path))
            if let old = file.oldPath { names.append((job.commit, old)) }
        }
        unscanned += collector.unscanned.map { entry in
            SecretFinding(ruleID: SecretUnscannedRule.id,
                          description: "binary file of \(entry.size) bytes, over the \(ScannableText.binaryLimit >> 20) MiB "
                              + "limit of binary files scanned: its content was not checked",
                          path: entry.path, line: 1, endLine: 1, column: 1, commit: job.commit, redacted: "(not scanned)",
                          secretHash: "", entropy: 0, tags: [], hasAllowMarker: false)
        }
    }

    mutating func merge(_ other: DiffReads) {
        files += other.files
        names += other.names
        unscanned += other.unscanned
    }
}
