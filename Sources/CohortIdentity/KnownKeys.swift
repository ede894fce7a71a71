import Foundation

/// The users' public keys this computer first saw, per store (trust on first use, like ssh's `known_hosts`):
/// `known-keys.json` in the person's own data folder beside `keys/`, never in a store. A store alone cannot
/// prove its own keys: someone who can write its files can give every user a new key pair and sign anew
/// (docs/RULES.md, "Users and roles").
public struct KnownKeys: Codable, Sendable, Equatable {
    /// One remembered fact: a public key (base64) or a store's id, and the day it was first seen.
    public struct Entry: Codable, Sendable, Equatable {
        /// The public key (a user's) or the store's id (a folder's).
        public var value: String
        /// The local day it was first seen on this computer (YYYY-MM-DD).
        public var firstSeen: String
    }

    /// Per store id (the hash of its first store-wide trail record), per user name: the key first seen.
    public var stores: [String: [String: Entry]] = [:]
    /// Per store folder (links resolved): the id of the store first seen there, so a store whose first
    /// record was rewritten (a new id, nothing to compare with) is named all the same.
    public var folders: [String: Entry] = [:]

    /// An empty list.
    public init() {}

    /// The file beside the key folder `keys` (`$XDG_DATA_HOME/cohort/known-keys.json`).
    public static func file(beside keys: KeyFolder) -> String {
        URL(fileURLWithPath: keys.path).deletingLastPathComponent().appendingPathComponent("known-keys.json").path
    }

    /// The list in `file`; empty when there is none yet.
    public static func load(from file: String) throws -> KnownKeys {
        guard let data = FileManager.default.contents(atPath: file) else { return KnownKeys() }
        do { return try JSONDecoder().decode(KnownKeys.self, from: data) } catch {
            throw IdentityError("\(file) is not a readable list of known keys: it was damaged. Move it aside; the keys the store holds now are then taken as first seen.")
        }
    }

    /// Writes the list to `file`, readable by its owner only.
    public func save(to file: String) throws {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        try KeyFolder.makePrivateFolder(folder)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try KeyFolder.writePrivately(try encoder.encode(self), to: file)
    }

    /// Compares the store `id` found in `folder`, and its users' public keys, with what this computer first
    /// saw; remembers what it sees for the first time (`today`). Returns each difference in words (empty
    /// when all agree); a differing key is never remembered in place of the first.
    public mutating func compare(store id: String, folder: String, users: [(name: String, publicKey: String)], today: String) -> [String] {
        var problems: [String] = []
        if let first = folders[folder], first.value != id {
            problems.append("the store in \(folder) is not the one this computer first saw there on \(first.firstSeen) (its first store-wide trail record differs): it was replaced or its trail rewritten. If it was made again on purpose, remove its entry from known-keys.json in your data folder.")
        } else if folders[folder] == nil {
            folders[folder] = Entry(value: id, firstSeen: today)
        }
        var known = stores[id] ?? [:]
        for user in users {
            if let first = known[user.name] {
                if first.value != user.publicKey {
                    problems.append("user \(user.name)'s public key is not the one this computer first saw on \(first.firstSeen): the store's user files were replaced or the key was rotated outside Cohort.")
                }
            } else {
                known[user.name] = Entry(value: user.publicKey, firstSeen: today)
            }
        }
        stores[id] = known
        return problems
    }
}
