/// Path handling for diff headers: git's C-style quoting and the `a/` `b/` prefixes.
enum DiffPaths {
    /// Paths from the rest of a `diff --git a/X b/Y` line.
    static func fromGitHeader(_ rest: String) -> (old: String, new: String) {
        if rest.hasPrefix("\"") {
            let (first, remainder) = takeQuoted(rest)
            let second = remainder.trimmingPrefix(" ")
            return (strip(first, "a/"), strip(unquote(String(second)), "b/"))
        }
        // Unquoted: the two halves are usually the same path, which settles paths that contain " b/".
        let characters = Array(rest)
        if characters.count % 2 == 1 {
            let half = characters.count / 2
            let left = String(characters[..<half])
            let right = String(characters[(half + 1)...])
            if characters[half] == " ", strip(left, "a/") == strip(right, "b/") {
                return (strip(left, "a/"), strip(right, "b/"))
            }
        }
        if let range = rest.range(of: " b/", options: .backwards) {
            return (strip(String(rest[..<range.lowerBound]), "a/"), String(rest[range.upperBound...]))
        }
        return (rest, rest)
    }

    /// The path of a `---`/`+++` line, or `nil` for `/dev/null`.
    static func fromFileHeader(_ rest: String, side: String) -> String? {
        var path = rest
        if path.hasPrefix("\"") {
            path = unquote(path)
        } else if let tab = path.firstIndex(of: "\t") {
            path = String(path[..<tab])  // `diff -u` appends a timestamp after a tab
        }
        if path == "/dev/null" { return nil }
        return strip(path, side)
    }

    static func strip(_ path: String, _ prefix: String) -> String {
        path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// Undoes git's C-style quoting (`"a\tb\303\251"`); unquoted text is returned as is.
    static func unquote(_ text: String) -> String {
        guard text.hasPrefix("\"") else { return text }
        return takeQuoted(text).0
    }

    private static func takeQuoted(_ text: String) -> (String, Substring) {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 1
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") {
                let rest = String(decoding: utf8[(index + 1)...], as: UTF8.self)
                return (String(decoding: bytes, as: UTF8.self), Substring(rest))
            }
            if byte == UInt8(ascii: "\\"), index + 1 < utf8.count {
                let next = utf8[index + 1]
                let escapes: [UInt8: UInt8] = [UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D,
                                               UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
                                               UInt8(ascii: "v"): 0x0B]
                if let value = escapes[next] {
                    bytes.append(value)
                    index += 2
                    continue
                }
                if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "7"), index + 3 < utf8.count,
                   let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                    bytes.append(value)
                    index += 4
                    continue
                }
                bytes.append(next)
                index += 2
                continue
            }
            bytes.append(byte)
            index += 1
        }
        return (String(decoding: bytes, as: UTF8.self), "")
    }
}

import Foundation
