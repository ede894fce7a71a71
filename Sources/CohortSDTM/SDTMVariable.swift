/// One variable (column) of an SDTM dataset, with the metadata Define-XML and Dataset-JSON describe.
public struct SDTMVariable: Sendable, Hashable {
    /// The value type, as Define-XML names it; `isCharacter` tells how XPT stores it.
    public enum DataType: String, Sendable, Hashable, CaseIterable {
        /// Free or coded text.
        case text
        /// An ISO 8601 date, date-time or partial date held as text (the `--DTC` variables).
        case datetime
        /// A whole number (`--SEQ`, `AGE`, `VISITNUM` when whole, `--DY`).
        case integer
        /// A number with a fraction (`--STRESN`, `VISITNUM` of unscheduled visits).
        case float
    }

    /// The SDTM role of a variable (SDTMIG's variable roles; Define-XML writes them on the ItemRef).
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case identifier = "Identifier"
        case topic = "Topic"
        case timing = "Timing"
        case groupingQualifier = "Grouping Qualifier"
        case resultQualifier = "Result Qualifier"
        case synonymQualifier = "Synonym Qualifier"
        case recordQualifier = "Record Qualifier"
        case variableQualifier = "Variable Qualifier"
        case rule = "Rule"
    }

    /// SDTMIG's core designation: required variables are never null and are `Mandatory="Yes"` in Define-XML.
    public enum Core: String, Sendable, Hashable, CaseIterable {
        case required = "Req"
        case expected = "Exp"
        case permissible = "Perm"
    }

    /// Where the values come from (Define-XML 2.1 `def:Origin/@Type`).
    public enum Origin: String, Sendable, Hashable, CaseIterable {
        case collected = "Collected"
        case derived = "Derived"
        case assigned = "Assigned"
        case `protocol` = "Protocol"
        case predecessor = "Predecessor"
        case notAvailable = "Not Available"
    }

    /// The name: 1–8 upper-case letters, digits or `_`, starting with a letter.
    public var name: String
    /// The label: 1–40 ASCII characters.
    public var label: String
    /// The value type.
    public var dataType: DataType
    /// A character variable's declared length in bytes (≤ 200); nil takes the longest value (at least 1).
    public var length: Int?
    /// The SDTM role.
    public var role: Role
    /// Required, expected or permissible.
    public var core: Core
    /// The `SDTMCodelist.id` of the codelist the values come from, if any.
    public var codelist: String?
    /// Where the values come from.
    public var origin: Origin
    /// A float's significant digits after the point; nil takes the most any value has.
    public var significantDigits: Int?

    /// A variable from all its metadata.
    public init(name: String, label: String, dataType: DataType, length: Int? = nil, role: Role, core: Core,
                codelist: String? = nil, origin: Origin, significantDigits: Int? = nil) {
        self.name = name
        self.label = label
        self.dataType = dataType
        self.length = length
        self.role = role
        self.core = core
        self.codelist = codelist
        self.origin = origin
        self.significantDigits = significantDigits
    }

    /// Whether XPT stores it as character (text and ISO 8601 dates) rather than numeric.
    public var isCharacter: Bool { dataType == .text || dataType == .datetime }

    /// A text variable.
    public static func char(_ name: String, _ label: String, role: Role, core: Core = .required, origin: Origin = .collected,
                            codelist: String? = nil, length: Int? = nil) -> SDTMVariable {
        SDTMVariable(name: name, label: label, dataType: .text, length: length, role: role, core: core, codelist: codelist, origin: origin)
    }

    /// An ISO 8601 date or date-time variable (`--DTC`).
    public static func dtc(_ name: String, _ label: String, role: Role = .timing, core: Core = .expected,
                           origin: Origin = .collected) -> SDTMVariable {
        SDTMVariable(name: name, label: label, dataType: .datetime, role: role, core: core, origin: origin)
    }

    /// A whole-number variable.
    public static func integer(_ name: String, _ label: String, role: Role, core: Core = .required, origin: Origin = .derived,
                               codelist: String? = nil) -> SDTMVariable {
        SDTMVariable(name: name, label: label, dataType: .integer, role: role, core: core, codelist: codelist, origin: origin)
    }

    /// A numeric variable that may hold fractions.
    public static func float(_ name: String, _ label: String, role: Role, core: Core = .expected, origin: Origin = .derived,
                             significantDigits: Int? = nil) -> SDTMVariable {
        SDTMVariable(name: name, label: label, dataType: .float, role: role, core: core, origin: origin,
                     significantDigits: significantDigits)
    }
}
