/// One SDTM dataset (a domain such as `DM`, `AE`, `TS` or `SUPPAE`): its metadata, its variables in order
/// and its records. A value only: the writers turn it into XPT, Dataset-JSON and Define-XML bytes.
public struct SDTMDataset: Sendable, Hashable {
    /// The SDTM observation class (Define-XML 2.1 `def:Class/@Name`).
    public enum Class: String, Sendable, Hashable, CaseIterable {
        case specialPurpose = "SPECIAL PURPOSE"
        case interventions = "INTERVENTIONS"
        case events = "EVENTS"
        case findings = "FINDINGS"
        case findingsAbout = "FINDINGS ABOUT"
        case trialDesign = "TRIAL DESIGN"
        case relationship = "RELATIONSHIP"
        case studyReference = "STUDY REFERENCE"
    }

    /// The dataset name and domain code: 1–8 upper-case letters, digits or `_`, starting with a letter.
    public var name: String
    /// The label (`Demographics`): 1–40 ASCII characters.
    public var label: String
    /// The observation class.
    public var datasetClass: Class
    /// The structure in words (`One record per subject`).
    public var structure: String
    /// The key variables, in key order (Define-XML `KeySequence`, Dataset-JSON `keySequence`).
    public var keyVariables: [String]
    /// The variables, in the order they are written.
    public var variables: [SDTMVariable]
    /// The records: each holds one value per variable, in the variables' order.
    public var records: [[SDTMValue]]

    /// A dataset with no records yet.
    public init(name: String, label: String, datasetClass: Class, structure: String, keyVariables: [String],
                variables: [SDTMVariable], records: [[SDTMValue]] = []) {
        self.name = name
        self.label = label
        self.datasetClass = datasetClass
        self.structure = structure
        self.keyVariables = keyVariables
        self.variables = variables
        self.records = records
    }

    /// The position of the variable named `name`, or nil.
    public func index(of name: String) -> Int? { variables.firstIndex { $0.name == name } }

    /// Appends a record given by variable name; variables not named are missing. Refuses a name that is
    /// not a variable of the dataset (a typo would otherwise drop the value silently).
    public mutating func append(_ values: [String: SDTMValue]) throws {
        let unknown = values.keys.filter { index(of: $0) == nil }.sorted()
        guard unknown.isEmpty else {
            throw SDTMError("\(name) has no variable \(unknown.joined(separator: ", ")); its variables are \(variables.map(\.name).joined(separator: ", ")).")
        }
        records.append(variables.map { values[$0.name] ?? .missing })
    }

    /// The value of `variable` in record `row`, or nil when there is no such variable.
    public func value(_ variable: String, inRecord row: Int) -> SDTMValue? {
        index(of: variable).map { records[row][$0] }
    }

    /// The file name of the dataset in a package: the name in lower case with `fileExtension` (`dm.xpt`).
    public func fileName(extension fileExtension: String) -> String { "\(name.lowercased()).\(fileExtension)" }

    /// The position of a variable in the key, from 1, or nil when it is not a key variable.
    public func keySequence(of variable: String) -> Int? { keyVariables.firstIndex(of: variable).map { $0 + 1 } }
}
