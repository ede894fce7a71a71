import CohortDomain
import CohortReports
import CohortStore

/// The daily review. (The ncurses screens replace this plain listing in the front-end issue.)
enum FrontEnd {
    static func run(_ session: Session) throws {
        let store = try session.openStore()
        try session.withAllParticipants(store) { participants in
            Session.print(ReviewText.render(DayReview(date: session.today, participants: participants, context: store.context), context: store.context))
        }
    }
}
