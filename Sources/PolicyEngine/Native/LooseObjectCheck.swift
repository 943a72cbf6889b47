internal import CZlib
import Crypto
import Foundation

/// Checks a repository's loose objects, and that its pack files are files, before libgit2 reads any of them.
///
/// libgit2 1.5 (Debian 12's) loops forever on a truncated loose object (libgit2 issue #7342, fixed in
/// later releases) and writes past a buffer when a loose object's header declares fewer bytes than it
/// holds (#7177). After the agent ran, `.git/objects` is the agent's to write, so each loose object is
/// inflated here first: it must be one complete zlib stream holding `<type> <size>\0` followed by
/// exactly `size` bytes, and hash to the name of its file. Pack files are not affected: libgit2 reports
/// their damage as an error, and the scan's own pack reader checks every blob's name.
enum LooseObjectCheck {
    /// libgit2 follows `info/alternates` this many levels deep; so does the check.
    static let alternatesDepth = 5

    /// Objects this process already found sound, by path, with the identity of the file then (device,
    /// inode, size, change time): a repository opened again, or after the agent ran, inflates only
    /// objects that are new or whose file was replaced.
    private static let sound = Locked<[String: [Int]]>([:])

    /// Checks every loose object under `objectsDirectory` and the object folders its alternates name.
    /// - Throws: `NativeError` naming the first damaged object and what is wrong with it.
    static func verify(objectsDirectory: String) throws(NativeError) {
        var visited: Set<String> = []
        try verify(objectsDirectory, depth: 0, visited: &visited)
    }

    private static func verify(_ directory: String, depth: Int, visited: inout Set<String>) throws(NativeError) {
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard depth <= alternatesDepth, visited.insert(folder).inserted else { return }
        let fileManager = FileManager.default
        // libgit2 opens pack files and loose objects without checking what they are: a FIFO there
        // blocks it forever, and a device makes it read whatever the device gives.
        for name in (try? fileManager.contentsOfDirectory(atPath: folder + "/pack")) ?? [] where name.hasPrefix("pack-")
            && !isRegularFile(folder + "/pack/" + name) {
            throw NativeError(library: .libgit2, function: "odb_pack", code: -1,
                              message: "objects/pack holds a pack file that is not a regular file; run git fsck")
        }
        for name in (try? fileManager.contentsOfDirectory(atPath: folder)) ?? [] where name.count == 2 && isHex(name) {
            let subfolder = folder + "/" + name
            for file in (try? fileManager.contentsOfDirectory(atPath: subfolder)) ?? [] where isObjectFileName(file) {
                let path = subfolder + "/" + file
                guard isRegularFile(path) else {
                    throw NativeError(library: .libgit2, function: "odb_loose", code: -1,
                                      message: "loose object \(name)\(file) is not a regular file; run git fsck")
                }
                let identity = fileIdentity(path)
                if let identity, sound.withLock({ $0[path] == identity }) { continue }
                if let problem = problem(inObjectAt: path) {
                    throw NativeError(library: .libgit2, function: "odb_loose", code: -1,
                                      message: "loose object \(name)\(file) is damaged (\(problem)); run git fsck")
                }
                if let identity { sound.withLock { $0[path] = identity } }
            }
        }
        // Alternates: one object folder per line, relative to this one; `#` starts a comment.
        guard let data = fileManager.contents(atPath: folder + "/info/alternates") else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
            try verify(entry.hasPrefix("/") ? entry : folder + "/" + entry, depth: depth + 1, visited: &visited)
        }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    private static func fileIdentity(_ path: String) -> [Int]? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec)]
    }

    private static func isHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The rest of a SHA-1 (38) or SHA-256 (62) object name after its two-character folder.
    private static func isObjectFileName(_ name: String) -> Bool {
        (name.utf8.count == 38 || name.utf8.count == 62) && isHex(name)
    }

    // MARK: - One object

    /// What is wrong with the loose object file at `path`, or `nil` when it is sound (or cannot be
    /// opened: libgit2 reports that itself, as an error).
    static func problem(inObjectAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let reader = Inflater() else { return "zlib could not start" }
        while !reader.finished {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                return nil
            }
            if chunk.isEmpty { break }
            if let problem = reader.feed(chunk) { return problem }
        }
        guard reader.finished else { return "truncated: the compressed data ends early" }
        if let problem = reader.headerProblem() { return problem }
        // libgit2 does not check names (the scan turns that off for speed): an object must hash to the
        // name of its file, or the scan would read content that git would not push under that name.
        let parts = path.split(separator: "/").suffix(2)
        let name = parts.joined()
        guard parts.count == 2, name.utf8.count == 40 else { return nil }  // SHA-256 names: libgit2 1.5 reads none
        return reader.digestHex == name ? nil : "its content does not match its name"
    }

    /// Inflates one loose object and keeps only its header, body length and SHA-1. zlib's state points back at
    /// its `z_stream`, so the stream lives at one heap address until `deinit` ends it.
    private final class Inflater {
        private let stream: UnsafeMutablePointer<z_stream>
        private(set) var finished = false
        private var header: [UInt8] = []
        private var headerDone = false
        private var bodyBytes = 0
        private var declaredSize: Int?
        private var output = [UInt8](repeating: 0, count: 64 * 1024)
        /// The SHA-1 of everything inflated: header and body, which is what names a git object.
        private var hasher = Insecure.SHA1()

        var digestHex: String {
            hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }

        /// git's header is `<type> <decimal size>\0`; anything longer is not one.
        static let maximumHeader = 64

        init?() {
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard policy_gate_inflate_init(stream) == Z_OK else {
                stream.deallocate()
                return nil
            }
        }

        deinit {
            inflateEnd(stream)
            stream.deallocate()
        }

        /// Inflates `chunk`; returns a problem as soon as one is certain.
        func feed(_ chunk: Data) -> String? {
            var bytes = [UInt8](chunk)
            let total = bytes.count
            return bytes.withUnsafeMutableBufferPointer { input -> String? in
                stream.pointee.next_in = input.baseAddress
                stream.pointee.avail_in = uInt(total)
                while true {
                    var status: Int32 = Z_OK
                    var produced = 0
                    output.withUnsafeMutableBufferPointer { out in
                        stream.pointee.next_out = out.baseAddress
                        stream.pointee.avail_out = uInt(out.count)
                        status = inflate(stream, Z_NO_FLUSH)
                        produced = out.count - Int(stream.pointee.avail_out)
                        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[0..<produced])))
                    }
                    if let problem = take(produced) { return problem }
                    if status == Z_STREAM_END {
                        finished = true
                        return nil
                    }
                    if status == Z_BUF_ERROR || (status == Z_OK && stream.pointee.avail_in == 0 && produced < output.count) {
                        return nil  // needs more input
                    }
                    guard status == Z_OK else {
                        return "not a valid zlib stream (zlib error \(status))"
                    }
                }
            }
        }

        private func take(_ count: Int) -> String? {
            var start = 0
            if !headerDone {
                while start < count, !headerDone {
                    let byte = output[start]
                    start += 1
                    if byte == 0 {
                        headerDone = true
                        guard let size = parseHeader() else { return headerProblem() }
                        declaredSize = size
                    } else {
                        header.append(byte)
                        if header.count > Self.maximumHeader { return "no object header" }
                    }
                }
            }
            bodyBytes += count - start
            if let declaredSize, bodyBytes > declaredSize {
                return "holds more than the \(declaredSize) bytes its header declares"
            }
            return nil
        }

        private func parseHeader() -> Int? {
            let parts = header.split(separator: 0x20, omittingEmptySubsequences: false)
            guard parts.count == 2, ["blob", "tree", "commit", "tag"].contains(String(decoding: parts[0], as: UTF8.self)),
                  !parts[1].isEmpty, parts[1].allSatisfy({ (0x30...0x39).contains($0) }),
                  let size = Int(String(decoding: parts[1], as: UTF8.self)) else { return nil }
            return size
        }

        /// The problem with a completely inflated object, if any.
        func headerProblem() -> String? {
            guard headerDone, let declaredSize else { return "no object header" }
            guard bodyBytes == declaredSize else {
                return "its header declares \(declaredSize) bytes but it holds \(bodyBytes)"
            }
            return nil
        }
    }
}
