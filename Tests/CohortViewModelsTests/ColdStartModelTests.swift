import CohortDomain
import CohortTestSupport
import CohortStore
@testable import CohortViewModels
import Foundation
import Testing

/// A part of the table read so far (docs/RULES.md, "Opening a store"): shown, then the next part asked for
/// after the frame, until the whole table comes; never a check of a table still being read.
struct ColdStartModelTests {
    @Test func aPartReadSoFarAsksForTheNextAfterItsFrameAndTheLastOneForNothing() throws {
        let fixture = try ViewModelFixture()
        var state = AppState(today: ViewModelFixture.today, user: "tester")
        let table = try #require(fixture.state.data?.table)
        var part = Snapshot(table: table, isFullyChecked: false, context: fixture.store.context, site: "S", siteNumber: "101")
        part.reading = ReadingProgress(read: 2, total: 9)
        #expect(state.handle(.loaded(part)) == [.readMore])
        #expect(Effect.readMore.waitsForFrame, "each part is drawn before the next is read")
        #expect(state.data?.reading == ReadingProgress(read: 2, total: 9))
        #expect(state.review.count == 4, "what was read is shown")
        let whole = Snapshot(table: table, isFullyChecked: true, context: fixture.store.context, site: "S", siteNumber: "101")
        #expect(state.handle(.loaded(whole)).isEmpty, "every file read and verified: nothing to check after it")
        #expect(state.data?.reading == nil)
    }
}
