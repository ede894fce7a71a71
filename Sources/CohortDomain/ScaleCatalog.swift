/// The known rating scales, by code.
public struct ScaleCatalog: Sendable, Equatable {
    private let byCode: [String: ScaleDefinition]
    private let measuresByCode: [String: MeasureDefinition]
    /// Every definition, sorted by code.
    public let all: [ScaleDefinition]
    /// Every measure (vital sign, lab test, ECG measure), sorted by code.
    public let measures: [MeasureDefinition]

    /// Builds a catalog; refuses duplicate codes and unsound definitions.
    public init(_ definitions: [ScaleDefinition], measures: [MeasureDefinition] = []) throws {
        var byCode: [String: ScaleDefinition] = [:]
        var problems: [String] = []
        for definition in definitions {
            problems += definition.problems()
            if byCode.updateValue(definition, forKey: definition.code) != nil {
                problems.append("scale \(definition.code) is defined twice")
            }
        }
        var measuresByCode: [String: MeasureDefinition] = [:]
        for measure in measures {
            problems += measure.problems()
            if measuresByCode.updateValue(measure, forKey: measure.code) != nil || byCode[measure.code] != nil {
                problems.append("\(measure.code) is defined twice")
            }
        }
        guard problems.isEmpty else { throw DomainError("Scale and measure definitions are not usable: " + problems.joined(separator: "; ")) }
        self.byCode = byCode
        self.measuresByCode = measuresByCode
        all = byCode.values.sorted { $0.code < $1.code }
        self.measures = measuresByCode.values.sorted { $0.code < $1.code }
    }

    public static func == (lhs: ScaleCatalog, rhs: ScaleCatalog) -> Bool { lhs.all == rhs.all && lhs.measures == rhs.measures }

    /// The measure definition for a code, or nil.
    public func measure(_ code: String) -> MeasureDefinition? { measuresByCode[code] }

    /// The measure definition for a code, or an error naming the known codes.
    public func measureDefinition(_ code: String) throws -> MeasureDefinition {
        guard let definition = measuresByCode[code] else {
            throw DomainError("Unknown measure '\(Text.shown(code))'. Known measures: \(measures.map(\.code).joined(separator: ", ")).")
        }
        return definition
    }

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
