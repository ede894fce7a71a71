import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This machine's id in a store synced through git: random, made on first use, and kept in
/// `.git/cohort-machine`, which git never copies to another machine. It names this machine's ledger
/// (`ledger/ID.jsonl`), so machines that share a host name never write one file
/// (docs/RULES.md, "Several machines"). A store that is not a git repository has none, and its ledger is named after the host.
public enum MachineID {
    /// The file, inside the repository's `.git` folder.
    public static let fileName = "cohort-machine"

    /// The path of the id file of the store at `store`.
    public static func path(store: String) -> String { store + "/.git/" + fileName }

    /// The id of the store at `store` when it is a git repository, made (randomly) if it has none yet and
    /// `create`; nil when the store is not a repository.
    public static func of(store: String, create: Bool = true) -> String? {
        var info = stat()
        guard lstat(store + "/.git", &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        if let bytes = try? DurableFile.read(path(store: store)), let id = valid(String(decoding: bytes, as: UTF8.self)) { return id }
        guard create else { return nil }
        return try? make(store: store, seed: nil)
    }

    /// Writes a new id for the store at `store` (its `.git` folder must exist), random, or made from `seed`
    /// (tests only, so their machines are the same on every run), replacing any other; returns it.
    @discardableResult
    public static func make(store: String, seed: UInt64?) throws -> String {
        // A seed is spread over the id's 64 bits (SplitMix64's finalizer), so seeds 1, 2, 3 give unrelated ids.
        let bits = seed.map { seed -> UInt64 in
            var z = seed &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        } ?? UInt64.random(in: 0...UInt64.max)
        let id = String(bits, radix: 16).leftPadded(to: 16)
        try DurableFile.replace(path(store: store), with: Array((id + "\n").utf8))
        return id
    }

    /// `text` (one line) when it is an id this version makes: 16 lowercase hex digits.
    static func valid(_ text: String) -> String? {
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.utf8.count == 16 && id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) ? id : nil
    }
}

private extension String {
    /// The string with zeros before it up to `width` characters.
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
