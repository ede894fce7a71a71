import CohortDomain
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `cohort export --out FILE` may write: a new regular file, or an existing regular file, outside
/// every store. Never a store file, a link or a special file (docs/RULES.md, "The trail is the record").
public enum OutputFile {
    /// The absolute path to write for `path`, or a refusal naming what is wrong.
    public static func checked(_ path: String, store: String) throws -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let name = (absolute as NSString).lastPathComponent
        let parent = (absolute as NSString).deletingLastPathComponent
        guard !path.isEmpty, !path.hasSuffix("/"), name != ".", name != ".." else {
            throw DomainError("--out \(Text.shown(path)) names a folder; give a file name, e.g. --out scores.csv.")
        }
        guard let realParent = realPath(parent.isEmpty ? "/" : parent) else {
            throw DomainError("--out \(Text.shown(path)): the folder \(Text.shown(parent)) does not exist.")
        }
        var info = stat()
        if lstat(absolute, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK: throw DomainError("--out \(Text.shown(path)) is a symbolic link; Cohort writes exports only to a plain file. Choose another name.")
            default: throw DomainError("--out \(Text.shown(path)) is not a regular file (a folder, FIFO, socket or device). Choose another name.")
            }
        }
        // By the folder's identity, not its path: a link or bind mount to the store is the store, and so is
        // any folder holding a cohort-store.json (another store), or inside one.
        if let store = FolderIdentity.storeEnclosing(realParent, store: store) {
            throw DomainError("--out \(Text.shown(path)) is inside \(store); an export never writes there. Choose a file outside every store.")
        }
        return realParent + "/" + name
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
