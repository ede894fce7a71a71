import CohortDomain

/// A full screen.
public indirect enum Screen: Equatable, Sendable {
    case review
    case participant(ParticipantPage)
    case scoreEntry(ScoreEntry)
    case enrollment(EnrollmentForm)
    case summary(SummaryPage)
    case roster(RosterPage)
    case record(RecordForm)
    case queue(QueuePage)
}

/// Something drawn over the current screen.
public indirect enum Overlay: Equatable, Sendable {
    case prompt(Prompt)
    case help(KeyContext)
}
