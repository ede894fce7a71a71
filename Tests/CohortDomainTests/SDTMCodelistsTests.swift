import CohortDomain
import CohortReports
import CohortSDTM
import CohortTestSupport
import Foundation
import Testing

/// The package's controlled terms are NCI EVS's (docs/RULES.md, "SDTM conventions"): every term of every
/// CDISC codelist Cohort ships is found, with its C-code, in the published table, and Cohort's free-text
/// routes, frequencies and doses map to those terms.
struct SDTMCodelistsTests {
    /// `../shared/reference/sdtm_terminology.csv`, read by CohortSDTM's reader of the table.
    static let table: SDTMTerminology? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/sdtm_terminology.csv")
        return (try? String(contentsOf: url, encoding: .utf8)).flatMap { try? SDTMTerminology(csv: $0) }
    }()

    /// Whether the table's codelist `list` holds `value` with the C-code `code`.
    static func holds(_ table: SDTMTerminology, _ list: String?, _ code: String?, _ value: String) -> Bool {
        guard let list, let code else { return false }
        return table.codelists[list]?.terms[value] == code
    }

    @Test func everyShippedTermIsInTheNCIEVSTableWithItsCode() throws {
        let table = try #require(Self.table, "../shared/reference/sdtm_terminology.csv is missing or unreadable")
        #expect(table.codelists.count > 500)
        var checked = 0
        for codelist in SDTMCodelists.all.values {
            guard let listCode = codelist.nciCode else {
                // The sponsor's own list: each term still carries the code CDISC gives it in its own codelist.
                for term in codelist.terms {
                    #expect(table.codelists.values.contains { $0.terms[term.value] == term.nciCode }, "\(codelist.id) \(term.value)")
                }
                continue
            }
            #expect(table.codelists[listCode] != nil, "codelist \(codelist.id) \(listCode)")
            for term in codelist.terms {
                #expect(Self.holds(table, listCode, term.nciCode, term.value), "\(codelist.id): \(term.value) \(term.nciCode ?? "no code")")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func theScalesTestCodesAreCDISCsPublishedOnesWhereTheyExist() throws {
        let table = try #require(Self.table, "../shared/reference/sdtm_terminology.csv is missing or unreadable")
        for (scale, codes) in SDTMScaleCodes.published {
            #expect(Self.holds(table, codes.categoryCodelist, codes.category.nciCode, codes.category.value), "\(scale) category")
            for test in Array(codes.items.values) + [codes.total].compactMap({ $0 }) {
                #expect(Self.holds(table, codes.testCodes, test.nciCode, test.code), "\(scale) \(test.code)")
                #expect(Self.holds(table, codes.testNames, test.nciCode, test.name), "\(scale) \(test.name)")
                #expect(test.code.count <= 8 && test.name.count <= 40)
            }
        }
        // Every item of the instruments CDISC publishes has its code; the others are Cohort's own.
        for scale in TestData.scales.all {
            let codes = SDTMScaleCodes.codes(for: scale)
            if ["PANSS", "BPRS", "HAMD17", "PHQ9", "CSSRS", "CGI-S", "CGI-I"].contains(scale.code) {
                #expect(codes.isCDISC && scale.items.allSatisfy { codes.items[$0.code] != nil }, "\(scale.code)")
            } else {
                #expect(!codes.isCDISC && codes.test(scale.items[0], of: scale).code == scale.items[0].code, "\(scale.code)")
            }
        }
        #expect(SDTMScaleCodes.codes(for: try #require(TestData.scales["HAMD17"])).items["HAMD16"]?.code == "HAMD116A")
        #expect(SDTMScaleCodes.codes(for: try #require(TestData.scales["PANSS"])).domain == "RS")
        #expect(SDTMScaleCodes.codes(for: try #require(TestData.scales["PHQ9"])).domain == "QS")
    }

    @Test func routesFrequenciesAndDosesAsWrittenMapToCDISCTerms() {
        #expect(SDTMTerms.route("oral") == "ORAL")
        #expect(SDTMTerms.route("PO") == "ORAL")
        #expect(SDTMTerms.route("by mouth") == "ORAL")
        #expect(SDTMTerms.route("IM") == "INTRAMUSCULAR")
        #expect(SDTMTerms.route("through a straw") == nil)
        #expect(SDTMTerms.frequency("daily") == "QD")
        #expect(SDTMTerms.frequency("once daily") == "QD")
        #expect(SDTMTerms.frequency("twice daily") == "BID")
        #expect(SDTMTerms.frequency("as needed") == "PRN")
        #expect(SDTMTerms.frequency("QD") == "QD")
        #expect(SDTMTerms.frequency("with meals") == nil)
        #expect(SDTMTerms.dose("1 mg")?.amount == 1)
        #expect(SDTMTerms.dose("1 mg")?.unit == "mg")
        #expect(SDTMTerms.dose("0.5mg")?.amount == 0.5)
        #expect(SDTMTerms.dose("2 tablets")?.unit == "TABLET")
        #expect(SDTMTerms.dose("100 mcg")?.unit == "ug")
        #expect(SDTMTerms.dose("1-2 mg") == nil)
        #expect(SDTMTerms.dose("as directed") == nil)
        // Every term a mapping gives is one of the codelist's.
        let routes = Set(SDTMCodelists.route.terms.map(\.value)), frequencies = Set(SDTMCodelists.frequency.terms.map(\.value))
        for text in ["oral", "po", "iv", "sc", "sl", "patch", "inhaled", "nasal", "topical", "rectal", "buccal", "eye drops"] {
            #expect(SDTMTerms.route(text).map(routes.contains) == true, "\(text)")
        }
        for text in ["daily", "bid", "tid", "qid", "prn", "at bedtime", "once", "every morning", "every evening", "weekly", "monthly", "every other day"] {
            #expect(SDTMTerms.frequency(text).map(frequencies.contains) == true, "\(text)")
        }
    }

    @Test func studyDaysAndEpochsFollowDayOne() {
        let dayOne = TestData.date("2026-11-10")
        #expect(SDTMTerms.studyDay(of: TestData.date("2026-11-09"), dayOne: dayOne) == -1)
        #expect(SDTMTerms.studyDay(of: dayOne, dayOne: dayOne) == 1)
        #expect(SDTMTerms.studyDay(of: dayOne, dayOne: nil) == nil)
        #expect(SDTMTerms.epoch(of: TestData.date("2026-11-09"), dayOne: dayOne, treatmentEnd: nil) == "SCREENING")
        #expect(SDTMTerms.epoch(of: dayOne, dayOne: nil, treatmentEnd: nil) == "SCREENING")
        #expect(SDTMTerms.epoch(of: dayOne, dayOne: dayOne, treatmentEnd: dayOne) == "TREATMENT")
        #expect(SDTMTerms.epoch(of: TestData.date("2026-11-11"), dayOne: dayOne, treatmentEnd: dayOne) == "FOLLOW-UP")
    }

    @Test func qtcfIsCDISCsAggregateTest() throws {
        let definition = try #require(TestData.scales.measure("QTCF"))
        #expect(SDTMPackageExport.test(definition) == ("QTCFAG", "QTcF Interval, Aggregate"))
        let weight = try #require(TestData.scales.measure("WEIGHT"))
        #expect(SDTMPackageExport.test(weight) == ("WEIGHT", "Weight"))
    }
}
