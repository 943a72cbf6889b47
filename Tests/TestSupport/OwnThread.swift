import Foundation

/// Runs blocking `work` (a child process, a pipeline of jobs) on a new thread and awaits it.
///
/// Neither the concurrency pool nor Dispatch's global queues suit such work: the first has one
/// thread per core, and on Linux the second adds a thread for a blocked one only about once a
/// second, so a burst of waiting tests would delay every timer and fake server by seconds.
public func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
