import Foundation
import TestSupport

/// Bad inputs too large to check in, or that are folders and repositories: made in a test's scratch folder.
enum Generated {
    /// Makes the input called `name`; returns the path to give the command.
    static func make(_ name: String, in scratch: ScratchDirectory, repository: String) throws -> String {
        let path = scratch.path + "/" + name
        switch name {
        case "100-mb-line.diff":
            try writeHundredMegabyteLine(to: path, header: Data("""
                diff --git a/big.txt b/big.txt
                new file mode 100644
                --- /dev/null
                +++ b/big.txt
                @@ -0,0 +1,1 @@
                +
                """.utf8), trailer: Data("\n".utf8))
        case "one-mib-run.diff":
            try scratch.write(name, "diff --git a/run.txt b/run.txt\n--- a/run.txt\n+++ b/run.txt\n@@ -0,0 +1,1 @@\n+"
                              + String(repeating: "x", count: 1_000_000) + "z\n")
        case "huge.diff":
            try writeHugeDiff(to: path)
        case "100-mb-line.jsonl":
            let start = """
                {"type":"system","subtype":"init","cwd":"/builds/acme/web","session_id":"s1","tools":["Bash"],"permissionMode":"default"}
                {"type":"assistant","message":{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"cat dump.txt"}}]}}
                {"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"
                """
            let end = "\"}]}}\n{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"done\"}\n"
            try writeHundredMegabyteLine(to: path, header: Data(start.utf8), trailer: Data(end.utf8))
        case "over-the-size-limit.jsonl":
            // A sparse file: 300 MB long without taking disk space; the reader must refuse it by its size.
            try create(path, contents: Data("{\"type\":\"system\"}\n".utf8))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 300_000_000)
            try handle.close()
        case "merge-key-20000.yml":
            var text = ".big: &big\n"
            for index in 0..<20_000 { text += "  k\(index): v\n" }
            text += "agent:\n  <<: *big\n  script:\n    - \(BadInput.plainArguments)\n"
            try scratch.write(name, text)
        case "policy-100001-nodes.yml":
            // One list long enough to pass the policy loader's node budget.
            try scratch.write(name, "version: 1\nagent:\n  tools:\n    allow:\n" + String(repeating: "      - Read\n", count: 100_001))
        case "dangling-symlink.mcp.json":
            try FileManager.default.createSymbolicLink(atPath: repository + "/.mcp.json", withDestinationPath: "generated/mcp.json")
        case "symlink-loop.mcp.json":
            try FileManager.default.createSymbolicLink(atPath: repository + "/.mcp.json", withDestinationPath: "loop.json")
            try FileManager.default.createSymbolicLink(atPath: repository + "/loop.json", withDestinationPath: ".mcp.json")
        case "dev-zero.mcp.json":
            try FileManager.default.createSymbolicLink(atPath: repository + "/.mcp.json", withDestinationPath: "/dev/zero")
        case "symlink-loops":
            try scratch.write(name + "/a/token.txt", "token = \"\(FakeSecrets.gitlabToken)\"\n")
            try FileManager.default.createSymbolicLink(atPath: path + "/a/up", withDestinationPath: "..")
            try FileManager.default.createSymbolicLink(atPath: path + "/self", withDestinationPath: "self")
            try FileManager.default.createSymbolicLink(atPath: path + "/b", withDestinationPath: "c")
            try FileManager.default.createSymbolicLink(atPath: path + "/c", withDestinationPath: "b")
        case "root-is-a-symlink-loop":
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: name)
        case "truncated-loose-object", "bit-flipped-loose-object", "undersized-loose-object", "renamed-loose-object",
             "truncated-pack":
            try damagedRepository(name, at: repository)
            return repository
        default:
            throw GitFailure(arguments: ["unknown generated input", name], status: -1)
        }
        return path
    }

    // MARK: - Large files

    private static func create(_ path: String, contents: Data) throws {
        try contents.write(to: URL(fileURLWithPath: path))
    }

    /// A 100 MB line with the token across the first 1 MiB window edge of the long-line scanner.
    private static func writeHundredMegabyteLine(to path: String, header: Data, trailer: Data) throws {
        let length = 100_000_000
        let tokenOffset = (1 << 20) - 10
        try create(path, contents: header)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        let filler = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        try handle.write(contentsOf: filler.prefix(tokenOffset - 1))
        let token = Data(" \(FakeSecrets.gitlabToken) ".utf8)
        try handle.write(contentsOf: token)
        var written = tokenOffset - 1 + token.count
        while written < length {
            let chunk = filler.prefix(length - written)
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        try handle.write(contentsOf: trailer)
    }

    /// 20,000 new files of 20 lines each (about 20 MB); the token is on the last line of the last file.
    private static func writeHugeDiff(to path: String) throws {
        try create(path, contents: Data())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let body = (1..<20).map { "+let value\($0) = computeSomething(\($0)) // filler text\n" }.joined()
        var batch = ""
        for index in 0..<20_000 {
            let name = "src/f\(index).txt"
            batch += "diff --git a/\(name) b/\(name)\nnew file mode 100644\n--- /dev/null\n+++ b/\(name)\n@@ -0,0 +1,20 @@\n" + body
            batch += index == 19_999 ? "+token = \"\(FakeSecrets.gitlabToken)\"\n" : "+done\n"
            if batch.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(batch.utf8))
                batch = ""
            }
        }
        try handle.write(contentsOf: Data(batch.utf8))
    }

    // MARK: - Damaged repositories

    /// A repository whose second commit adds `b.txt` (with the token), then has that blob damaged.
    private static func damagedRepository(_ kind: String, at path: String) throws {
        let git = GitCLI(directory: path)
        try git.run("init", "-q", "-b", "main")
        try Data("base\n".utf8).write(to: URL(fileURLWithPath: path + "/a.txt"))
        _ = try git.commitAll("base")
        var content = "token = \"\(FakeSecrets.gitlabToken)\"\n"
        for index in 0..<200 { content += "line \(index) of the added file\n" }
        try Data(content.utf8).write(to: URL(fileURLWithPath: path + "/b.txt"))
        _ = try git.commitAll("head")
        let blob = try git.run("rev-parse", "HEAD:b.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        let objectPath = path + "/.git/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2)
        if kind == "truncated-pack" {
            try git.run("repack", "-a", "-d", "-q")
            try git.run("prune-packed")
            let packs = try FileManager.default.contentsOfDirectory(atPath: path + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
            for pack in packs {
                let packPath = path + "/.git/objects/pack/" + pack
                let data = try Data(contentsOf: URL(fileURLWithPath: packPath))
                try replace(packPath, with: data.prefix(data.count / 2))
            }
            return
        }
        var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: objectPath)))
        switch kind {
        case "truncated-loose-object":
            data = Array(data.prefix(data.count / 2))
        case "bit-flipped-loose-object":
            for index in 6..<(data.count - 4) { data[index] ^= 0x5A }
        case "renamed-loose-object":  // a sound object, but a harmless one, under the name of the token's blob
            data = zlibStored(Array("blob 6\u{0}hello\n".utf8))
        default:  // undersized: the header declares 4 bytes, the object holds 40 (libgit2 issue #7177)
            data = zlibStored(Array("blob 4\u{0}".utf8) + Array(repeating: UInt8(ascii: "z"), count: 40))
        }
        try replace(objectPath, with: Data(data))
    }

    /// Rewrites a read-only object file (git makes them 0444).
    private static func replace(_ path: String, with data: Data) throws {
        try FileManager.default.removeItem(atPath: path)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// `payload` as a zlib stream of one stored (uncompressed) block.
    static func zlibStored(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(payload.count)
        var stream: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        stream += payload
        var low: UInt32 = 1
        var high: UInt32 = 0
        for byte in payload {
            low = (low + UInt32(byte)) % 65_521
            high = (high + low) % 65_521
        }
        let adler = high << 16 | low
        stream += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return stream
    }
}
