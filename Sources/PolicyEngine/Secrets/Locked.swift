import Foundation

/// A value that threads share behind a lock.
///
/// A pthread mutex (`NSLock`) rather than `Synchronization.Mutex`: both exclude each other correctly,
/// but ThreadSanitizer follows pthread mutexes, while Mutex's raw futex calls look to it like races,
/// which would hide a real one in the sanitizer run.
final class Locked<Value>: @unchecked Sendable {
    // Only touched inside `withLock`.
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
