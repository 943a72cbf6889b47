import Foundation

/// A task executor with threads of its own. Swift Testing runs synchronous tests on the cooperative
/// pool, which has one thread per core; a few tests waiting for a child process there stall every
/// async task for seconds, so a fake server that must answer within a timeout runs its tasks here.
/// Each fake server has its own, so one busy test (an audit of 2,000 merge requests) cannot make
/// another test's server late either. The threads stay, idle, for the life of the test process.
public final class DedicatedThreadsExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "test-executor-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
