import Foundation

/// git's delta format: the base's size, the result's size, then instructions that either copy a
/// range of the base or insert literal bytes (`Documentation/gitformat-pack.txt`, "Deltified representation").
enum PackDelta {
    /// The object `delta` builds from `base`.
    /// - Returns: `nil` when the delta does not fit: a different base size, a copy outside the base, a
    ///   result longer or shorter than declared, the reserved instruction 0, or a result over `maximumSize`.
    static func apply(_ delta: [UInt8], to base: [UInt8], maximumSize: Int) -> [UInt8]? {
        delta.withUnsafeBufferPointer { delta in
            base.withUnsafeBufferPointer { base in
                apply(delta, to: base, maximumSize: maximumSize)
            }
        }
    }

    private static func apply(_ delta: UnsafeBufferPointer<UInt8>, to base: UnsafeBufferPointer<UInt8>,
                              maximumSize: Int) -> [UInt8]? {
        var position = 0
        guard let baseSize = size(delta, &position), baseSize == base.count,
              let resultSize = size(delta, &position), resultSize <= maximumSize else { return nil }
        var valid = true
        let result = [UInt8](unsafeUninitializedCapacity: resultSize) { output, count in
            var written = 0
            while position < delta.count {
                let instruction = delta[position]
                position += 1
                if instruction & 0x80 != 0 {
                    // Copy: bits 0-3 say which offset bytes follow, bits 4-6 which size bytes; a size of 0 means 64 KiB.
                    var offset = 0, length = 0
                    for bit in 0..<4 where instruction & (1 << bit) != 0 {
                        guard position < delta.count else { valid = false; break }
                        offset |= Int(delta[position]) << (8 * bit)
                        position += 1
                    }
                    for bit in 0..<3 where instruction & (0x10 << bit) != 0 {
                        guard position < delta.count else { valid = false; break }
                        length |= Int(delta[position]) << (8 * bit)
                        position += 1
                    }
                    if length == 0 { length = 0x10000 }
                    guard valid, offset + length <= base.count, written + length <= resultSize,
                          let from = base.baseAddress, let to = output.baseAddress else { valid = false; break }
                    (to + written).update(from: from + offset, count: length)
                    written += length
                } else if instruction != 0 {
                    let length = Int(instruction)
                    guard position + length <= delta.count, written + length <= resultSize,
                          let from = delta.baseAddress, let to = output.baseAddress else { valid = false; break }
                    (to + written).update(from: from + position, count: length)
                    position += length
                    written += length
                } else {
                    valid = false
                    break
                }
            }
            if written != resultSize { valid = false }
            // Whatever was written is initialised; the rest is dropped with the array.
            count = valid ? resultSize : 0
        }
        return valid ? result : nil
    }

    /// A size in the delta's little-endian base-128 form.
    private static func size(_ delta: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while position < delta.count {
            let byte = delta[position]
            position += 1
            guard shift <= 56 else { return nil }
            value |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { return value >= 0 ? value : nil }
        }
        return nil
    }
}
