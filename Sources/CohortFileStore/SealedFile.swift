import CohortStore
import Foundation

/// The on-disk envelope of every store file: the content, the format version and a SHA-256 of the file's
/// bytes, so that a damaged or hand-edited file is detected even when it is still valid JSON.
struct SealedFile<Content: Codable>: Codable {
    var checksum: String
    var formatVersion: Int
    var content: Content
}

/// Stable JSON encodings: pretty, sorted keys for files (a diff shows one change as one change), compact
/// sorted keys for audit lines; and the sealing of files.
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

    /// How every sealed file begins; the 64 hex digits of the checksum follow it. `checksum` is the first
    /// key in sorted order, so its place in the file is fixed.
    static let checksumPrefix = Array("{\n  \"checksum\" : \"sha256:".utf8)
    static let checksumRange = checksumPrefix.count..<(checksumPrefix.count + 64)

    /// The file's SHA-256 with its own checksum digits read as zeros: every byte but those is covered,
    /// and checking a file needs no re-encoding.
    static func checksum(of bytes: [UInt8]) -> String {
        var blanked = bytes
        blanked.replaceSubrange(checksumRange, with: repeatElement(UInt8(ascii: "0"), count: 64))
        return SHA256.hex(blanked)
    }

    /// Seals `content` into file bytes.
    static func seal<T: Codable>(_ content: T, formatVersion: Int) throws -> [UInt8] {
        var bytes = try pretty(SealedFile(checksum: "sha256:" + String(repeating: "0", count: 64), formatVersion: formatVersion, content: content))
        bytes.replaceSubrange(checksumRange, with: Array(checksum(of: bytes).utf8))
        return bytes
    }

    /// The format version a sealed file says it has (its checksum checked first).
    static func formatVersion(of bytes: [UInt8], path: String) throws -> Int {
        try checkSeal(bytes, path: path)
        struct Version: Decodable { var formatVersion: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: Data(bytes)) else {
            throw StoreError(.damaged, "\(path) is damaged: it has no format version. It was not changed; restore it from a backup.")
        }
        return version.formatVersion
    }

    private static func checkSeal(_ bytes: [UInt8], path: String) throws {
        // Every file Cohort writes ends with a newline: without it the file was cut short.
        guard bytes.last == UInt8(ascii: "\n"), bytes.count > checksumRange.upperBound,
              bytes.starts(with: checksumPrefix) else {
            throw StoreError(.damaged, "\(path) is damaged: it is empty, cut short, or not a Cohort file. It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        }
        guard checksum(of: bytes).utf8.elementsEqual(bytes[checksumRange]) else {
            throw StoreError(.damaged, "\(path) is damaged or was edited by hand: its checksum does not match its content. It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        }
    }

    /// Opens file bytes, refusing (naming `path`) anything that is not an intact file of this kind and
    /// of format `version` exactly.
    static func unseal<T: Codable>(_ bytes: [UInt8], as type: T.Type, path: String, version: Int) throws -> T {
        try unsealWithTree(bytes, as: type, path: path, version: version).content
    }

    /// Like `unseal`, also handing back the content as the JSON tree it was decoded from.
    /// With `memo`, what is decoded is kept for decoding trees that share its storage (`DecodedSubtrees`).
    static func unsealWithTree<T: Codable>(_ bytes: [UInt8], as type: T.Type, path: String, version: Int,
                                           memo: DecodedSubtrees? = nil) throws -> (content: T, tree: JSONValue) {
        let opened = try unsealWithTree(bytes, as: type, path: path, version: version, memo: memo, locating: [])
        return (opened.content, opened.tree)
    }

    /// Like `unsealWithTree`, also saying where the content's member at `member` (names from the content
    /// down) is written in `bytes`.
    static func unsealWithTree<T: Codable>(_ bytes: [UInt8], as type: T.Type, path: String, version: Int, memo: DecodedSubtrees? = nil,
                                           locating member: [String]) throws -> (content: T, tree: JSONValue, span: Range<Int>?) {
        try checkSeal(bytes, path: path)
        let sealed: SealedFile<T>
        let tree: JSONValue, span: Range<Int>?
        do {
            (tree, span) = try JSONValue.parse(bytes, locating: member.isEmpty ? [] : ["content"] + member)
            sealed = try JSONValueDecoder.decode(SealedFile<T>.self, from: tree, memo: memo)
        } catch let error as DecodingError {
            throw StoreError(.damaged, "\(path) is damaged: \(error.plainDescription). It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        } catch {
            throw StoreError(.damaged, "\(path) is damaged: \(error). It was not changed; restore it from a backup (cohort verify lists every damaged file).")
        }
        guard sealed.formatVersion <= version else {
            throw StoreError(.tooNew, "\(path) was written by a newer Cohort (format \(sealed.formatVersion); this one reads up to \(version)). Update Cohort.")
        }
        guard sealed.formatVersion == version else {
            throw StoreError(.damaged, "\(path) is in store format \(sealed.formatVersion), older than the rest of the store (\(version)): it was copied back from a backup made before the store was migrated. It was not changed; restore it from a backup of the same format.")
        }
        return (sealed.content, tree["content"] ?? .null, span)
    }
}
