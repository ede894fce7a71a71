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

    /// Writes `files` into `folder` (as `checked` returned it) all or nothing
    /// (docs/RULES.md, "SDTM datasets and their files"): they are written and flushed in a temporary folder beside it (the
    /// same file system), which is then renamed to `folder`; when `folder` exists (empty), the files are
    /// renamed into it instead. A failure at any step removes everything written, so a full disk never
    /// leaves half a package, and running the export again is not refused.
    public static func write(_ files: [(name: String, bytes: [UInt8])], into folder: String) throws {
        let parent = (folder as NSString).deletingLastPathComponent
        let staging = parent + "/." + (folder as NSString).lastPathComponent + ".partial-\(getpid())"
        let existed = FileManager.default.fileExists(atPath: folder)
        var placed: [String] = []
        try? FileManager.default.removeItem(atPath: staging)
        do {
            try DurableFile.makeDirectory(staging)
            for file in files { try DurableFile.replace(staging + "/" + file.name, with: file.bytes) }
            if existed {
                for file in files {
                    guard rename(staging + "/" + file.name, folder + "/" + file.name) == 0 else {
                        throw DurableFile.failure("move \(file.name) into", folder)
                    }
                    placed.append(folder + "/" + file.name)
                }
                try DurableFile.syncDirectory(folder)
                rmdir(staging)
            } else {
                guard rename(staging, folder) == 0 else { throw DurableFile.failure("rename the finished package to", folder) }
                placed.append(folder)
            }
            try DurableFile.syncDirectory(parent)
        } catch {
            for path in placed { try? FileManager.default.removeItem(atPath: path) }
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }
}
