/// Shannon entropy as gitleaks computes it: counts per Unicode scalar, divided by the UTF-8 byte length.
enum ShannonEntropy {
    /// Bits per symbol of `text`; 0 for an empty string.
    static func of(_ text: String) -> Double {
        let length = Double(text.utf8.count)
        guard length > 0 else { return 0 }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: one byte is one scalar, so a flat table gives the same counts without hashing.
            var table = [Int](repeating: 0, count: 128)
            for byte in text.utf8 { table[Int(byte)] += 1 }
            var entropy = 0.0
            for count in table where count > 0 {
                let frequency = Double(count) / length
                entropy -= frequency * log2(frequency)
            }
            return entropy
        }
        var counts: [Unicode.Scalar: Int] = [:]
        for scalar in text.unicodeScalars {
            counts[scalar, default: 0] += 1
        }
        var entropy = 0.0
        for count in counts.values {
            let frequency = Double(count) / length
            entropy -= frequency * log2(frequency)
        }
        return entropy
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
