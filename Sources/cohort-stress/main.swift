// cohort-stress: a test tool for the store's attack suite (not part of the product).
//   cohort-stress increment STORE SUBJECT COUNT   read-modify-write a counter COUNT times
//   cohort-stress save-loop STORE SUBJECT         the same, forever, printing "saved N" after each durable save
// The counter lives in visit W1's reschedule reason ("count N"): every save reads the latest value under
// the store's lock and writes the next, so a lost update shows as a final count below the number of saves.
import CohortDomain
import CohortResources
import CohortStore
import CohortFileStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 4, let scales = try? BundledResources.scales() else {
    try? FileHandle.standardError.write(contentsOf: Data("usage: cohort-stress increment|save-loop STORE SUBJECT [COUNT]\n".utf8))
    exit(64)
}
let store: JSONFileStore
do {
    store = try JSONFileStore(directory: arguments[2], scales: scales, user: "stress-\(getpid())")
} catch {
    try? FileHandle.standardError.write(contentsOf: Data("\(error)\n".utf8))
    exit(2)
}

/// Adds one to the counter; returns the value saved.
func increment(_ store: JSONFileStore, subject: String) throws -> Int {
    var saved = 0
    try store.update(subject) { participant, _ in
        guard let index = participant.visits.firstIndex(where: { $0.code == "W1" }) else { throw DomainError("no W1") }
        let count = Int(participant.visits[index].rescheduleReason?.split(separator: " ").last ?? "0") ?? 0
        saved = count + 1
        participant.visits[index].rescheduleReason = "count \(saved)"
        return "stress"
    }
    return saved
}

do {
    switch arguments[1] {
    case "increment":
        let count = arguments.count > 4 ? Int(arguments[4]) ?? 1 : 1
        for _ in 0..<count { _ = try increment(store, subject: arguments[3]) }
    case "save-loop":
        while true {
            // Unbuffered: a line is out before the next save starts, so the parent knows what was reported saved.
            let saved = try increment(store, subject: arguments[3])
            try FileHandle.standardOutput.write(contentsOf: Data("saved \(saved)\n".utf8))
        }
    default:
        exit(64)
    }
} catch {
    try? FileHandle.standardError.write(contentsOf: Data("\(error)\n".utf8))
    exit(1)
}
