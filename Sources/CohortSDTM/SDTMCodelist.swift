/// A codelist a variable's values come from: CDISC's (NCI EVS, with its C-codes) or the sponsor's own.
/// Define-XML writes it as a `CodeList` of `EnumeratedItem`s, or of `CodeListItem`s when terms have decodes.
public struct SDTMCodelist: Sendable, Hashable {
    /// One permitted value.
    public struct Term: Sendable, Hashable {
        /// The submission value, as it appears in the data (`F`, `ORAL`, `QD`).
        public var value: String
        /// Its NCI concept code (`C16576`), when CDISC publishes the term.
        public var nciCode: String?
        /// What the value means, when it differs from the value (`Female` for `F`).
        public var decode: String?
        /// Whether the sponsor added it to an extensible CDISC codelist (`def:ExtendedValue="Yes"`).
        public var isExtended: Bool

        /// A term.
        public init(_ value: String, nciCode: String? = nil, decode: String? = nil, isExtended: Bool = false) {
            self.value = value
            self.nciCode = nciCode
            self.decode = decode
            self.isExtended = isExtended
        }
    }

    /// The key variables use to name it and the Define-XML OID suffix (`SEX`, `ROUTE`, `NY`).
    public var id: String
    /// The codelist's name (`Sex`, `Route of Administration Response`).
    public var name: String
    /// The NCI code of the codelist itself (`C66731`), when it is CDISC's.
    public var nciCode: String?
    /// Text, or integer/float for numeric codes.
    public var dataType: SDTMVariable.DataType
    /// The permitted values.
    public var terms: [Term]

    /// A codelist.
    public init(id: String, name: String, nciCode: String? = nil, dataType: SDTMVariable.DataType = .text, terms: [Term]) {
        self.id = id
        self.name = name
        self.nciCode = nciCode
        self.dataType = dataType
        self.terms = terms
    }

    /// Whether CDISC publishes it (it has an NCI code), rather than the sponsor.
    public var isCDISC: Bool { nciCode != nil }
}
