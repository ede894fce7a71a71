import CohortDemo
import CohortDomain
import CohortIdentity
@testable import CohortFileStore
import CohortStore
import CohortTestSupport
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

    /// Every participant of a demo with people (signatures, locks, AEs, medications, measures, eligibility)
    /// reads as `JSONDecoder` reads it; and the reader knows every stored property of a participant.
    @Test func aParticipantReadsAsItsCodableReadsIt() throws {
        let directory = NSTemporaryDirectory() + "cohort-common-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory); try? FileManager.default.removeItem(atPath: directory + ".keys") }
        let store = try DemoSite.build(directory: directory, participants: 40, seed: 3, today: day, scales: TestData.scales,
                                       people: DemoPeople(keys: KeyFolder(path: directory + ".keys")))
        var held: Set<String> = []
        for subject in try store.subjects() {
            let bytes = Array(FileManager.default.contents(atPath: directory + "/participants/" + subject + ".json") ?? Data())
            var tree = try #require(try JSONValue.parse(bytes)["content"]?["participant"])
            // What the demo never holds, on one participant.
            if subject == "101-0002", case .object(var members) = tree {
                members["icfVersion"] = .string("v2.1")
                members["arm"] = .string("A")
                members["casebookLock"] = try JSONValue(encoding: CasebookLock(user: "ana", time: Moment(minutes: 29_000_000, offset: 60)))
                members["reconsents"] = try JSONValue(encoding: [Consent(date: day, icfVersion: "v3")])
                members["unscheduledVisits"] = try JSONValue(encoding: [UnscheduledVisit(code: "U1", date: day, reason: "fall")])
                members["conflicts"] = try JSONValue(encoding: [SyncConflict(id: "C1", subject: subject, what: "/visits/1/note", mine: "a",
                                                                             theirs: "b", authors: ["ana", "bob"], change: nil)])
                tree = .object(members)
            }
            let expected = try JSONDecoder().decode(Participant.self, from: Data(tree.canonicalBytes()))
            #expect(try JSONValueDecoder.decode(Participant.self, from: tree) == expected, "\(subject)")
            held.formUnion(Set(Mirror(reflecting: expected).children.compactMap(\.label)).subtracting(unsetProperties(expected)))
        }
        // Every stored property is held by some participant read, so a property the reader forgot shows.
        let stored = Set(Mirror(reflecting: try store.participant("101-0001")).children.compactMap(\.label))
        // (The remembered numbers are read through `Codable`: the next test.)
        #expect(stored.subtracting(held) == ["storedRecordNumbers"], "held by no participant: \(stored.subtracting(held).sorted())")
        // A property added to `Participant` must be read by `Participant.read` too (or make it fall back).
        #expect(stored == ["subject", "initials", "birthYear", "sex", "study", "arm", "randomization", "consentDate", "baselineDate", "status",
                           "exit", "visits", "administrations", "acknowledgements", "deviationClasses", "icfVersion", "casebookLock",
                           "storedSignatures", "storedConflicts", "storedEligibility", "storedUnscheduledVisits", "storedReconsents",
                           "storedAdverseEvents", "storedMedications", "storedMeasurements", "storedRecordNumbers"])
    }

    /// What the public properties cannot say is read through `Codable`: remembered numbers, an empty list.
    @Test func aParticipantThePropertiesCannotSayIsReadThroughItsCodable() throws {
        let directory = NSTemporaryDirectory() + "cohort-common-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try DemoSite.build(directory: directory, participants: 3, seed: 3, today: day, scales: TestData.scales)
        let base = try JSONValue(encoding: try store.participant("101-0001"))
        guard case .object(let members) = base else { Issue.record("not an object"); return }
        for extra: (String, JSONValue) in [("recordNumbers", .object(["AE": .int(4)])), ("adverseEvents", .array([])), ("eligibility", .object([:]))] {
            var changed = members
            changed[extra.0] = extra.1
            let tree = JSONValue.object(changed)
            let expected = try JSONDecoder().decode(Participant.self, from: Data(tree.canonicalBytes()))
            let read = try JSONValueDecoder.decode(Participant.self, from: tree)
            let written = try JSONValue(encoding: read)
            #expect(read == expected && written == tree, "\(extra.0)")
        }
    }
}
