import CohortDomain

/// Where a scale goes in SDTM and the test code and name of each record
/// (docs/RULES.md, "SDTM conventions"): CDISC's published QS/RS codes where CDISC publishes them
/// (`published`, generated from the NCI EVS table), Cohort's own (the item codes, `SCALETOT` for
/// totals) only where it does not.
public struct SDTMScaleCodes: Sendable {
    /// A test code and name, with the C-code CDISC gives it (nil for Cohort's own).
    public struct Test: Sendable, Hashable {
        /// --TESTCD: 1–8 letters, digits or `_`.
        public var code: String
        /// --TEST: at most 40 characters.
        public var name: String
        /// The NCI C-code, for CDISC's.
        public var nciCode: String?

        /// A test.
        public init(_ code: String, _ name: String, nciCode: String? = nil) {
            self.code = code; self.name = name; self.nciCode = nciCode
        }
    }

    /// A category term (QSCAT, RSCAT) and its C-code.
    public struct Category: Sendable, Hashable {
        /// The submission value.
        public var value: String
        /// Its C-code, when CDISC publishes it.
        public var nciCode: String?

        /// A category.
        public init(_ value: String, nciCode: String? = nil) { self.value = value; self.nciCode = nciCode }
    }

    /// `QS` (questionnaires) or `RS` (clinical classifications, as CDISC places PANSS, BPRS and HAM-D).
    public var domain: String
    /// QSCAT/RSCAT.
    public var category: Category
    /// The C-code of the category's codelist (QSCAT C100129, CCCAT C118971), nil for Cohort's own.
    public var categoryCodelist: String?
    /// The C-codes of the instrument's test-code and test-name codelists, nil when CDISC publishes none.
    public var testCodes: String?, testNames: String?
    /// CDISC's test of each item, by Cohort's item code.
    public var items: [String: Test]
    /// CDISC's test of the total score, when it publishes one.
    public var total: Test?

    /// The codes of `scale`: CDISC's where published, else Cohort's own in QS.
    public static func codes(for scale: ScaleDefinition) -> SDTMScaleCodes {
        published[scale.code] ?? SDTMScaleCodes(domain: "QS", category: Category(name(scale.code)),
                                                 categoryCodelist: nil, testCodes: nil, testNames: nil, items: [:], total: nil)
    }

    /// Whether CDISC publishes the item codes of the instrument.
    public var isCDISC: Bool { testCodes != nil }

    /// The test of `item` of `scale`.
    public func test(_ item: ScaleItem, of scale: ScaleDefinition) -> Test {
        items[item.code] ?? Test(String(item.code.prefix(8)), Self.name("\(scale.code) \(item.name)"))
    }

    /// The test of `scale`'s total score: CDISC's, else `PREFIXTOT` (Cohort's own).
    public func totalTest(of scale: ScaleDefinition) -> Test {
        total ?? Test(Self.prefix(scale) + "TOT", Self.name("\(scale.code) total score"))
    }

    /// The test of a subscale total (Cohort's own: CDISC publishes none for these scales): `PREFIX` and the
    /// subscale's first three letters (`PANSSPOS`).
    public func subscaleTest(_ code: String, name: String, of scale: ScaleDefinition) -> Test {
        Test(Self.prefix(scale) + String(code.uppercased().prefix(3)), Self.name("\(scale.code) \(name) subscale total"))
    }

    /// The records of one administration in order, each test with its value and the reason it has none:
    /// every item, then the subscale totals, then the total. One rule for the package's QS/RS and the
    /// `--format sdtm` CSV table (docs/RULES.md, "SDTM conventions").
    public func records(of administration: Administration, scale: ScaleDefinition, participant: Participant,
                        context: StudyContext) -> [(test: Test, value: Int?, reasonNotDone: String)] {
        let notAssessed = administration.notDoneReason ?? "NOT ASSESSED"
        var records = zip(scale.items, administration.items).map { item, value in (test(item, of: scale), value, notAssessed) }
        let result = participant.result(of: administration, context: context)
        for subscale in result?.subscales ?? [] {
            records.append((subscaleTest(subscale.code, name: subscale.name, of: scale), subscale.value, "NOT ALL ITEMS ASSESSED"))
        }
        if scale.total {
            records.append((totalTest(of: scale), result?.total, "NOT ALL ITEMS ASSESSED"))
        }
        return records
    }

    /// A test name of Cohort's own from its definitions' words: ASCII, at most 40 characters (SDTM's
    /// limit for --TEST; the definitions' names are Cohort's data, not what a user typed).
    static func name(_ words: String) -> String { String(SDTMTerms.plainWords(words).prefix(40)) }

    /// The first five letters and digits of the scale's code, in capitals.
    static func prefix(_ scale: ScaleDefinition) -> String {
        String(scale.code.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(5))
    }
}
