import CohortDomain
import CohortFileStore
import CohortStore
import Foundation

/// What a sync checks of what came in before it keeps it (docs/RULES.md, "Several machines"): commits
/// pushed to the remote by hand, with plain git, are refused before they reach this machine's store for good.
extension StoreSync {
    /// What changed between the common version `base` and the remote head `theirs`, judged by path, kind and
    /// deletion alone (no file read but `.gitignore`/`.gitattributes`): the problems, the participants that
    /// came in (to be checked after the merge), and whether a store-wide file came in.
    struct Incoming {
        var problems: [String] = []
        var subjects: Set<String> = []
        var storeWide = false
    }

    /// Judges every path `theirs` adds, changes or deletes past `base` against the store layout.
    func incoming(base: String, theirs: String) throws -> Incoming {
        var incoming = Incoming()
        for change in try git.rawChanges(from: base, to: theirs) {
            let path = change.path
            let place = Self.place(of: path)
            if change.status == "D" {
                // Nothing Cohort does deletes a store file; only a protocol the site file no longer lists may
                // go (the store-wide check below sees one the site still needs).
                if case .protocolFile = place {
                    incoming.storeWide = true
                    continue
                }
                incoming.problems.append("\(path) was deleted on the remote: Cohort never deletes a store file.")
                continue
            }
            guard change.mode == "100644" else {
                let kind = switch change.mode {
                case "120000": "a symbolic link"
                case "100755": "an executable file"
                case "160000": "a submodule"
                default: "not a plain file (git mode \(change.mode))"
                }
                incoming.problems.append("\(path) is \(kind) on the remote: a store holds only plain files.")
                continue
            }
            switch place {
            case .participant(let subject): incoming.subjects.insert(subject)
            case .storeWide, .protocolFile: incoming.storeWide = true
            case .ledger: break
            case .setupFile(let bytes):
                if try git.blob(theirs, path) != Data(bytes.utf8) {
                    incoming.problems.append("\(path) is not what cohort sync setup writes: it would change how git merges or which files it keeps.")
                }
            case .outside:
                incoming.problems.append("\(path) is not a file a Cohort store holds.")
            }
        }
        return incoming
    }

    /// Where a path lies in the store layout (README, "Where the data lives").
    enum Place {
        case participant(String)
        case storeWide
        case protocolFile
        case ledger
        case setupFile(String)
        case outside
    }

    /// The place of `path` in the store layout.
    static func place(of path: String) -> Place {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func name(_ part: String, _ suffix: String) -> String? {
            guard part.hasSuffix(suffix), !part.hasPrefix("."), part.count > suffix.count else { return nil }
            return String(part.dropLast(suffix.count))
        }
        func subject(_ part: String, _ suffix: String) -> String? {
            name(part, suffix).flatMap { SubjectID.problem($0) == nil ? $0 : nil }
        }
        switch parts.count {
        case 1:
            if path == "cohort-store.json" { return .storeWide }
            if path == ".gitignore" { return .setupFile(ignored) }
            if path == ".gitattributes" { return .setupFile(attributes) }
        case 2:
            switch parts[0] {
            case "participants": if let subject = subject(parts[1], ".json") { return .participant(subject) }
            case "audit":
                if parts[1] == "_store.jsonl" { return .storeWide }
                if let subject = subject(parts[1], ".jsonl") { return .participant(subject) }
            case "users": if name(parts[1], ".json") != nil { return .storeWide }
            case "protocols": if name(parts[1], ".json") != nil { return .protocolFile }
            case "ledger": if name(parts[1], ".jsonl") != nil { return .ledger }
            default: break
            }
        case 3 where parts[0] == "audit" && parts[1] == "users":
            if name(parts[2], ".jsonl") != nil { return .storeWide }
        case 4 where parts[0] == "audit" && parts[1] == "branches":
            // A merge's branch file (HEAD.jsonl) and a kept enrollment's data (HEAD.json) beside it.
            let head = name(parts[3], ".jsonl") ?? name(parts[3], ".json")
            if let head, head.count == 64, head.allSatisfy(\.isHexDigit), let subject = subject(parts[2], "") { return .participant(subject) }
        default: break
        }
        return .outside
    }

    /// Refuses what came in when anything in it is wrong: this machine goes back to its own commit `local`
    /// (nothing of the merge was published) and nothing else is written.
    func refuseIncoming(_ problems: [String], local: String) throws -> Never {
        try abandonMerge(local)
        let shown = problems.prefix(20).map { "  " + $0 }.joined(separator: "\n") + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : "")
        throw StoreError(.damaged, """
        The remote holds changes Cohort did not make (pushed by hand, with plain git, or damaged), so nothing was taken from it:
        \(shown)
        This machine's store is as it was before this sync; your work is committed here. Find out who pushed these changes, and restore the remote from a machine that holds a good history.
        """)
    }
}
