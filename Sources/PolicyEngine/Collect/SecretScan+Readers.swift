import Foundation

/// The threads that read a git change's diffs for ``SecretScan``.
extension SecretScan {
    /// Reads the diffs on several threads, each with its own repository handle, so that reading git (the
    /// floor of the whole scan) is not limited to one core. The diffs are read in the order of a
    /// ``ReadPlan`` (by the packs' delta chains, whose bases the shared pack reader's cache holds). The
    /// net diff, read only for its list of files, is planned with the last commits: its files sit next
    /// to the commits' reads of the same blobs, whose line counts it takes.
    /// - Parameter repository: makes the diffs; not used elsewhere until this returns.
    /// - Parameter filesPerWindow: the most files of one ``ReadPlan`` (at least one diff).
    /// - Parameter packReads: set to the pack reader's work.
    static func readInParallel(path: String, jobs: [DiffJob], repository: GitRepository, packs: PackObjectReader?,
                               pipeline: ScanPipeline, filesPerWindow: Int,
                               packReads: inout PackObjectReader.ReadCounts?) throws -> DiffReads {
        let wholeFiles = jobs.contains { !$0.scans } ? WholeFileCounts() : nil
        var reads = DiffReads()
        // Newest commit first where the packs do not decide: git packs the newest version of a file
        // whole and older ones as deltas against newer ones. The net diff last.
        let order = jobs.indices.filter { jobs[$0].scans }.reversed() + jobs.indices.filter { !jobs[$0].scans }
        var next = 0
        while let plan = try diffing(path, jobs, {
            try ReadPlan.nextWindow(of: order, from: &next, jobs: jobs, repository: repository, packs: packs,
                                    filesPerWindow: filesPerWindow)
        }) {
            reads.merge(try read(plan, jobs: jobs, path: path, packs: packs, pipeline: pipeline, wholeFiles: wholeFiles))
        }
        packReads = packs?.readCounts
        reads.files.sort { $0.path < $1.path }
        return reads
    }

    /// Reads a plan's files, each reader taking the next unit of it. A scanning diff's lines go to the
    /// pipeline; of the net diff only the files and their line counts are kept.
    private static func read(_ plan: ReadPlan, jobs: [DiffJob], path: String, packs: PackObjectReader?,
                             pipeline: ScanPipeline, wholeFiles: WholeFileCounts?) throws -> DiffReads {
        let nextUnit = Locked(0)
        return try onReaders(path: path, packs: packs) { reader in
            var collectors: [Int: ChangeCollector] = [:]
            while case let unit = nextUnit.withLock({ next in defer { next += 1 }; return next }), unit < plan.units.count {
                for task in plan.tasks[plan.units[unit]] {
                    let job = jobs[task.job]
                    let collector = collectors[task.job] ?? ChangeCollector(commit: job.commit, keepsLines: job.scans) { fragment in
                        if job.scans { pipeline.submit(fragment) }
                    }
                    collectors[task.job] = collector
                    guard let diff = plan.diffs[task.job] else {
                        throw InputError(description: "\(path): a planned diff is missing")
                    }
                    try diffing(path, [job]) {
                        try reader.visitFile(task.file, of: diff, into: collector, wholeFiles: wholeFiles, readsContent: job.scans)
                    }
                }
            }
            var reads = DiffReads()
            for (index, job) in jobs.enumerated() {
                if let collector = collectors[index] { reads.add(collector, job: job) }
            }
            return reads
        }
    }

    /// Runs `body` on this many reader threads, each with its own handle on the repository at `path`
    /// and all with the same pack reader, and merges what they read.
    /// - Throws: the first reader's error, in the readers' order.
    private static func onReaders(path: String, packs: PackObjectReader?,
                                  _ body: @escaping @Sendable (GitRepository) throws -> DiffReads) throws -> DiffReads {
        let readers = min(ProcessInfoCores.count, 4)
        let results = ReaderResults()
        // Readers get threads of their own: they block when the scanners fall behind, and a blocked
        // Dispatch worker would keep a scanner from running on the small Dispatch pool.
        let finished = DispatchSemaphore(value: 0)
        for share in 0..<readers {
            let thread = Thread {
                let outcome = Swift.Result<DiffReads, any Error> {
                    // `run` opened (and checked) the same repository just before.
                    try body(try GitRepository(path: path, checksLooseObjects: false, packs: packs))
                }
                results.outcomes.withLock { $0[share] = outcome }
                finished.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<readers { finished.wait() }
        var reads = DiffReads()
        for share in 0..<readers {
            switch results.outcomes.withLock({ $0[share] }) {
            case .success(let found)?:
                reads.merge(found)
            case .failure(let error)?:
                throw error
            case nil:
                throw InputError(description: "\(path): a diff reader did not finish")
            }
        }
        return reads
    }

    /// Runs `body`, naming the diffs it reads in a libgit2 or pack error.
    private static func diffing<Value>(_ path: String, _ jobs: [DiffJob], _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let error as NativeError {
            let ranges = jobs.map { "\($0.parent ?? "empty tree")..\($0.commit ?? "working tree")" }
            throw InputError(description: "\(path): cannot diff \(ranges.count == 1 ? ranges[0] : "the commits"): \(error)")
        }
    }

    /// What each reader thread ended with.
    private final class ReaderResults: Sendable {
        let outcomes = Locked<[Int: Swift.Result<DiffReads, any Error>]>([:])
    }
}
