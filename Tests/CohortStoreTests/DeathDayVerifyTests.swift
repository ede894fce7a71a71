import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// `verify` names a participant whose data has something dated after the day of death
/// (docs/RULES.md, "Adverse events and medications", after a death), as an earlier version could save it.
struct DeathDayVerifyTests {
    @Test func verifyNamesDataDatedAfterADeath() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        _ = try fixture.store.apply(.complete(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-10")!, reason: nil),
                                    today: StoreFixture.today, user: "tester")
        _ = try fixture.store.apply(.complete(subject: "101-0001", visit: "D1", date: CivilDate("2026-11-18")!, reason: nil),
                                    today: StoreFixture.today, user: "tester")
        #expect(fixture.store.verify().problems.isEmpty)
        // Saved as an earlier version let it be: a death on the 12th after D1 was completed on the 18th.
        _ = try fixture.store.update("101-0001") { participant, _ in
            participant.status = .withdrawn
            participant.exit = ExitRecord(date: CivilDate("2026-11-12")!, category: .death, reason: "died")
            return "death recorded"
        }
        let problems = fixture.store.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("101-0001 died on 2026-11-12, yet has data dated after it: D1 completed on 2026-11-18") == true, "\(problems)")
        // The file stays usable, so the lead can correct it.
        #expect(try fixture.store.participant("101-0001").exit?.category == .death)
    }

    @Test func aStoreFileGivingAMemberTwiceIsRefusedNamingIt() {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(#"{"saeReportHours": 168, "saeReportHours": 1}"#.utf8)) }
        do {
            _ = try JSONValue.parse(Array(#"{"a": {"b": 1, "b": 2}}"#.utf8))
        } catch {
            #expect("\(error)".contains("no second member named b"), "\(error)")
        }
    }
}
