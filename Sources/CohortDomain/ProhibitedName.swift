/// One `prohibitedMedications` entry of a protocol (docs/RULES.md, "Adverse events and medications"): a
/// medication name and the other names it is sold under; any of them matches like the name.
public struct ProhibitedName: Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    /// The name the deviation and the review show (`quetiapine`).
    public var name: String
    /// Other names that match like it (brand names: `Seroquel`).
    public var aliases: [String]

    /// Creates an entry.
    public init(_ name: String, aliases: [String] = []) { self.name = name; self.aliases = aliases }

    /// A name without aliases.
    public init(stringLiteral value: String) { self.init(value) }

    /// The members an entry written as an object may have.
    static let keys: Set<String> = ["name", "aliases"]

    private enum CodingKeys: String, CodingKey { case name, aliases }

    /// Reads a plain name or `{"name", "aliases"}`.
    public init(from decoder: Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(name)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode(String.self, forKey: .name),
                  aliases: try container.decodeIfPresent([String].self, forKey: .aliases) ?? [])
    }

    /// Writes a plain name when there are no aliases, so protocols written before aliases existed read back
    /// byte for byte.
    public func encode(to encoder: Encoder) throws {
        if aliases.isEmpty {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        } else {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(aliases, forKey: .aliases)
        }
    }

    /// The name and every alias.
    public var allNames: [String] { [name] + aliases }

    /// True when `text` holds the name or an alias as whole words.
    public func matches(_ text: String) -> Bool { allNames.contains { WholeWords.contains(text, $0) } }
}
