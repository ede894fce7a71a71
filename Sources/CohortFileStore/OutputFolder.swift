import CohortDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `cohort export --format sdtm --out DIR` may write a package: a new folder, or an empty one,
/// outside every store; never a link (docs/RULES.md, "SDTM datasets and their files").
public enum OutputFolder {
    /// The absolute path of the folder for `path` (which may not exist yet), or a refusal naming what is wrong.
    public static func checked(_ path: String, store: String) throws -> String {
        guard !path.isEmpty else { throw DomainError("--out needs a folder, e.g. --out sdtm-package.") }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let absolute = trimmed.hasPrefix("/") ? trimmed : FileManager.default.currentDirectoryPath + "/" + trimmed
        var info = stat()
        let folder: String
        if lstat(absolute, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR: break
            case S_IFLNK: throw DomainError("--out \(Text.shown(path)) is a symbolic link; the package goes into a plain folder. Choose another name.")
            default: throw DomainError("--out \(Text.shown(path)) exists and is not a folder. Choose a new folder name.")
            }
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: absolute) else {
                throw DomainError("--out \(Text.shown(path)): the folder cannot be read.")
            }
            guard entries.isEmpty else {
                throw DomainError("--out \(Text.shown(path)) is not empty; the package goes into a new or empty folder, so no file of another export is mixed in.")
            }
            guard let real = OutputFile.realPath(absolute) else { throw DomainError("--out \(Text.shown(path)): the folder cannot be read.") }
            folder = real
        } else {
            let parent = (absolute as NSString).deletingLastPathComponent
            let name = (absolute as NSString).lastPathComponent
            guard name != ".", name != "..", let realParent = OutputFile.realPath(parent.isEmpty ? "/" : parent) else {
                throw DomainError("--out \(Text.shown(path)): the folder \(Text.shown(parent)) does not exist.")
            }
            folder = (realParent == "/" ? "" : realParent) + "/" + name
        }
        let existing = FileManager.default.fileExists(atPath: folder) ? folder : (folder as NSString).deletingLastPathComponent
        if let store = FolderIdentity.storeEnclosing(existing, store: store) {
            throw DomainError("--out \(Text.shown(path)) is inside \(store); an export never writes there. Choose a folder outside every store.")
        }
        return folder
    }
}
