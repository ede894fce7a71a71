import CohortDomain
import CohortReports
import CohortSDTM
import CohortTestSupport
import Foundation
import Testing

/// The package's controlled terms are NCI EVS's (docs/RULES.md, "SDTM conventions"): every term of every
/// CDISC codelist Cohort ships is found, with its C-code, in the published table, and Cohort's free-text
/// routes, frequencies and doses map to those terms.
struct SDTMTerminologyTests {
    /// `../shared/reference/sdtm_terminology.csv` as (codelist code, term code, submission value) rows.
    static func table() throws -> [(list: String, code: String, value: String)] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/sdtm_terminology.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { row.append(field); field = "" } else if next == "\n" || next == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
                        }
                    } else { quoted = false }
                } else { field.append(character) }
            } else if character == "\"" { quoted = true }
            else if character == "," { row.append(field); field = "" }
            else if character == "\n" || character == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(character) }
        }
        return rows.dropFirst().filter { $0.count >= 5 }.map { ($0[1], $0[0], $0[4]) }
    }

    @Test func everyShippedTermIsInTheNCIEVSTableWithItsCode() throws {
        let rows = try Self.table()
        #expect(rows.count > 30_000)
        let terms = Set(rows.map { "\($0.list)|\($0.code)|\($0.value)" })
        let lists = Set(rows.filter { $0.list.isEmpty }.map(\.code))
        var checked = 0
        for codelist in SDTMTerminology.all.values {
            guard let listCode = codelist.nciCode else {
                // The sponsor's own list: each term still carries the code CDISC gives it somewhere.
                for term in codelist.terms {
                    #expect(rows.contains { $0.code == term.nciCode && $0.value == term.value }, "\(codelist.id) \(term.value)")
                }
                continue
            }
            #expect(lists.contains(listCode), "codelist \(codelist.id) \(listCode)")
            for term in codelist.terms {
                #expect(terms.contains("\(listCode)|\(term.nciCode ?? "")|\(term.value)"), "\(codelist.id): \(term.value) \(term.nciCode ?? "no code")")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func theScalesTestCodesAreCDISCsPublishedOnesWhereTheyExist() throws {
        let rows = try Self.table()
        let terms = Set(rows.map { "\($0.list)|\($0.code)|\($0.value)" })
        for (scale, codes) in SDTMScaleCodes.published {
            #expect(terms.contains("\(codes.categoryCodelist ?? "")|\(codes.category.nciCode ?? "")|\(codes.category.value)"), "\(scale) category")
            for test in Array(codes.items.values) + [codes.total].compactMap({ $0 }) {
                #expect(terms.contains("\(codes.testCodes ?? "")|\(test.nciCode ?? "")|\(test.code)"), "\(scale) \(test.code)")
                #expect(terms.contains("\(codes.testNames ?? "")|\(test.nciCode ?? "")|\(test.name)"), "\(scale) \(test.name)")
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
        let routes = Set(SDTMTerminology.route.terms.map(\.value)), frequencies = Set(SDTMTerminology.frequency.terms.map(\.value))
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
