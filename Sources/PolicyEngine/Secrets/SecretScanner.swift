import Foundation

/// Finds secrets in fragments of text with a rule set: keyword prefilter, pattern, secret group,
/// entropy, allowlists, inline markers, composite rules, generic de-duplication and ignored fingerprints.
///
/// The scanner is a value with no mutable state, so one instance serves any number of threads.
public struct SecretScanner: Sendable {
    /// How the scan treats suppressions.
    public struct Options: Sendable {
        /// Whether `gitleaks:allow` / `policy-gate:allow` on a line suppresses its findings. When false the
        /// finding stays and records that a marker was there.
        var honoursInlineAllowMarkers: Bool
        /// Fingerprints (`commit:path:rule:line` or `path:rule:line`) of accepted findings.
        var ignoredFingerprints: Set<String>

        /// Creates options.
        public init(honoursInlineAllowMarkers: Bool = true, ignoredFingerprints: Set<String> = []) {
            self.honoursInlineAllowMarkers = honoursInlineAllowMarkers
            self.ignoredFingerprints = ignoredFingerprints
        }
    }

    /// The rules.
    let ruleSet: SecretRuleSet
    /// The options.
    let options: Options

    /// Creates a scanner.
    public init(ruleSet: SecretRuleSet, options: Options = Options()) {
        self.ruleSet = ruleSet
        self.options = options
    }

    /// Scans one fragment.
    /// - Returns: the findings, in the order they were found.
    /// - Throws: `SecretScanError` when a pattern hits PCRE2's match or depth limit: the text could not be checked.
    @_spi(Fuzzing) public func scan(_ fragment: ScanFragment) throws -> [SecretFinding] {
        do {
            return try scanUnchecked(fragment)
        } catch let error as NativeError {
            // A rule's own pattern is reported with its line by `findCandidates`; this is an allowlist or path pattern.
            throw SecretScanError(path: fragment.path, line: fragment.firstLine, ruleID: nil, error: error, limits: PCRE2Pattern.Limits())
        }
    }

    private func scanUnchecked(_ fragment: ScanFragment) throws -> [SecretFinding] {
        for allowlist in ruleSet.globalAllowlists where allowlist.targetRules.isEmpty {
            if try allowlist.allowsFragment(path: fragment.path, commit: fragment.commit) { return [] }
        }
        let candidates = try fragment.bytes.withUnsafeBufferPointer { buffer in
            let plain = try findCandidates(in: buffer, fragment: fragment)
            return try plain + decodedCandidates(in: buffer, fragment: fragment, depth: 1,
                                                 known: Set(plain.map(\.finding.secretHash)))
        }
        guard !candidates.isEmpty else { return [] }
        let reported = applyRequirements(candidates).filter { !ruleSet.rules[$0.ruleIndex].skipReport }
        return removeGenericDuplicates(reported)
            .map(\.finding)
            .filter { !options.ignoredFingerprints.contains($0.fingerprint)
                && !options.ignoredFingerprints.contains("\($0.path):\($0.ruleID):\($0.line)") }
    }

    /// Scans text lines as if they were one fragment (for samples and tests).
    @_spi(Fuzzing) public func scan(lines: String, path: String = "sample.txt") throws -> [SecretFinding] {
        try scan(ScanFragment(path: path, bytes: Array(lines.utf8), firstLine: 1))
    }

    /// `text` with every secret the rules find in it replaced by its redacted form (`glpa…#1a2b3c4d`).
    ///
    /// For messages that quote their input (an unknown rule id, a permission mode, a job name, a
    /// command): a token pasted into the wrong place must not reach a log.
    /// - Returns: the scrubbed text, or a placeholder when the text could not be checked.
    func redactingSecrets(in text: String) -> String {
        let candidates: [Candidate]
        do {
            // Also with dots as spaces, so that a token in a file name (`<token>.txt`) ends as at a space.
            candidates = try [text, text.replacingOccurrences(of: ".", with: " ")].flatMap { variant in
                let bytes = Array(variant.utf8)
                return try bytes.withUnsafeBufferPointer { buffer in
                    try findCandidates(in: buffer, fragment: ScanFragment(path: "message", bytes: bytes, firstLine: 1))
                }
            }
        } catch {
            return "(text withheld: it could not be checked for secrets)"
        }
        var result = text
        // Longest first, so a secret that contains another is replaced whole.
        for secret in Set(candidates.map(\.secret)).sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: SecretRedaction.redact(secret))
        }
        return result
    }

    // MARK: - Matching

    struct Candidate {
        var ruleIndex: Int
        var finding: SecretFinding
        var secret: String
    }

    /// Runs each rule whose keyword occurs in the fragment. A rule's pattern is tried only for matches
    /// that start between the line before a keyword occurrence and the end of that keyword's line
    /// (`KeywordWindows`), since a match contains its keyword; rules without keywords search everything.
    private func findCandidates(in buffer: UnsafeBufferPointer<UInt8>, fragment: ScanFragment) throws -> [Candidate] {
        var windows = KeywordWindows(ruleCount: ruleSet.rules.count, buffer: buffer)
        ruleSet.automaton.forEachHit(in: buffer) { rule, end in
            if let reach = ruleSet.keywordReach[rule] {
                windows.add(rule: rule, hitEnd: end, reach: reach)
            } else {
                windows.add(rule: rule, hitEnd: end, reachesBack: ruleSet.spansLines[rule])
            }
        }
        var lines = LineIndex(buffer: buffer)
        var candidates: [Candidate] = []
        let everything = [0..<buffer.count]
        for (index, rule) in ruleSet.rules.enumerated() {
            let ranges = rule.keywords.isEmpty ? everything : windows.windows(for: index)
            guard !ranges.isEmpty, let regex = rule.regex, try ruleApplies(rule, to: fragment) else { continue }
            do {
                try regex.forEachMatch(in: buffer, startingIn: ranges) { groups in
                    if let candidate = try candidate(rule: rule, index: index, groups: groups, buffer: buffer,
                                                     fragment: fragment, lines: &lines) {
                        candidates.append(candidate)
                    }
                }
            } catch let error as NativeError where error.library == .pcre2 {
                let line = fragment.firstLine + lines.lineIndex(of: min(error.offset ?? 0, buffer.count))
                throw SecretScanError(path: fragment.path, line: line, ruleID: rule.id, error: error, limits: regex.limits)
            }
        }
        return candidates
    }

    /// Encoded text decodes this many times at most (base64 of hex, a URL-encoded base64 key).
    static let decodingDepth = 2

    /// Candidates in the decoded forms of `buffer`'s encoded text (``EncodedText``), placed at the
    /// encoded text and marked with how it was encoded. A secret that is also in the text as it is
    /// (a line with an unrelated escape) is left to the plain scan.
    private func decodedCandidates(in buffer: UnsafeBufferPointer<UInt8>, fragment: ScanFragment, depth: Int,
                                   known: Set<String>) throws -> [Candidate] {
        guard depth <= Self.decodingDepth, let decoded = EncodedText.decode(buffer) else { return [] }
        var inner = fragment
        inner.firstLine = 0
        let found = try decoded.bytes.withUnsafeBufferPointer { text in
            let direct = try findCandidates(in: text, fragment: inner).filter { !known.contains($0.finding.secretHash) }
            let seen = known.union(direct.map(\.finding.secretHash))
            return try direct + decodedCandidates(in: text, fragment: inner, depth: depth + 1, known: seen)
        }
        guard !found.isEmpty else { return [] }
        var lines = LineIndex(buffer: buffer)
        return found.compactMap { candidate in
            guard let piece = decoded.piece(atLine: candidate.finding.line) else { return nil }
            var placed = candidate
            let line = lines.lineIndex(of: piece.origin)
            placed.finding.line = fragment.firstLine + line
            placed.finding.endLine = placed.finding.line
            placed.finding.column = piece.origin - lines.range(ofLines: line...line).lowerBound + 1
            placed.finding.encoding = candidate.finding.encoding.map { "\(piece.encoding), then \($0)" } ?? piece.encoding
            return placed
        }
    }

    private func ruleApplies(_ rule: SecretRule, to fragment: ScanFragment) throws -> Bool {
        for allowlist in rule.allowlists where try allowlist.allowsFragment(path: fragment.path, commit: fragment.commit) {
            return false
        }
        for allowlist in ruleSet.globalAllowlists where allowlist.targetRules.contains(rule.id) {
            if try allowlist.allowsFragment(path: fragment.path, commit: fragment.commit) { return false }
        }
        if let pathPattern = rule.path {
            return try pathPattern.matches(fragment.path)
        }
        return true
    }

    private func candidate(rule: SecretRule, index: Int, groups: [Range<Int>?], buffer: UnsafeBufferPointer<UInt8>,
                           fragment: ScanFragment, lines: inout LineIndex) throws -> Candidate? {
        guard let whole = groups[0] else { return nil }
        // gitleaks trims newlines at both ends of a match.
        var lower = whole.lowerBound
        var upper = whole.upperBound
        while lower < upper, buffer[lower] == 0x0A { lower += 1 }
        while upper > lower, buffer[upper - 1] == 0x0A { upper -= 1 }
        guard lower < upper else { return nil }
        let match = String(decoding: UnsafeBufferPointer(rebasing: buffer[lower..<upper]), as: UTF8.self)

        var secret = match
        if rule.regex?.captureCount ?? 0 > 0 {
            if rule.secretGroup > 0 {
                guard rule.secretGroup < groups.count else { return nil }
                secret = groups[rule.secretGroup].map { text(buffer, $0) } ?? ""
            } else if let first = groups.dropFirst().compactMap({ $0 }).first(where: { !$0.isEmpty }) {
                secret = text(buffer, first)
            }
        }
        guard !secret.isEmpty else { return nil }

        let startLine = lines.lineIndex(of: lower)
        let endLine = lines.lineIndex(of: upper - 1)
        let lineRange = lines.range(ofLines: startLine...endLine)
        let lineBytes = UnsafeBufferPointer(rebasing: buffer[lineRange])
        let hasMarker = LineIndex.contains(lineBytes, "gitleaks:allow") || LineIndex.contains(lineBytes, "policy-gate:allow")
        if hasMarker, options.honoursInlineAllowMarkers { return nil }

        let entropy = ShannonEntropy.of(secret)
        if rule.entropy != 0, entropy <= rule.entropy { return nil }

        let lineText = String(decoding: lineBytes, as: UTF8.self)
        for allowlist in ruleSet.globalAllowlists where allowlist.targetRules.isEmpty || allowlist.targetRules.contains(rule.id) {
            if try allowlist.allowsFinding(path: fragment.path, commit: fragment.commit, secret: secret, match: match, line: lineText) {
                return nil
            }
        }
        for allowlist in rule.allowlists {
            if try allowlist.allowsFinding(path: fragment.path, commit: fragment.commit, secret: secret, match: match, line: lineText) {
                return nil
            }
        }

        let hash = SecretRedaction.hash(secret)
        let finding = SecretFinding(
            ruleID: rule.id, description: rule.description, path: fragment.path,
            line: fragment.firstLine + startLine, endLine: fragment.firstLine + endLine,
            column: lower - lineRange.lowerBound + 1, commit: fragment.commit,
            redacted: SecretRedaction.redact(secret, hash: hash), secretHash: hash,
            entropy: (entropy * 1000).rounded() / 1000, tags: rule.tags, hasAllowMarker: hasMarker,
            origin: fragment.origin)
        return Candidate(ruleIndex: index, finding: finding, secret: secret)
    }

    private func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    // MARK: - Filters

    /// Keeps a composite rule's finding only when each required rule matched near it in the same fragment.
    private func applyRequirements(_ candidates: [Candidate]) -> [Candidate] {
        candidates.filter { candidate in
            let rule = ruleSet.rules[candidate.ruleIndex]
            return rule.required.allSatisfy { requirement in
                candidates.contains { other in
                    guard ruleSet.rules[other.ruleIndex].id == requirement.ruleID else { return false }
                    if let lines = requirement.withinLines, abs(other.finding.line - candidate.finding.line) > lines { return false }
                    if let columns = requirement.withinColumns, abs(other.finding.column - candidate.finding.column) > columns {
                        return false
                    }
                    return true
                }
            }
        }
    }

    /// Drops a generic rule's finding when a specific rule found a secret containing it on a line its
    /// match covers (a connection string over several lines reports its first one).
    private func removeGenericDuplicates(_ candidates: [Candidate]) -> [Candidate] {
        candidates.filter { candidate in
            guard candidate.finding.ruleID.lowercased().contains("generic") else { return true }
            return !candidates.contains { other in
                (other.finding.line...max(other.finding.line, other.finding.endLine)).contains(candidate.finding.line)
                    && other.finding.ruleID != candidate.finding.ruleID
                    && !other.finding.ruleID.lowercased().contains("generic")
                    && other.secret.contains(candidate.secret)
            }
        }
    }
}

/// For each rule, the byte ranges where a match containing one of its keywords can start: from the
/// start of the line before a keyword occurrence (or up to 8 KiB before it, for patterns that span
/// lines) to the end of the keyword's own line, merged; for rules with a known reach, only the
/// `KeywordReach` bytes before the keyword's end.
struct KeywordWindows {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var ranges: [[Range<Int>]]

    init(ruleCount: Int, buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        ranges = Array(repeating: [], count: ruleCount)
    }

    static let multiLineReach = 8192

    mutating func add(rule: Int, hitEnd: Int, reachesBack: Bool) {
        // Hits arrive in increasing order, so a hit inside the rule's last window adds nothing.
        if let last = ranges[rule].last, hitEnd <= last.upperBound { return }
        var lineEnd = hitEnd
        while lineEnd < buffer.count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
        var start = max(0, hitEnd - 1)
        var newlinesSeen = 0
        if reachesBack {
            start = max(0, hitEnd - KeywordWindows.multiLineReach)
        }
        while start > 0, !reachesBack {
            if buffer[start - 1] == 0x0A {
                newlinesSeen += 1
                if newlinesSeen == 2 { break }
            }
            start -= 1
        }
        if let last = ranges[rule].last, start <= last.upperBound {
            ranges[rule][ranges[rule].count - 1] = last.lowerBound..<lineEnd
        } else {
            ranges[rule].append(start..<lineEnd)
        }
    }

    /// A hit of a rule whose matches start at most `reach` bytes before a keyword's end, on its line.
    mutating func add(rule: Int, hitEnd: Int, reach: Int) {
        var start = hitEnd
        let earliest = max(0, hitEnd - reach)
        while start > earliest, buffer[start - 1] != 0x0A { start -= 1 }
        if let last = ranges[rule].last, start <= last.upperBound {
            ranges[rule][ranges[rule].count - 1] = last.lowerBound..<max(last.upperBound, hitEnd)
        } else {
            ranges[rule].append(start..<hitEnd)
        }
    }

    func windows(for rule: Int) -> [Range<Int>] {
        ranges[rule]
    }
}

/// Maps byte offsets in a fragment to 0-based line indices; built on first use.
struct LineIndex {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var newlines: [Int]?

    init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func lineIndex(of offset: Int) -> Int {
        let positions = newlineOffsets()
        var low = 0
        var high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Byte range of lines `lines` (0-based, inclusive), without the final newline.
    mutating func range(ofLines lines: ClosedRange<Int>) -> Range<Int> {
        let positions = newlineOffsets()
        let start = lines.lowerBound == 0 ? 0 : positions[lines.lowerBound - 1] + 1
        let end = lines.upperBound < positions.count ? positions[lines.upperBound] : buffer.count
        return start..<end
    }

    private mutating func newlineOffsets() -> [Int] {
        if let newlines { return newlines }
        var found: [Int] = []
        if let base = buffer.baseAddress {
            var from = 0
            while from < buffer.count, let hit = memchr(base + from, 0x0A, buffer.count - from) {
                let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                found.append(offset)
                from = offset + 1
            }
        }
        newlines = found
        return found
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count, let first = pattern.first, let base = haystack.baseAddress else { return false }
        let last = haystack.count - pattern.count
        var from = 0
        // memchr finds the candidates; lines of minified code are long and rarely hold the first byte.
        while from <= last, let hit = memchr(base + from, Int32(first), last - from + 1) {
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if pattern.withUnsafeBytes({ memcmp(base + offset, $0.baseAddress!, pattern.count) }) == 0 { return true }
            from = offset + 1
        }
        return false
    }
}
