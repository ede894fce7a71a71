/// The known rating scales, by code.
public struct ScaleCatalog: Sendable, Equatable {
    private let byCode: [String: ScaleDefinition]
    /// Every definition, sorted by code.
    public let all: [ScaleDefinition]

    /// Builds a catalog; refuses duplicate codes and unsound definitions.
    public init(_ definitions: [ScaleDefinition]) throws {
        var byCode: [String: ScaleDefinition] = [:]
        var problems: [String] = []
        for definition in definitions {
            problems += definition.problems()
            if byCode.updateValue(definition, forKey: definition.code) != nil {
                problems.append("scale \(definition.code) is defined twice")
            }
        }
        guard problems.isEmpty else { throw DomainError("Scale definitions are not usable: " + problems.joined(separator: "; ")) }
        self.byCode = byCode
        all = byCode.values.sorted { $0.code < $1.code }
    }

    public static func == (lhs: ScaleCatalog, rhs: ScaleCatalog) -> Bool { lhs.all == rhs.all }

    /// The definition for a code, or nil.
    public subscript(code: String) -> ScaleDefinition? { byCode[code] }

    /// The definition for a code, or an error naming the known codes.
    public func definition(_ code: String) throws -> ScaleDefinition {
        guard let definition = byCode[code] else {
            throw DomainError("Unknown scale '\(code)'. Known scales: \(all.map(\.code).joined(separator: ", ")).")
        }
        return definition
    }
}
