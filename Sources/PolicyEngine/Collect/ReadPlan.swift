/// The files of a change's diffs in the order their blobs sit in the packs' delta chains.
///
/// git stores the versions of similar files as chains of deltas, each whole only at the chain's end,
/// and the files one commit touches sit in many chains. Read commit after commit, a chain's bases had
/// left the pack reader's cache long before the next version built on them was asked for: on 200 MiB
/// over 40 commits the reader inflated 1.07 GB of whole objects and built 2.7 GB through deltas for
/// 0.5 GB of distinct blobs. Grouped by chain, bases first, each is built about once.
///
/// A plan covers a window of consecutive diffs, closed once their files reach ``filesPerWindow``, so
/// that the diffs it keeps open stay small on a history of any length.
struct ReadPlan {
    /// File `file` of the diff of `job`.
    struct Task {
        var job: Int
        var file: Int
    }

    /// The diffs of the window, by job index.
    let diffs: [Int: PreparedDiff]
    let tasks: [Task]
    /// Runs of tasks that one reader takes at once: the files of one chain, so that two readers do not
    /// build the same bases side by side.
    let units: [Range<Int>]

    /// Files after which a window takes no further diff.
    static let filesPerWindow = 50_000
    /// The most files in one unit, so that a long chain is still shared by the readers.
    static let filesPerUnit = 64

    /// Plans the next window of `order` (job indices, read in that order when nothing else decides),
    /// starting at `next`, which it moves past the jobs it took.
    /// - Parameter repository: makes the diffs; its handle must not be used elsewhere while readers run,
    ///   except through the diffs.
    static func nextWindow(of order: [Int], from next: inout Int, jobs: [DiffJob], repository: GitRepository,
                           packs: PackObjectReader?, filesPerWindow: Int = filesPerWindow) throws(NativeError) -> ReadPlan? {
        guard next < order.count else { return nil }
        var diffs: [Int: PreparedDiff] = [:]
        var keyed: [(root: Int, entry: Int, sequence: Int, task: Task)] = []
        var roots: [Int: Int] = [:]
        repeat {
            let job = order[next]
            let diff = try repository.prepareDiff(from: jobs[job].parent, to: jobs[job].target)
            diffs[job] = diff
            for file in 0..<diff.count {
                let names = diff.blobNames(at: file)
                let position = (names.new ?? names.old).flatMap { packs?.chainPosition(of: $0, roots: &roots) }
                keyed.append((position?.root ?? .max, position?.entry ?? .max, keyed.count, Task(job: job, file: file)))
            }
            next += 1
        } while next < order.count && keyed.count < filesPerWindow
        keyed.sort { ($0.root, $0.entry, $0.sequence) < ($1.root, $1.entry, $1.sequence) }
        var units: [Range<Int>] = []
        var start = 0
        for index in keyed.indices.dropFirst()
            where keyed[index].root != keyed[start].root || keyed[index].root == .max || index - start == filesPerUnit {
            units.append(start..<index)
            start = index
        }
        if !keyed.isEmpty { units.append(start..<keyed.count) }
        return ReadPlan(diffs: diffs, tasks: keyed.map(\.task), units: units)
    }
}
