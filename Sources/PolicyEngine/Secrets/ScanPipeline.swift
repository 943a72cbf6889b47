import Dispatch

/// Scans fragments on all cores while the producer (git, or a diff reader) keeps reading.
///
/// Fragments are grouped into batches; at most `maxBatchesInFlight` batches exist at once, so
/// memory stays flat however large the input is. The first scan error is kept and rethrown by
/// `finish()`: a fragment that could not be checked is never counted as clean.
/// `submit` may be called from several threads at once (one per git reader).
final class ScanPipeline: Sendable {
    private let scanner: SecretScanner
    private let queue = DispatchQueue(label: "policy-gate.scan", attributes: .concurrent)
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let state = Shared()
    private let pending = Locked(Pending())
    private let batchLimit: Int

    private struct Pending {
        var batch: [ScanFragment] = []
        var bytes = 0
        var statistics = Statistics()
    }

    /// Totals of what was scanned.
    struct Statistics: Sendable, Equatable {
        /// Fragments scanned.
        var fragments = 0
        /// Bytes scanned.
        var bytes = 0
    }

    private final class Shared: Sendable {
        let findings = Locked<[SecretFinding]>([])
        let error = Locked<(any Error)?>(nil)
    }

    /// Creates a pipeline.
    /// - Parameters:
    ///   - scanner: the scanner to run.
    ///   - workers: batches scanned at once (default: the number of cores).
    ///   - batchLimit: bytes per batch.
    init(scanner: SecretScanner, workers: Int = ProcessInfoCores.count, batchLimit: Int = 512 * 1024) {
        self.scanner = scanner
        self.slots = DispatchSemaphore(value: max(1, workers) * 2)
        self.batchLimit = batchLimit
    }

    /// What has been submitted so far.
    var statistics: Statistics {
        pending.withLock { $0.statistics }
    }

    /// Queues a fragment; blocks while too many batches are waiting.
    func submit(_ fragment: ScanFragment) {
        let full: [ScanFragment]? = pending.withLock { state in
            state.statistics.fragments += 1
            state.statistics.bytes += fragment.bytes.count
            state.bytes += fragment.bytes.count
            state.batch.append(fragment)
            guard state.bytes >= batchLimit else { return nil }
            defer {
                state.batch = []
                state.bytes = 0
            }
            return state.batch
        }
        if let full {
            dispatch(full)
        }
    }

    /// Waits for every batch and returns all findings sorted by path, line and rule.
    /// - Throws: the first error any batch hit.
    func finish() throws -> [SecretFinding] {
        let rest = pending.withLock { state in
            defer {
                state.batch = []
                state.bytes = 0
            }
            return state.batch
        }
        if !rest.isEmpty {
            dispatch(rest)
        }
        group.wait()
        if let error = state.error.withLock({ $0 }) {
            throw error
        }
        // Overlapping windows of a long line can report the same secret twice. The commit is part of
        // the key: the same line in two commits is two findings, and which commit introduced it is
        // decided later (the oldest), not by which batch finished first.
        var seen = Set<String>()
        let unique = state.findings.withLock { $0 }.filter {
            seen.insert("\($0.commit ?? ""):\($0.path):\($0.line):\($0.ruleID):\($0.secretHash)").inserted
        }
        return unique.sorted {
            ($0.path, $0.line, $0.ruleID, $0.column) < ($1.path, $1.line, $1.ruleID, $1.column)
        }
    }

    private func dispatch(_ work: [ScanFragment]) {
        slots.wait()
        let scanner = self.scanner
        let state = self.state
        let slots = self.slots
        queue.async(group: group) {
            defer { slots.signal() }
            var found: [SecretFinding] = []
            do {
                for fragment in work {
                    found.append(contentsOf: try scanner.scan(fragment))
                }
            } catch {
                state.error.withLock { if $0 == nil { $0 = error } }
                return
            }
            if !found.isEmpty {
                state.findings.withLock { $0.append(contentsOf: found) }
            }
        }
    }
}

/// The number of cores this process may use.
enum ProcessInfoCores {
    /// Active processor count, at least 1.
    static var count: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

import Foundation
