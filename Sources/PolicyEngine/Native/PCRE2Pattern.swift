internal import CPCRE2
import Synchronization

/// A compiled, JIT-optimised PCRE2 pattern that matches UTF-8 bytes.
///
/// Options follow what keeps gitleaks' RE2 patterns meaning the same thing under PCRE2:
/// UTF mode with invalid UTF-8 tolerated (invalid bytes match nothing), `$` only at the very end,
/// LF as the only newline, no Unicode properties for `\w \d \b`.
///
/// The compiled code is modified only once more after `init`, by the JIT compilation on first use,
/// which a lock serialises before any match runs; PCRE2 then allows one compiled pattern to be used by
/// several threads at once as long as each match gets its own match data, which `firstMatch`
/// allocates per call. That is why this type may be `@unchecked Sendable`.
public final class PCRE2Pattern: @unchecked Sendable {
    /// Limits that bound the work of one match, so that a pathological pattern fails instead of hanging.
    public struct Limits: Sendable, Equatable {
        /// PCRE2's match limit (calls of the internal match function).
        var matchLimit: UInt32
        /// PCRE2's depth limit (backtracking depth).
        var depthLimit: UInt32

        /// Creates limits.
        public init(matchLimit: UInt32 = 10_000_000, depthLimit: UInt32 = 100_000) {
            self.matchLimit = matchLimit
            self.depthLimit = depthLimit
        }
    }

    /// The source text of the pattern.
    public let source: String
    /// Number of capture groups in the pattern.
    let captureCount: Int
    /// The match and depth limits every match runs under.
    let limits: Limits
    private let code: OpaquePointer
    private let matchContext: OpaquePointer
    /// Whether the JIT compilation has been attempted; it is done on first use, so loading a large
    /// rule set costs nothing for rules whose keywords never appear.
    private let jitAttempted = Atomic<Bool>(false)
    private let jitLock = Locked<Void>(())

    /// Compiles a pattern.
    /// - Parameters:
    ///   - source: the pattern text.
    ///   - caseInsensitive: compile with `PCRE2_CASELESS`.
    ///   - limits: the match and depth limits applied to every match.
    /// - Throws: `NativeError` with PCRE2's message and the offset of the error in the pattern.
    public init(_ source: String, caseInsensitive: Bool = false, limits: Limits = Limits()) throws(NativeError) {
        self.source = source
        self.limits = limits
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_MATCH_INVALID_UTF) | UInt32(PCRE2_DOLLAR_ENDONLY)
            | UInt32(PCRE2_USE_OFFSET_LIMIT) | (caseInsensitive ? UInt32(PCRE2_CASELESS) : 0)
        guard let compileContext = pcre2_compile_context_create_8(nil) else {
            throw NativeError(library: .pcre2, function: "pcre2_compile_context_create", code: -1, message: "out of memory")
        }
        defer { pcre2_compile_context_free_8(compileContext) }
        pcre2_set_newline_8(compileContext, UInt32(PCRE2_NEWLINE_LF))

        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(source.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, compileContext)
        }
        guard let compiled else {
            throw NativeError(library: .pcre2, function: "pcre2_compile", code: Int(errorCode),
                              message: PCRE2Pattern.message(for: errorCode), offset: errorOffset)
        }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            throw NativeError(library: .pcre2, function: "pcre2_match_context_create", code: -1, message: "out of memory")
        }
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        code = compiled
        matchContext = context
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// Finds the first match at or after `start`.
    /// - Parameters:
    ///   - subject: UTF-8 bytes (invalid sequences allowed).
    ///   - start: byte offset where the search starts.
    /// - Returns: byte ranges of group 0 and every capture group (`nil` for a group that did not take part),
    ///   or `nil` when there is no match.
    /// - Throws: `NativeError` when a limit is hit or matching fails; "no match" is never used for an error.
    func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from start: Int) throws(NativeError) -> [Range<Int>?]? {
        try firstMatch(in: subject, from: start, context: matchContext)
    }

    /// Calls `body` for every non-overlapping match that *starts* inside one of `windows` (sorted byte
    /// ranges); a match may run past the end of its window. This lets the scanner try a pattern only
    /// near its keywords instead of over the whole text.
    /// - Throws: `NativeError` when a limit is hit (its `offset` is where in the subject the failed search
    ///   began), or what `body` throws.
    func forEachMatch(in subject: UnsafeBufferPointer<UInt8>, startingIn windows: [Range<Int>],
                             _ body: ([Range<Int>?]) throws -> Void) throws {
        guard let context = pcre2_match_context_copy_8(matchContext) else {
            throw NativeError(library: .pcre2, function: "pcre2_match_context_copy", code: -1, message: "out of memory")
        }
        defer { pcre2_match_context_free_8(context) }
        var resume = 0
        for window in windows {
            var start = max(window.lowerBound, resume)
            pcre2_set_offset_limit_8(context, window.upperBound)
            while start <= window.upperBound, start <= subject.count {
                let found: [Range<Int>?]?
                do {
                    found = try firstMatch(in: subject, from: start, context: context)
                } catch {
                    throw NativeError(library: error.library, function: error.function, code: error.code,
                                      message: error.message, offset: start)
                }
                guard let groups = found, let whole = groups[0] else { break }
                try body(groups)
                start = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
            }
            resume = max(resume, start)
        }
    }

    /// JIT-compiles the pattern once, the first time it is used (PCRE2 falls back to its interpreter
    /// if the JIT is unavailable, with the same results).
    private func compileJITOnce() {
        if jitAttempted.load(ordering: .acquiring) { return }
        jitLock.withLock { _ in
            if !jitAttempted.load(ordering: .relaxed) {
                _ = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE))
                jitAttempted.store(true, ordering: .releasing)
            }
        }
    }

    private func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from start: Int,
                            context matchContext: OpaquePointer) throws(NativeError) -> [Range<Int>?]? {
        compileJITOnce()
        guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else {
            throw NativeError(library: .pcre2, function: "pcre2_match_data_create", code: -1, message: "out of memory")
        }
        defer { pcre2_match_data_free_8(matchData) }
        // An empty buffer may have a nil base address; PCRE2 wants a valid pointer.
        var empty: UInt8 = 0
        let base = subject.baseAddress ?? withUnsafePointer(to: &empty) { $0 }
        var result = pcre2_match_8(code, base, subject.count, start, 0, matchData, matchContext)
        if result == PCRE2_ERROR_JIT_STACKLIMIT {
            result = try matchWithLargeJITStack(base, subject.count, start, matchData, matchContext)
        }
        if result == PCRE2_ERROR_NOMATCH {
            return nil
        }
        guard result >= 0 else {
            throw NativeError(library: .pcre2, function: "pcre2_match", code: Int(result),
                              message: PCRE2Pattern.message(for: result))
        }
        let pairs = Int(pcre2_get_ovector_count_8(matchData))
        guard let ovector = pcre2_get_ovector_pointer_8(matchData) else { return nil }
        var groups: [Range<Int>?] = []
        groups.reserveCapacity(pairs)
        for index in 0..<min(pairs, captureCount + 1) {
            let lower = ovector[2 * index]
            let upper = ovector[2 * index + 1]
            if lower == PCRE2Pattern.unset || upper < lower {
                groups.append(nil)
            } else {
                groups.append(lower..<upper)
            }
        }
        return groups
    }

    /// Calls `body` for every non-overlapping match, left to right (empty matches advance by one byte).
    /// - Parameters:
    ///   - subject: UTF-8 bytes (invalid sequences allowed).
    ///   - body: receives the byte ranges of group 0 and each capture group.
    /// - Throws: `NativeError` when a limit is hit, or what `body` throws.
    func forEachMatch(in subject: UnsafeBufferPointer<UInt8>, _ body: ([Range<Int>?]) throws -> Void) throws {
        var start = 0
        while start <= subject.count, let groups = try firstMatch(in: subject, from: start), let whole = groups[0] {
            try body(groups)
            start = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
        }
    }

    /// Whether the pattern matches anywhere in `text`.
    /// - Throws: `NativeError` when a limit is hit.
    @_spi(Fuzzing) public func matches(_ text: String) throws(NativeError) -> Bool {
        let bytes = Array(text.utf8)
        let result: Result<Bool, NativeError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(NativeError) in try firstMatch(in: buffer, from: 0) != nil }
        }
        return try result.get()
    }

    /// The PCRE2 library version, e.g. `10.42 2022-12-11`.
    static var libraryVersion: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        guard length > 1 else { return "unknown" }
        return String(decoding: buffer.prefix(Int(length) - 1), as: UTF8.self)
    }

    /// The JIT stack a search is retried with when PCRE2's default one overflows: 8 MiB.
    static let largeJITStack = 8 << 20

    /// Whether `error` says a search ran out of JIT stack even after the retry.
    static func isJITStackError(_ error: NativeError) -> Bool {
        error.library == .pcre2 && error.code == Int(PCRE2_ERROR_JIT_STACKLIMIT)
    }

    // MARK: - Private

    private static let unset = ~Int(0)

    /// Retries a match whose JIT stack overflowed with a larger, private stack.
    private func matchWithLargeJITStack(_ base: UnsafePointer<UInt8>, _ length: Int, _ start: Int,
                                        _ matchData: OpaquePointer, _ matchContext: OpaquePointer) throws(NativeError) -> Int32 {
        guard let stack = pcre2_jit_stack_create_8(64 * 1024, PCRE2Pattern.largeJITStack, nil),
              let context = pcre2_match_context_copy_8(matchContext) else {
            throw NativeError(library: .pcre2, function: "pcre2_jit_stack_create", code: -1, message: "out of memory")
        }
        defer {
            pcre2_match_context_free_8(context)
            pcre2_jit_stack_free_8(stack)
        }
        pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(stack))
        return pcre2_match_8(code, base, length, start, 0, matchData, context)
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }
}
