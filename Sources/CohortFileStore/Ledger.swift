import CohortDomain
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This machine's append-only record of every chain head it committed (`ledger/MACHINE.jsonl`, one line
/// `{"hash","seq","subject"}` per save). It lives outside every participant's files and no other machine
/// writes it, so `verify` can tell a participant deleted (both files gone) or rolled back to an earlier
/// pair of its own files, and a deleted participant's ID is never given again. It is written right after
/// the data file, and a save it cannot record is taken back and refused; it may lag the data by one save
/// only after a crash between the two, never lead it.
struct Ledger {
    /// The `ledger` folder.
    let directory: String
    /// This machine's file in it.
    let path: String

    /// The chain name of store-wide records.
    static let storeChain = "_store"

    /// The chain name of user `name`'s records (`audit/users/NAME.jsonl`), as its records name it.
    static func userChain(_ name: String) -> String { userChainPrefix + name }

    /// What every user's chain name starts with (never a subject ID, which starts with digits).
    static let userChainPrefix = "user:"

    /// Whether `chain` is a participant's (neither the store-wide chain nor a user's).
    static func isParticipantChain(_ chain: String) -> Bool { chain != storeChain && !chain.hasPrefix(userChainPrefix) }

    /// The ledger of this machine in `directory`: named after its machine id in a synced store
    /// (`MachineID`), else after its host name.
    init(directory: String, machine: String? = nil) {
        self.directory = directory
        path = directory + "/" + (machine ?? Self.machineName()) + ".jsonl"
    }

    /// The host name, reduced to characters safe in a file name.
    static func machineName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let raw = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let safe = String(raw.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .map(Character.init).prefix(64))
        return safe.isEmpty || safe.hasPrefix(".") ? "machine" : safe
    }

    /// Records that `chain` (a subject, or `storeChain`) now ends at `head`. Flushed before returning.
    func record(_ chain: String, head: AuditHead) throws {
        let line = JSONValue.object(["subject": .string(chain), "seq": .int(head.seq), "hash": .string(head.hash)]).canonicalBytes()
        try DurableFile.makeDirectory(directory)
        var before = stat()
        let length = lstat(path, &before) == 0 ? Int(before.st_size) : nil
        do {
            // A copy killed mid-append leaves a torn last line: start on a line of our own.
            try DurableFile.append(path, (endsMidLine() ? [UInt8(ascii: "\n")] : []) + line + [UInt8(ascii: "\n")])
        } catch {
            // The save this records is taken back: a line that may have reached the disk must not claim it.
            if let length { try? DurableFile.truncate(path, to: length) } else { unlink(path) }
            throw error
        }
    }

    /// Whether this machine's ledger ends without a newline (a torn last line).
    private func endsMidLine() -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return false }
        var last: UInt8 = 0
        return pread(descriptor, &last, 1, off_t(info.st_size - 1)) == 1 && last != UInt8(ascii: "\n")
    }

    /// Every head every machine's ledger recorded, by chain, in file order; unreadable lines (a copy killed
    /// while writing one) are named, as notes.
    func entries() throws -> (heads: [String: [AuditHead]], problems: [String]) {
        var heads: [String: [AuditHead]] = [:]
        var problems: [String] = []
        for file in try DurableFile.entries(of: directory) where file.hasSuffix(".jsonl") {
            let filePath = directory + "/" + file
            guard let bytes = try DurableFile.read(filePath) else { continue }
            var lastReadable = false
            for (index, range) in AuditLog.lineRanges(bytes).enumerated() {
                lastReadable = false
                guard let value = try? JSONValue.parse(bytes[range]), let chain = value["subject"]?.stringValue,
                      let seq = value["seq"]?.intValue, let hash = value["hash"]?.stringValue else {
                    problems.append("\(filePath) line \(index + 1): not a readable ledger entry (cut short by a copy killed while writing it, or edited)")
                    continue
                }
                heads[chain, default: []].append(AuditHead(seq: seq, hash: hash))
                lastReadable = true
            }
            if lastReadable, let last = bytes.last, last != UInt8(ascii: "\n") {
                problems.append("\(filePath) does not end with a newline (its last line was cut short while being written, or the file was edited); the next save starts a line of its own")
            }
        }
        return (heads, problems)
    }

    /// The furthest head any ledger recorded for `chain`, or nil when none mentions it.
    func furthest(_ chain: String) throws -> AuditHead? {
        try entries().heads[chain]?.max { $0.seq < $1.seq }
    }

    /// The last head this machine's ledger recorded for `chain`, read backwards from the file's end (at
    /// most its last megabyte, so a save costs the same at any store size); nil when not found there.
    func lastHead(of chain: String) throws -> AuditHead? {
        try lastHeads(of: [chain])[chain]
    }

    /// `lastHead(of:)` of each of `chains`, read in one pass over the same last megabyte (a sync notes the
    /// heads of every participant it brought in); a chain not found there, or whose last line there cannot
    /// be read, is absent.
    func lastHeads(of chains: Set<String>) throws -> [String: AuditHead] {
        guard !chains.isEmpty else { return [:] }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return [:] }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return [:] }
        let size = Int(info.st_size), span = min(size, 1 << 20)
        var bytes = [UInt8](repeating: 0, count: span)
        guard bytes.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, span, off_t(size - span)) }) == span else { return [:] }
        // Each line ends with the chain it records (canonical JSON sorts `subject` last): `,"subject":"X"}`.
        let marker = Array(",\"subject\":\"".utf8), end = Array("\"}".utf8)
        var heads: [String: AuditHead] = [:], seen: Set<String> = []
        for range in AuditLog.lineRanges(bytes).dropFirst(span < size ? 1 : 0).reversed() {
            let line = bytes[range]
            guard line.count > marker.count + end.count, line.suffix(end.count).elementsEqual(end),
                  let start = Self.lastIndex(of: marker, in: line) else { continue }
            let chain = String(decoding: line[(start + marker.count)..<(range.upperBound - end.count)], as: UTF8.self)
            guard chains.contains(chain), seen.insert(chain).inserted else { continue }
            if let value = try? JSONValue.parse(line),
               let seq = value["seq"]?.intValue, let hash = value["hash"]?.stringValue {
                heads[chain] = AuditHead(seq: seq, hash: hash)
            }
            if seen.count == chains.count { break }
        }
        return heads
    }

    /// Where the last `needle` in `line` starts, or nil.
    private static func lastIndex(of needle: [UInt8], in line: ArraySlice<UInt8>) -> Int? {
        var index = line.endIndex - needle.count
        while index >= line.startIndex {
            if line[index] == needle[0], line[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    /// Whether any ledger mentions `subject` (its ID is then never given again). A byte search for the
    /// line's end, which names the subject: enrollment must not parse every save the site ever made.
    func mentions(_ subject: String) throws -> Bool {
        let needle = Array(",\"subject\":\"\(subject)\"}\n".utf8)
        for file in try DurableFile.entries(of: directory) where file.hasSuffix(".jsonl") {
            guard let bytes = try DurableFile.read(directory + "/" + file), bytes.count >= needle.count else { continue }
            // Each line ends with the needle when it names the subject: compare at every line's end.
            let found = bytes.withUnsafeBufferPointer { haystack in
                var end = needle.count - 1
                while end < haystack.count {
                    guard let newline = memchr(haystack.baseAddress! + end, 0x0A, haystack.count - end) else { return false }
                    end = haystack.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    if end + 1 >= needle.count && haystack[(end + 1 - needle.count)...end].elementsEqual(needle) { return true }
                    end += needle.count
                }
                return false
            }
            if found { return true }
        }
        return false
    }
}
