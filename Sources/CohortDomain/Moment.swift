import Foundation

/// A moment the user gives or sees (docs/RULES.md, "Study days and dates"): a local wall-clock time, kept as the instant it names
/// and the UTC offset the wall clock had then, written `YYYY-MM-DDTHH:MM±HH:MM`. Clocks such as the serious
/// adverse event's report deadline count real hours between instants, so they stay right across midnight
/// and daylight-saving changes. Precision is the minute.
public struct Moment: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes since 1970-01-01T00:00Z.
    public let minutes: Int
    /// Minutes east of UTC on the wall clock at that instant (as entered, or of the zone it was shown in).
    public let offset: Int

    /// The latest moment Cohort takes (docs/RULES.md, "Study days and dates"): the last minute of
    /// `CivilDate.latestGiven`, UTC, so that a report clock started then, read on any clock, still falls
    /// within year 9999 — no moment Cohort computes needs a fifth year digit.
    public static let latest = Moment(minutes: (CivilDate.latestGiven.dayNumber + 1) * 1440 - 1, offset: 0)

    /// The moment `minutes` after the epoch, read on a clock `offset` minutes east of UTC.
    public init(minutes: Int, offset: Int) { self.minutes = minutes; self.offset = offset }

    /// The instant of `date` in `zone`.
    public init(_ date: Date, zone: TimeZone) {
        let minutes = Int((date.timeIntervalSince1970 / 60).rounded(.down))
        self.init(minutes: minutes, offset: zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(minutes) * 60)) / 60)
    }

    /// Reads `YYYY-MM-DDTHH:MM±HH:MM` (or `Z`), or a local wall-clock `YYYY-MM-DDTHH:MM` in `zone`; throws a
    /// message saying what is wrong, including a local time that does not exist (clocks went forward) —
    /// a local time that happens twice (clocks went back) is its first occurrence.
    public init(_ text: String, zone: TimeZone, what: String) throws {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ (48...57).contains(bytes[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        let example = "write YYYY-MM-DDTHH:MM, e.g. 2026-11-25T14:30 (local time), or with its UTC offset, 2026-11-25T14:30+01:00"
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T"), let date = CivilDate(String(decoding: bytes[0..<10], as: UTF8.self)),
              bytes[13] == UInt8(ascii: ":"), let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60 else {
            throw DomainError("\(what) '\(Text.shown(text))' is not a date and time; \(example).")
        }
        let local = date.dayNumber * 1440 + hour * 60 + minute
        // The wall date first (the one check of every date given), then the instant, whatever its offset.
        _ = try date.refusedIfTooLate(what)
        let rest = bytes[16...]
        if rest.isEmpty {
            // The zone's offsets just before and after that wall time; the first that reads back is the answer.
            let guess = Double(local * 60)
            let candidates = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess - 86_400)),
                              zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess + 86_400))].map { $0 / 60 }
            guard let offset = candidates.sorted(by: >).first(where: { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double((local - $0) * 60))) / 60 == $0 }) else {
                throw DomainError("\(what) \(Text.shown(text)) does not exist in this time zone (the clocks went forward then); give the time the clock showed.")
            }
            self.init(minutes: local - offset, offset: offset)
        } else if rest.count == 1, rest.first == UInt8(ascii: "Z") {
            self.init(minutes: local, offset: 0)
        } else if rest.count == 6, [UInt8(ascii: "+"), UInt8(ascii: "-")].contains(bytes[16]), bytes[19] == UInt8(ascii: ":"),
                  let hours = number(17..<19), let mins = number(20..<22), hours <= 14, mins < 60 {
            let offset = (bytes[16] == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + mins)
            self.init(minutes: local - offset, offset: offset)
        } else {
            throw DomainError("\(what) '\(Text.shown(text))' is not a date and time; \(example).")
        }
        // A wall time on the last day given, behind UTC, is an instant after it.
        guard minutes <= Self.latest.minutes else {
            throw DomainError("\(what) '\(Text.shown(text))' is too late: Cohort takes times up to \(Self.latest) (a schedule built on one must still end within year 9999).")
        }
    }

    /// The wall-clock date at this moment, on its own clock.
    public var date: CivilDate { CivilDate(dayNumber: Int((Double(minutes + offset) / 1440).rounded(.down))) }

    /// The same instant as `zone`'s clock shows it.
    public func shown(in zone: TimeZone) -> Moment {
        Moment(minutes: minutes, offset: zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(minutes) * 60)) / 60)
    }

    /// `hours` real hours later, on the same clock (show it in a zone: across a daylight-saving change the
    /// wall time moves).
    /// Never past 9999-12-31T23:59 on that clock (input is bounded by `latest`, so this only guards).
    public func adding(hours: Int) -> Moment {
        Moment(minutes: min(minutes + hours * 60, (CivilDate.latest.dayNumber + 1) * 1440 - 1 - offset), offset: offset)
    }

    /// The last minute of `date` on `zone`'s clock (for "by the end of the day").
    public static func endOf(_ date: CivilDate, in zone: TimeZone) -> Moment {
        // The next day's first minute, less one; where the clocks skip midnight itself, its first minute is
        // 01:00 (the instant before it is still `date`).
        let next = date.adding(days: 1).description
        let first = ["T00:00", "T01:00"].lazy.compactMap { try? Moment(next + $0, zone: zone, what: "") }.first
            ?? Moment(minutes: (date.dayNumber + 1) * 1440, offset: 0)
        return Moment(minutes: first.minutes - 1, offset: first.offset).shown(in: zone)
    }

    /// Compares instants, whatever the clocks.
    public static func < (a: Moment, b: Moment) -> Bool { a.minutes < b.minutes }

    /// `YYYY-MM-DDTHH:MM±HH:MM`.
    public var description: String {
        let local = minutes + offset
        let day = CivilDate(dayNumber: Int((Double(local) / 1440).rounded(.down)))
        let inDay = local - day.dayNumber * 1440
        let sign = offset < 0 ? "-" : "+"
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(day)T\(two(inDay / 60)):\(two(inDay % 60))\(sign)\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
    }

    /// `HH:MM` on its own clock.
    public var timeOfDay: String { String(description.dropFirst(11).prefix(5)) }

    /// `MM-DD HH:MM ±HH:MM` on its own clock: a time on a screen always carries its UTC offset
    /// (docs/RULES.md, "Words a monitor reads").
    public var shortWithOffset: String { "\(description.dropFirst(5).prefix(5)) \(timeOfDay) \(description.suffix(6))" }

    /// Reads the written form (with its offset).
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.utf8.count == 22 else { throw DomainError("'\(Text.shown(text))' is not a moment with its UTC offset.") }
        try self.init(text, zone: TimeZone(secondsFromGMT: 0)!, what: "Moment")
    }

    /// Writes `YYYY-MM-DDTHH:MM±HH:MM`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
