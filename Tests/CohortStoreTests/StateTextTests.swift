import CohortDomain
@testable import CohortFileStore
@testable import CohortStore
import Foundation
import Testing

/// A read compares a participant's data with the state its trail records by hashing the data's own text
/// with its white space left out (`JSONValue.compactHash`), and asks the tree when that does not match:
/// the short cut must find the data where it is written, hit for files Cohort writes, and never take a
/// difference inside a text for white space.
struct StateTextTests {
    @Test func theValueAtAPathIsFoundWhereItIsWritten() throws {
        let text = Array(#"{"a": {"b" : [1, {"c": "x\"}"}], "c":  {"d": 2} }, "e": "{\"c\":1}", "f": null}"#.utf8)
        func located(_ path: [String]) throws -> String? {
            let (value, span) = try JSONValue.parse(text, locating: path)
            guard let span else { return nil }
            // What is written there is the value the path names.
            var named: JSONValue? = value
            for name in path { named = named?[name] }
            #expect(try JSONValue.parse(text[span]) == named)
            return String(decoding: text[span], as: UTF8.self)
        }
        #expect(try located(["a", "c"]) == #"{"d": 2}"#)
        #expect(try located(["a", "b"]) == #"[1, {"c": "x\"}"}]"#)
        #expect(try located(["f"]) == "null")
        // Not there: a missing member, a member of a text, a name found only deeper.
        #expect(try located(["a", "x"]) == nil && located(["e", "c"]) == nil && located(["c"]) == nil && located(["a", "b", "c"]) == nil)
    }

    /// The store with 101-0001, a note on W1 whose text has every character the hash's scan must read as text.
    private func fixture(note: String) throws -> StoreFixture {
        let fixture = try StoreFixture()
        try fixture.enroll("101-0001")
        try fixture.store.apply(.note(subject: "101-0001", visit: "W1", text: note), today: StoreFixture.today, user: "tester")
        return fixture
    }

    private let relative = "participants/101-0001.json"

    /// `bytes` with `old` replaced by `new` once, sealed again (a hand edit that passes the checksum).
    private func edited(_ bytes: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: old))
        var edited = Array(text.replacingCharacters(in: range, with: new).utf8)
        edited.replaceSubrange(CanonicalJSON.checksumRange, with: Array(CanonicalJSON.checksum(of: edited).utf8))
        return edited
    }

    @Test func aFileCohortWroteHashesToItsStateFromItsOwnText() throws {
        let fixture = try fixture(note: #"said "no" \ twice,  then { yes } : é"#)
        defer { fixture.remove() }
        let bytes = fixture.bytes(relative)
        let (file, tree, span) = try CanonicalJSON.unsealWithTree(bytes, as: ParticipantFile.self, path: relative,
                                                                  version: JSONFileStore.formatVersion, locating: ["participant"])
        let text = try #require(span.map { bytes[$0] })
        let state = try #require(try AuditLog(path: fixture.path("audit/101-0001.jsonl")).record(at: file.audit)?.state)
        #expect(JSONValue.compactHash(of: text) == state && tree["participant"]?.stateHash == state)
    }

    @Test func dataWrittenAnotherWayIsAskedOfTheTreeAndReads() throws {
        let fixture = try fixture(note: "café")
        defer { fixture.remove() }
        // The same value, its é escaped: the text's hash is not the state's, the tree's is.
        fixture.write(relative, try edited(fixture.bytes(relative), "café", #"caf\u00e9"#))
        #expect(try fixture.reopen().readParticipant("101-0001").participant.visits.first { $0.code == "W1" }?.note == "café")
    }

    @Test func aDifferenceInsideATextIsNeverTakenForWhiteSpace() throws {
        let fixture = try fixture(note: "ab")
        defer { fixture.remove() }
        // Left out with the white space between tokens, the space would make the text the state's.
        fixture.write(relative, try edited(fixture.bytes(relative), #""ab""#, #""a b""#))
        #expect(throws: StoreError.self) { try fixture.reopen().readParticipant("101-0001") }
    }
}
