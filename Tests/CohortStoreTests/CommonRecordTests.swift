import CohortDomain
@testable import CohortFileStore
import CohortStore
import Foundation
import Testing

/// Visits, scores, measures and eligibility answers are read from the tree without a keyed container: each
/// must give what its synthesized `Codable` gives, with every property read, and refuse what it refuses.
struct CommonRecordTests {
    /// Whether any stored property of `value` is nil: a sample must set every one, so that a property added
    /// later and not read by the short cut shows as a difference.
    private func unsetProperties(_ value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap { child in
            let inner = Mirror(reflecting: child.value)
            return inner.displayStyle == .optional && inner.children.isEmpty ? child.label ?? "?" : nil
        }
    }

    /// `value` encoded as the store writes it, then read back by the tree decoder and by Foundation's.
    private func readBothWays<T: Codable & Equatable>(_ value: T) throws -> (tree: T, foundation: T) {
        let bytes = try CanonicalJSON.pretty(value)
        return (try JSONValueDecoder.decode(T.self, from: try JSONValue.parse(bytes)), try JSONDecoder().decode(T.self, from: Data(bytes)))
    }

    private let day = CivilDate("2026-11-20")!

    private var everyPropertySet: (VisitRecord, Administration, CohortDomain.Measurement, [String: EligibilityRecord]) {
        var visit = VisitRecord(code: "W2")
        visit.status = .missed; visit.rescheduledDate = day; visit.rescheduleReason = "travel"; visit.completedDate = day
        visit.missedDate = day.adding(days: 1); visit.missedReason = "ill"; visit.note = "called twice"
        var administration = Administration(visit: "W2", scale: "MADRS", date: day, items: [1, nil, 3], rater: "DM", notDoneReason: "refused")
        administration.corrections = [day.adding(days: 2)]
        let measurement = CohortDomain.Measurement(visit: "W2", test: "SYSBP", value: Quantity("95.0"), unit: "mmHg", date: day,
                                                   range: NormalRange(low: Quantity("90"), high: Quantity("140")), notDone: "machine down",
                                                   assessment: SignificanceAssessment(significance: .ncs, comment: "white coat", date: day, user: "ana"))
        return (visit, administration, measurement, ["I1": EligibilityRecord(answer: .notMet, source: "chart"), "E2": EligibilityRecord(answer: .met)])
    }

    /// The tree decoder and Foundation's both give `value` back.
    private func expectRead<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let read = try readBothWays(value)
        #expect(read.tree == value && read.foundation == value, "\(read.tree)", sourceLocation: sourceLocation)
    }

    @Test func eachRecordReadsAsItsCodableReadsIt() throws {
        let (visit, administration, measurement, answers) = everyPropertySet
        for sample in [visit, administration, measurement, answers["I1"]!] as [Any] { #expect(unsetProperties(sample).isEmpty, "\(sample)") }
        try expectRead(visit)
        try expectRead(VisitRecord(code: "BL"))
        try expectRead(administration)
        try expectRead(measurement)
        #expect(try readBothWays(measurement).tree.value?.description == "95.0")
        try expectRead(answers)
        try expectRead(CohortDomain.Measurement(visit: "W2", test: "WEIGHT", value: nil, unit: "kg", date: day))
    }

    @Test func aRecordTheCodableRefusesIsRefused() throws {
        let (visit, _, measurement, _) = everyPropertySet
        func tree<T: Encodable>(_ value: T, _ change: (inout [String: JSONValue]) -> Void) throws -> JSONValue {
            guard case .object(var members) = try JSONValue.parse(try CanonicalJSON.pretty(value)) else { return .null }
            change(&members)
            return .object(members)
        }
        let refused: [(JSONValue, Any.Type)] = [
            (try tree(visit) { $0["code"] = nil }, VisitRecord.self),
            (try tree(visit) { $0["status"] = .string("postponed") }, VisitRecord.self),
            (try tree(visit) { $0["status"] = .int(1) }, VisitRecord.self),
            (try tree(visit) { $0["missedDate"] = .string("2026-02-30") }, VisitRecord.self),
            (try tree(visit) { $0["note"] = .int(3) }, VisitRecord.self),
            (try tree(measurement) { $0["value"] = .string("95") }, CohortDomain.Measurement.self),
            (try tree(measurement) { $0["date"] = nil }, CohortDomain.Measurement.self),
        ]
        for (value, type) in refused {
            let decode: () throws -> Void = type == VisitRecord.self
                ? { _ = try JSONValueDecoder.decode(VisitRecord.self, from: value) }
                : { _ = try JSONValueDecoder.decode(CohortDomain.Measurement.self, from: value) }
            #expect(throws: DecodingError.self, "\(value)") { try decode() }
        }
        // An answer that is not one of the answers, inside the participant's map of them.
        let answers = JSONValue.object(["I1": .object(["answer": .string("maybe")])])
        #expect(throws: DecodingError.self) { _ = try JSONValueDecoder.decode([String: EligibilityRecord].self, from: answers) }
        // The error names the member, as the container's does.
        do {
            _ = try JSONValueDecoder.decode(VisitRecord.self, from: try tree(visit) { $0["status"] = .string("postponed") })
        } catch let error as DecodingError {
            guard case .dataCorrupted(let context) = error else { Issue.record("\(error)"); return }
            #expect(context.codingPath.map(\.stringValue) == ["status"])
        }
    }
}
