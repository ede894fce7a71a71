@testable import CohortStore
import Testing

/// The diff and replay behind every audit record, on random documents.
struct JSONPatchTests {
    private func randomValue(_ random: inout SeededRandom, depth: Int) -> JSONValue {
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
        var random = SeededRandom(seed: 6902)
        var removals = 0
        for _ in 0..<2_000 {
            let old = randomValue(&random, depth: 0), new = randomValue(&random, depth: 0)
            let operations = JSONPatch.diff(from: old, to: new)
            removals += operations.filter { $0.op == .remove }.count
            var document = old
            for operation in operations { try JSONPatch.apply(operation, to: &document) }
            #expect(document == new)
            #expect(operations.isEmpty == (old == new))
        }
        #expect(removals > 50)
    }

    @Test func replayRefusesARecordWhoseOldValueIsNotThere() {
        var document = JSONValue.object(["status": .string("scheduled")])
        let forged = PatchOperation(op: .replace, path: "/status", value: .string("missed"), old: .string("completed"))
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.apply(forged, to: &document) }
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.apply(PatchOperation(op: .remove, path: "/none", old: .null), to: &document) }
        #expect(document == .object(["status": .string("scheduled")]))
    }

    @Test func theCanonicalTextReadsBackAsTheSameValue() throws {
        var random = SeededRandom(seed: 7159)
        for _ in 0..<1_000 {
            let value = randomValue(&random, depth: 0)
            #expect(try JSONValue.parse(value.canonicalBytes()) == value)
        }
        for bad in ["", "{", "[1,]", "{\"a\":1,\"a\":2}", "01", "\"\u{1}\"", "nul", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(throws: JSONValue.SyntaxError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
    }
}
