/// A fast 64-bit checksum (four independent multiply-rotate lanes over 8-byte words). It guards the cache
/// against damage, not against an attacker: the cache is derived data and every participant file keeps its
/// own SHA-256.
enum Checksum64 {
    static func of<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        let contiguous = bytes.withContiguousStorageIfAvailable { of(UnsafeRawBufferPointer($0)) }
        return contiguous ?? of(Array(bytes))
    }

    static func of(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let prime: UInt64 = 0x9E37_79B9_7F4A_7C15
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
        func mix(_ lane: inout UInt64, _ word: UInt64) {
            lane = (lane ^ word) &* prime
            lane = (lane << 29) | (lane >> 35)
        }
        var offset = 0
        while raw.count - offset >= 32 {
            mix(&lanes.0, raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            mix(&lanes.1, raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            mix(&lanes.2, raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
            mix(&lanes.3, raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            offset += 32
        }
        while offset < raw.count {
            mix(&lanes.0, UInt64(raw[offset]) | UInt64(offset) << 8)
            offset += 1
        }
        var result = lanes.0
        for lane in [lanes.1, lanes.2, lanes.3, UInt64(raw.count)] { mix(&result, lane) }
        return result ^ (result >> 31)
    }
}
