import CohortDomain
import Foundation

/// Audit timestamps: UTC, ISO-8601 with milliseconds (`2026-11-25T10:44:44.123Z`).
public enum UTCTimestamp {
    /// Formats a moment.
    public static func string(from date: Date) -> String {
        let millisecondsTotal = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let secondsTotal = Int((Double(millisecondsTotal) / 1000).rounded(.down))
        let milliseconds = millisecondsTotal - secondsTotal * 1000
        let days = Int((Double(secondsTotal) / 86_400).rounded(.down))
        let secondsOfDay = secondsTotal - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(CivilDate(dayNumber: days))T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60)).\(millis)Z"
    }
}
