import ArgumentParser
import CohortDomain
import Foundation

/// `--store`, `--today`, `--now` and `--user`, accepted by every command, before or after its own arguments.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory (default $COHORT_STORE, else $XDG_DATA_HOME/cohort or ~/.local/share/cohort).", valueName: "DIR"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The date to act as today, YYYY-MM-DD (default $COHORT_TODAY, else the system date).", valueName: "DATE"))
    var today: String?

    @Option(name: .long, help: ArgumentHelp("The moment to act as now, local YYYY-MM-DDTHH:MM or with its UTC offset (default $COHORT_NOW, else --today at the current time of day, else the system clock).", valueName: "DATETIME"))
    var now: String?

    @Option(name: .long, help: ArgumentHelp("Who is making changes, for the audit trail (default $COHORT_USER, else the login name).", valueName: "NAME"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("In a store with users: read passphrases from this open file descriptor, one a line (for scripts; never give a passphrase as an argument).", valueName: "N"))
    var passphraseFd: Int32?

    private static let names: Set<String> = ["--store", "--today", "--now", "--user", "--passphrase-fd"]

    /// Moves global options written before the command name to after it, so `cohort --store D visits` works.
    static func movedAfterCommand(_ arguments: [String], commands: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if names.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if let name = argument.split(separator: "=", maxSplits: 1).first, names.contains(String(name)), argument.contains("=") {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard index < arguments.count, commands.contains(arguments[index]) else { return arguments }
        return [arguments[index]] + Array(arguments[(index + 1)...]) + leading
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The store directory to use.
    var storeDirectory: String {
        if let store, !store.isEmpty { return store }
        if let value = environment["COHORT_STORE"], !value.isEmpty { return value }
        if let value = environment["XDG_DATA_HOME"], !value.isEmpty { return value + "/cohort" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/cohort"
    }

    /// The day to act as today, and the clock: `--now` fixes the moment (and today is its date); `--today`
    /// alone keeps the time of day running on that date; neither is the system clock.
    func clock() throws -> SessionClock {
        let zone = TimeZone.current
        func environmentValue(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        // An option given on the command line wins over the environment; both of one kind must agree.
        let nowText = now ?? (today == nil ? environmentValue("COHORT_NOW") : nil)
        let todayText = today ?? (now == nil ? environmentValue("COHORT_TODAY") : nil)
        var day: CivilDate?
        if let text = todayText {
            guard let date = CivilDate(text) else {
                throw DomainError("--today '\(text)' is not a real date; write it as YYYY-MM-DD, e.g. 2026-11-25.")
            }
            // A later day would make dates (schedules, report clocks) that need a fifth year digit.
            day = try date.refusedIfTooLate("--today")
        }
        if let text = nowText {
            // Today is the date on this machine's clock at that moment, whatever offset it was written with.
            let moment = try Moment(text, zone: zone, what: "--now").shown(in: zone)
            if let day, day != moment.date {
                throw DomainError("--today \(day) and --now \(moment) name different days; give one of them.")
            }
            return SessionClock(today: moment.date, fixed: moment, shift: 0, zone: zone)
        }
        guard let day else { return SessionClock(today: SystemClock.localToday(), fixed: nil, shift: 0, zone: zone) }
        // The current local time of day on `day` (the clock then runs on from there); a time the clocks
        // skipped on that day is taken an hour later.
        let real = Moment(Date(), zone: zone)
        let timeOfDay = ((real.minutes + real.offset) % 1440 + 1440) % 1440
        // Read with the offset the day began with, a skipped wall time lands after the change, an hour later.
        let offsetBefore = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400)) / 60
        let then = (try? Moment("\(day)T\(real.timeOfDay)", zone: zone, what: "--today"))
            ?? Moment(minutes: day.dayNumber * 1440 + timeOfDay - offsetBefore, offset: offsetBefore).shown(in: zone)
        return SessionClock(today: day, fixed: nil, shift: TimeInterval((then.minutes - real.minutes) * 60), zone: zone)
    }

    /// True when `--user` or `$COHORT_USER` names the user (not the login name): then a session of another
    /// user is never used (docs/RULES.md, "Users and roles").
    var userIsNamed: Bool { user != nil || !(environment["COHORT_USER"] ?? "").isEmpty }

    /// The user recorded in the audit trail.
    func userName() throws -> String {
        let name = user ?? environment["COHORT_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"] ?? environment["LOGNAME"] ?? SystemClock.loginName()
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        // Who made a change must read the same to everyone: a plain ASCII set, so no look-alike letters
        // (Cyrillic "а" for Latin "a"), invisible characters or controls make two users that look alike
        // (docs/RULES.md, "Subject IDs and free text").
        guard (1...32).contains(trimmed.utf8.count), trimmed.utf8.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array(".-_".utf8).contains(byte)
        }) else {
            throw DomainError("The user name '\(Text.shown(String(trimmed.prefix(40))))' is not usable: a user name is 1 to 32 of the letters a-z A-Z, digits 0-9, '.', '_' and '-' (no spaces, accents, look-alike letters, control or invisible characters); give --user with such a name.")
        }
        return trimmed
    }
}

/// Today and the running clock of one run of `cohort`.
struct SessionClock {
    /// The day to act as today.
    let today: CivilDate
    /// `--now`: a clock that does not move.
    let fixed: Moment?
    /// Seconds added to the system clock (`--today` on another day).
    let shift: TimeInterval
    /// The local time zone (times the user gives and sees are on its clock).
    let zone: TimeZone

    /// The moment now.
    func now() -> Moment { fixed ?? Moment(Date().addingTimeInterval(shift), zone: zone) }

    /// The instant now, to the second, for sessions' idle time: `--now` (or `$COHORT_NOW`) sets it, `--today`
    /// does not move it (a session is left by one command and read by the next, with or without `--today`).
    func date() -> Date { fixed.map { Date(timeIntervalSince1970: Double($0.minutes) * 60) } ?? Date() }
}

/// The system's notion of today and of who is logged in.
enum SystemClock {
    /// Today's date in the machine's time zone.
    static func localToday() -> CivilDate {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return CivilDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? CivilDate(dayNumber: Int(now) / 86_400)
    }

    /// The login name from the password database.
    static func loginName() -> String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "unknown" }
        return String(cString: name)
    }
}
