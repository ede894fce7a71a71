import Crypto
import Foundation

/// SHA-256 in hex, for naming key and session files.
enum Digest {
    /// The lower-case hex SHA-256 of `data`.
    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
