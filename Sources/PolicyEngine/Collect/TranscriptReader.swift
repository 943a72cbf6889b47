import Foundation

/// Reads a Claude Code transcript into a `Transcript`.
///
/// Accepts the three output forms: `--output-format stream-json --verbose` (JSON Lines; blank
/// lines and CRLF line ends allowed), `--output-format json` (one `result` object), and
/// `--output-format json --verbose` (a JSON array of every message, the result last).
///
/// Fails closed: a cut-off or malformed transcript is never read as "nothing happened". What
/// can be read is returned, and every defect is listed in `Transcript.problems` with its line;
/// the reader throws only when nothing at all is usable. Errors and problems name the line and
/// the reason, never transcript content.
@_spi(Fuzzing) public enum TranscriptReader {
    /// The default size limit: 256 MiB.
    public static let defaultSizeLimit = 256 * 1024 * 1024

    // MARK: - Entry points

    /// Reads the transcript file at `path`.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - sizeLimit: the largest accepted size in bytes; larger input is an error.
    /// - Returns: the transcript, with any defects in `problems`.
    /// - Throws: `TranscriptError` when the file cannot be read, is too large, or holds nothing usable.
    public static func read(path: String, sizeLimit: Int = defaultSizeLimit) throws(TranscriptError) -> Transcript {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw .unreadable(file: path, reason: "is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(file: path, reason: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        // A regular file's size is known up front: refuse an oversized one without reading it.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.int64Value > Int64(sizeLimit) {
            throw .tooLarge(file: path, limit: sizeLimit)
        }
        var data = Data()
        let chunkSize = 4 * 1024 * 1024
        while data.count <= sizeLimit {
            let chunk: Data?
            do {
                let remaining = sizeLimit - data.count
                chunk = try handle.read(upToCount: remaining >= chunkSize ? chunkSize : remaining + 1)
            } catch {
                throw .unreadable(file: path, reason: "read failed")
            }
            guard let chunk, !chunk.isEmpty else { break }
            data.append(chunk)
        }
        return try read(data: data, name: path, sizeLimit: sizeLimit)
    }

    /// Reads a transcript held in memory.
    /// - Parameters:
    ///   - data: the transcript bytes.
    ///   - name: a path or label used in messages.
    ///   - sizeLimit: the largest accepted size in bytes; larger input is an error.
    /// - Returns: the transcript, with any defects in `problems`.
    /// - Throws: `TranscriptError` when the input is too large, empty, not UTF-8 JSON, or holds
    ///   no usable event.
    public static func read(data: Data, name: String, sizeLimit: Int = defaultSizeLimit) throws(TranscriptError) -> Transcript {
        guard data.count <= sizeLimit else {
            throw .tooLarge(file: name, limit: sizeLimit)
        }
        let bytes = [UInt8](data)
        let start = try contentStart(bytes, name: name)
        var probe = JSONParser(bytes: bytes, start: start, end: bytes.count)
        probe.skipWhitespace()
        guard probe.position < bytes.count else {
            throw .empty(file: name)
        }
        let first = bytes[probe.position]
        if first == UInt8(ascii: "[") {
            return try readArray(bytes, start: start, name: name)
        }
        if first == UInt8(ascii: "{"), let transcript = readSingleDocument(bytes, start: start, name: name) {
            return transcript
        }
        return try readLines(bytes, start: start, name: name)
    }

    // MARK: - Forms

    /// Checks the encoding and returns where the text starts (after a UTF-8 byte order mark).
    private static func contentStart(_ bytes: [UInt8], name: String) throws(TranscriptError) -> Int {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return 3 }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            throw .notUTF8(file: name, reason: "UTF-16 or UTF-32 byte order mark")
        }
        if bytes.count >= 2, bytes[0] == 0 || bytes[1] == 0 {
            throw .notUTF8(file: name, reason: "NUL bytes at the start (UTF-16 or binary data)")
        }
        return 0
    }

    /// A whole-file single JSON value that is an object: the `json` result object, or a
    /// one-event stream. Returns `nil` when the input is not one single value (JSON Lines).
    private static func readSingleDocument(_ bytes: [UInt8], start: Int, name: String) -> Transcript? {
        var parser = JSONParser(bytes: bytes, start: start, end: bytes.count)
        parser.skipWhitespace()
        let line = 1 + bytes[start..<parser.position].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard let value = try? parser.parseDocument() else { return nil }
        var builder = TranscriptBuilder()
        noteRepairs(of: parser, line: line, into: &builder)
        builder.consume(value, line: line)
        let format: Transcript.Format = value["type"]?.stringValue == "result" ? .jsonObject : .streamJSON
        return builder.finish(name: name, format: format)
    }

    /// The `--verbose` json form: an array of messages.
    private static func readArray(_ bytes: [UInt8], start: Int, name: String) throws(TranscriptError) -> Transcript {
        var builder = TranscriptBuilder()
        var lines = LineCounter(bytes: bytes)
        var parser = JSONParser(bytes: bytes, start: start, end: bytes.count)
        var elements = 0
        do {
            try parser.parseTopLevelArray { element, offset in
                elements += 1
                builder.consume(element, line: lines.line(at: offset))
            }
        } catch {
            let line = lines.line(at: min(error.offset, bytes.count))
            guard elements > 0 else {
                throw .notJSON(file: name, line: line, reason: error.reason)
            }
            if error.isUnexpectedEnd {
                builder.add(.init(kind: .truncatedLastLine, line: line,
                                  reason: "the JSON array is cut off (\(error.reason)); later events are missing"))
            } else {
                builder.add(.init(kind: .malformedLine, line: line,
                                  reason: "invalid JSON in the array (\(error.reason)); later events are not read"))
            }
        }
        noteRepairs(of: parser, line: nil, into: &builder)
        guard builder.typedEventCount > 0 else {
            throw .noUsableEvents(file: name, reason: "no array element is an event object with a 'type'")
        }
        return builder.finish(name: name, format: .jsonArray)
    }

    /// JSON Lines: one event per line.
    private static func readLines(_ bytes: [UInt8], start: Int, name: String) throws(TranscriptError) -> Transcript {
        var builder = TranscriptBuilder()
        var failures: [(line: Int, failure: JSONParser.Failure, lineStart: Int)] = []
        var lastContentLine = 0
        var parsedLines = 0
        var lineNumber = 0
        var lineStart = start
        let end = bytes.count
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            lineNumber += 1
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            var parser = JSONParser(bytes: bytes, start: lineStart, end: contentEnd)
            parser.skipWhitespace()
            if parser.position < contentEnd {
                lastContentLine = lineNumber
                do {
                    let value = try parser.parseDocument()
                    parsedLines += 1
                    noteRepairs(of: parser, line: lineNumber, into: &builder)
                    builder.consume(value, line: lineNumber)
                } catch {
                    failures.append((lineNumber, error, lineStart))
                }
            }
            lineStart = lineEnd + 1
        }
        for entry in failures {
            let column = entry.failure.offset - entry.lineStart + 1
            if entry.line == lastContentLine, entry.failure.isUnexpectedEnd {
                builder.add(.init(kind: .truncatedLastLine, line: entry.line,
                                  reason: "the last line is cut off mid-JSON (\(entry.failure.reason)); the transcript is incomplete"))
            } else {
                builder.add(.init(kind: .malformedLine, line: entry.line,
                                  reason: "not valid JSON: \(entry.failure.reason) at column \(column)"))
            }
        }
        guard parsedLines > 0 else {
            let first = failures.first
            throw .notJSON(file: name, line: first?.line ?? 1, reason: first?.failure.reason ?? "no JSON value found")
        }
        guard builder.typedEventCount > 0 else {
            throw .noUsableEvents(file: name, reason: "no line is an event object with a 'type'")
        }
        return builder.finish(name: name, format: .streamJSON)
    }

    private static func noteRepairs(of parser: JSONParser, line: Int?, into builder: inout TranscriptBuilder) {
        if parser.repairedInvalidUTF8 {
            builder.add(.init(kind: .invalidUTF8, line: line,
                              reason: "a string held invalid UTF-8 or a lone surrogate; replaced with U+FFFD"))
        }
        if parser.sawDuplicateKey {
            builder.add(.init(kind: .duplicateKey, line: line,
                              reason: "an object repeats a key; the last value is used"))
        }
    }

    // MARK: - Line numbers

    /// Maps increasing byte offsets to 1-based line numbers in one forward pass.
    private struct LineCounter {
        let bytes: [UInt8]
        var offset = 0
        var line = 1

        mutating func line(at target: Int) -> Int {
            if target < offset {
                offset = 0
                line = 1
            }
            while offset < target, offset < bytes.count {
                if bytes[offset] == 0x0A { line += 1 }
                offset += 1
            }
            return line
        }
    }
}
