import Crypto

/// The store's SHA-256: checksums, state hashes and the audit hash chain, computed by swift-crypto
/// (BoringSSL's assembly on Linux), kept behind this small type so callers hash bytes and read hex.
public struct SHA256 {
    private var hasher = Crypto.SHA256()

    /// A fresh hash.
    public init() {}

    /// The hex digest of `bytes`.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hash = SHA256()
        hash.update(bytes)
        return hex(digest: hash.finalize())
    }

    /// The hex digest of `text`'s UTF-8 bytes.
    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    /// A digest in lowercase hex.
    public static func hex(digest: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Adds `bytes` to the message (contiguous bytes are hashed in place, without a copy).
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(bytes))
        }
    }

    /// The 32-byte digest of everything added.
    public mutating func finalize() -> [UInt8] { Array(hasher.finalize()) }
}
