import Foundation

/// The on-disk envelope of every store file: the content, the format version and a SHA-256 of the content,
/// so that a damaged or hand-edited file is detected even when it is still valid JSON.
struct SealedFile<Content: Codable>: Codable {
    var checksum: String
    var formatVersion: Int
    var content: Content
}

/// Stable JSON encodings: pretty, sorted keys for files (a diff shows one change as one change),
/// compact sorted keys for hashing.
enum CanonicalJSON {
    static func pretty<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
    }

    static func compact<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// SHA-256 of the content and the format version together, so neither can change unnoticed.
    static func checksum<T: Encodable>(_ content: T, formatVersion: Int) throws -> String {
        "sha256:" + SHA256.hex(Array("\(formatVersion)\n".utf8) + (try compact(content)))
    }

    /// Seals `content` into file bytes.
    static func seal<T: Codable>(_ content: T, formatVersion: Int) throws -> [UInt8] {
        try pretty(SealedFile(checksum: try checksum(content, formatVersion: formatVersion), formatVersion: formatVersion, content: content))
    }

    /// Opens file bytes, refusing (naming `path`) anything that is not an intact file of this kind.
    static func unseal<T: Codable>(_ bytes: [UInt8], as type: T.Type, path: String, currentVersion: Int) throws -> T {
        // Every file Cohort writes ends with a newline: without it the file was cut short.
        guard bytes.last == UInt8(ascii: "\n") else {
            throw StoreError(.damaged, "\(path) is damaged: it is empty or cut short. It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        }
        let sealed: SealedFile<T>
        do {
            sealed = try JSONDecoder().decode(SealedFile<T>.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw StoreError(.damaged, "\(path) is damaged: \(error.plainDescription). It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        }
        guard try checksum(sealed.content, formatVersion: sealed.formatVersion) == sealed.checksum else {
            throw StoreError(.damaged, "\(path) is damaged or was edited by hand: its checksum does not match its content. It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        }
        guard sealed.formatVersion <= currentVersion else {
            throw StoreError(.tooNew, "\(path) was written by a newer Cohort (format \(sealed.formatVersion); this one reads up to \(currentVersion)). Update Cohort.")
        }
        return sealed.content
    }
}

import CohortDomain
