/// Lengths of time in words: "3 h 20 min", "2 d 4 h", "45 min".
public enum TimeSpan {
    /// `minutes` (never negative) in words.
    public static func words(minutes: Int) -> String {
        let minutes = max(0, minutes)
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 { return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes / 1440) d \(minutes % 1440 / 60) h"
    }
}

/// A report's deadline in words at a moment, the same on every screen and list: `due in 3 h 20 min
/// (11-26 13:46 +01:00)` or `OVERDUE by 2 h (was due 11-26 13:46 +01:00)`, the time on the local clock
/// with its offset (docs/RULES.md, "Words a monitor reads").
public enum ReportClock {
    /// The words for a report due at `due`, not sent, at `now` on `zone`'s clock.
    public static func words(due: Moment, at now: Moment, zone: TimeZone) -> String {
        let when = due.shown(in: zone).shortWithOffset
        let left = due.minutes - now.minutes
        return left >= 0 ? "due in \(TimeSpan.words(minutes: left)) (\(when))" : "OVERDUE by \(TimeSpan.words(minutes: -left)) (was due \(when))"
    }
}

import CohortDomain
import Foundation
