import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Testing

/// The diff and replay behind every audit record, on random documents.
struct JSONPatchTests {
    private func randomValue(_ random: inout SeededGenerator, depth: Int) -> JSONValue {
        switch depth > 2 ? random.next(4) : random.next(6) {
        case 0: return .int(random.next(5))
        case 1: return .string(["a", "b", "~/x", "ü"][random.next(4)])
        case 2: return random.next(2) == 0 ? .null : .bool(random.next(2) == 0)
        case 3: return .double(Double(random.next(3)) + 0.5)
        case 4: return .array((0..<random.next(4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            let keys = ["a", "b", "c/d", "e~f"].filter { _ in random.next(2) == 0 }
            return .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, randomValue(&random, depth: depth + 1)) }))
        }
    }

    @Test func everyDiffReplaysToTheNewDocumentAndRecordsTheOldValues() throws {
        var random = SeededGenerator(seed: 6902)
        var removals = 0
        for _ in 0..<2_000 {
            let old = randomValue(&random, depth: 0), new = randomValue(&random, depth: 0)
            let operations = JSONPatch.diff(from: old, to: new)
            removals += operations.filter { $0.op == .remove }.count
            var document = old
            for operation in operations { try JSONPatch.apply(operation, to: &document) }
            #expect(document == new, "\(random)")
            #expect(operations.isEmpty == (old == new), "\(random)")
        }
        #expect(removals > 50)
    }

    /// The trail read backwards: reverting a diff's operations, newest first, gives the old document back.
    @Test func revertingEveryOperationNewestFirstGivesTheOldDocumentBack() throws {
        var random = SeededGenerator(seed: 6903)
        for _ in 0..<2_000 {
            // Inside an object, as a participant's data always is (the whole document is never undone).
            let old = JSONValue.object(["r": randomValue(&random, depth: 0)]), new = JSONValue.object(["r": randomValue(&random, depth: 0)])
            var document = new
            for operation in JSONPatch.diff(from: old, to: new).reversed() { try JSONPatch.revert(operation, in: &document) }
            #expect(document == old, "\(random)")
        }
    }

    @Test func anAddNeverOverwritesSoEveryRecordIsUndoneExactly() {
        var document = JSONValue.object(["status": .string("scheduled")])
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.apply(PatchOperation(op: .add, path: "/status", value: .string("missed")), to: &document) }
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.revert(PatchOperation(op: .add, path: "/status", value: .string("missed")), in: &document) }
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.revert(PatchOperation(op: .replace, path: "", value: .null, old: .null), in: &document) }
        #expect(document == .object(["status": .string("scheduled")]))
    }

    @Test func replayRefusesARecordWhoseOldValueIsNotThere() {
        var document = JSONValue.object(["status": .string("scheduled")])
        let forged = PatchOperation(op: .replace, path: "/status", value: .string("missed"), old: .string("completed"))
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.apply(forged, to: &document) }
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.apply(PatchOperation(op: .remove, path: "/none", old: .null), to: &document) }
        #expect(document == .object(["status": .string("scheduled")]))
    }

    @Test func theCanonicalTextReadsBackAsTheSameValue() throws {
        var random = SeededGenerator(seed: 7159)
        for _ in 0..<1_000 {
            let value = randomValue(&random, depth: 0)
            #expect(try JSONValue.parse(value.canonicalBytes()) == value, "\(random)")
        }
        for bad in ["", "{", "[1,]", "{\"a\":1,\"a\":2}", "01", "\"\u{1}\"", "nul", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(throws: JSONValue.SyntaxError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
    }
}

/// The tree decoder every store read now goes through.
struct JSONValueDecoderTests {
    @Test func decodesWhatTheEncoderWroteAndRefusesTheWrongShapes() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var participant = try fixture.enroll("101-0001")
        try fixture.store.apply(.complete(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-12")!, reason: nil), today: StoreFixture.today, user: "t")
        participant = try fixture.store.apply(.score(subject: "101-0001", visit: "SCR", scale: "PANSS", items: Array(repeating: 3, count: 29) + [nil],
                                                     date: nil, rater: "ab", reason: nil), today: StoreFixture.today, user: "t").after
        #expect(try JSONValueDecoder.decode(Participant.self, from: JSONValue(encoding: participant)) == participant)
        #expect(try JSONValueDecoder.decode(StudyProtocol.self, from: JSONValue(encoding: StoreFixture.schizophrenia)) == StoreFixture.schizophrenia)
        guard case .object(var members) = try JSONValue(encoding: participant) else { Issue.record("not an object"); return }
        members["birthYear"] = .string("1980")
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Participant.self, from: .object(members)) }
        members["birthYear"] = nil
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Participant.self, from: .object(members)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Participant.self, from: .array([])) }
        // Score items are read as one list: a bad item is still named by its place.
        let items: JSONValue = .array([.int(3), .null, .string("4")])
        #expect(try JSONValueDecoder.decode([Int?].self, from: .array([.int(3), .null])) == [3, nil])
        do {
            _ = try JSONValueDecoder.decode([Int?].self, from: items)
            Issue.record("a text item was read as a score")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.last?.intValue == 2)
        }
    }

    /// A state undone from the data shares the data's storage except along the changed paths: decoded with
    /// the data's memo it is what a plain decode gives, and only the changed parts are decoded again.
    @Test func aTreeSharingStorageWithOneDecodedBeforeIsDecodedAgainOnlyWhereItChanged() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.store.apply(.complete(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-12")!, reason: nil), today: StoreFixture.today, user: "t")
        let before = try fixture.store.apply(.score(subject: "101-0001", visit: "SCR", scale: "PANSS", items: Array(repeating: 3, count: 29) + [nil],
                                                    date: nil, rater: "ab", reason: nil), today: StoreFixture.today, user: "t").after
        var after = before
        after.visits[1].rescheduleReason = "moved"
        let memo = DecodedSubtrees()
        let tree = try JSONValue(encoding: after)
        #expect(try JSONValueDecoder.decode(Participant.self, from: tree, memo: memo) == after)
        let decodedOnce = memo.count
        var undone = tree
        for operation in JSONPatch.diff(from: try JSONValue(encoding: before), to: tree).reversed() { try JSONPatch.revert(operation, in: &undone) }
        #expect(try JSONValueDecoder.decode(Participant.self, from: undone, memo: memo) == before)
        // Decoded again: the visits array, nothing else (the participant and the one visit changed are
        // common records, read without the memo: `CommonRecordTests`).
        #expect(memo.count == decodedOnce + 1)
        #expect(try JSONValueDecoder.decode(Participant.self, from: undone) == before)
    }
}
