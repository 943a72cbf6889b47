internal import CDeflate
import Foundation

/// The header of one pack entry, parsed with every length checked against the mapped pack.
struct PackEntry {
    enum Kind {
        /// A commit, tree, blob or tag, stored whole.
        case whole(type: Int)
        /// A delta against the entry at this earlier offset.
        case offsetDelta(base: Int)
        /// A delta against the object with this name.
        case referenceDelta(base: [UInt8])
    }

    let kind: Kind
    /// The inflated size: of the object, or of the delta.
    let size: Int
    /// Where the zlib stream starts.
    let dataStart: Int

    /// - Parameter name: the object being read, for the error message.
    init(in pack: UnsafeBufferPointer<UInt8>, at offset: Int, name: [UInt8]) throws(NativeError) {
        let end = pack.count - 20  // the trailer is not entry data
        var position = offset
        func next() throws(NativeError) -> UInt8 {
            guard position < end else { throw PackObjectReader.damaged(name, "an entry runs past the end of its pack") }
            defer { position += 1 }
            return pack[position]
        }
        var byte = try next()
        let type = Int(byte >> 4 & 7)
        var size = Int(byte & 0x0F)
        var shift = 4
        while byte & 0x80 != 0 {
            byte = try next()
            guard shift <= 56 else { throw PackObjectReader.damaged(name, "an entry's size does not fit 64 bits") }
            size |= Int(byte & 0x7F) << shift
            shift += 7
        }
        guard size >= 0 else { throw PackObjectReader.damaged(name, "an entry's size does not fit 64 bits") }
        switch type {
        case PackObjectReader.ObjectType.commit...PackObjectReader.ObjectType.tag:
            kind = .whole(type: type)
        case PackObjectReader.ObjectType.offsetDelta:
            // A big-endian number where each continuation adds one, so that no distance has two spellings.
            byte = try next()
            var distance = Int(byte & 0x7F)
            while byte & 0x80 != 0 {
                byte = try next()
                guard distance < 1 << 48 else { throw PackObjectReader.damaged(name, "a delta's base lies before its pack") }
                distance = (distance + 1) << 7 | Int(byte & 0x7F)
            }
            // Strictly earlier, so a chain of offset deltas always ends.
            guard distance > 0, offset - distance >= 12 else {
                throw PackObjectReader.damaged(name, "a delta's base lies outside its pack")
            }
            kind = .offsetDelta(base: offset - distance)
        case PackObjectReader.ObjectType.referenceDelta:
            guard end - position >= 20 else { throw PackObjectReader.damaged(name, "an entry runs past the end of its pack") }
            kind = .referenceDelta(base: Array(pack[position..<(position + 20)]))
            position += 20
        default:
            throw PackObjectReader.damaged(name, "an entry has the unknown type \(type)")
        }
        self.size = size
        dataStart = position
    }

    /// The entry's data: exactly one complete zlib stream of exactly `size` bytes, its checksum checked.
    func inflated(from pack: PackIndex, name: [UInt8]) throws(NativeError) -> [UInt8] {
        let bytes = pack.pack.bytes
        let available = bytes.count - 20 - dataStart
        guard available > 0, let start = bytes.baseAddress,
              let decompressor = libdeflate_alloc_decompressor() else {
            throw PackObjectReader.damaged(name, "an entry runs past the end of its pack")
        }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0
        var result = LIBDEFLATE_SUCCESS
        // Without a place for the output size, libdeflate accepts only a stream of exactly `size` bytes.
        let output = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            result = libdeflate_zlib_decompress_ex(decompressor, start + dataStart, available, buffer.baseAddress, size,
                                                   &consumed, nil)
            count = result == LIBDEFLATE_SUCCESS ? size : 0
        }
        pack.noteRead(consumed)
        switch result {
        case LIBDEFLATE_SUCCESS:
            return output
        case LIBDEFLATE_SHORT_OUTPUT, LIBDEFLATE_INSUFFICIENT_SPACE:
            throw PackObjectReader.damaged(name, "an entry holds more or fewer bytes than its header declares")
        default:
            throw PackObjectReader.damaged(name, "an entry is not a complete zlib stream")
        }
    }
}
