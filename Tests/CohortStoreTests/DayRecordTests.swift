import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// Finding the trails with records on a day without checking every line (docs/RULES.md,
/// "The day's lists and the summary").
struct DayRecordTests {
    @Test func eachLinesTimeIsItsOwnWhateverTheTextHolds() throws {
        let operations = [PatchOperation(op: .add, path: "/note", value: .string("\",\"time\":\"1999-01-01T00:00")),
                          PatchOperation(op: .replace, path: "/n", value: .int(2), old: .string(",\"time\":\"1998-01-01T00:00"))]
        let (bytes, _) = AuditLog.lines(operations, subject: "101-0001", user: "a,\"time\":\"1997", reason: "x\",\"time\":\"1996-01-01T00:00",
                                        time: "2026-11-20T10:05:01.000Z", after: .empty, state: nil)
        #expect(AuditLog.minutes(bytes, lines: AuditLog.lineRanges(bytes)).compactMap { $0 } == ["2026-11-20T10:05", "2026-11-20T10:05"])
        #expect(AuditLog.minutes(Array("not a record\n".utf8), lines: [0..<12]).compactMap { $0 }.isEmpty)
    }
}
