import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder by what it is on disk (device and inode), not by how a path spells it: a second path to the
/// same folder (a symbolic link, a bind mount, `..` tricks) is the same folder. Every rule about where
/// Cohort may write is checked this way.
public struct FolderIdentity: Hashable, Sendable {
    /// `st_dev`.
    public let device: UInt64
    /// `st_ino`.
    public let inode: UInt64

    /// The identity of the folder at `path` (links followed), or nil when there is none.
    public init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        device = UInt64(info.st_dev); inode = UInt64(info.st_ino)
    }

    private init(_ info: stat) { device = UInt64(info.st_dev); inode = UInt64(info.st_ino) }

    /// The identities of `store` and of every folder in it (links inside are not followed: a store holds none).
    static func folders(of store: String) -> Set<FolderIdentity> {
        var found: Set<FolderIdentity> = []
        func visit(_ path: String, depth: Int) {
            var info = stat()
            guard (depth == 0 ? stat(path, &info) : lstat(path, &info)) == 0, info.st_mode & S_IFMT == S_IFDIR,
                  found.insert(FolderIdentity(info)).inserted, depth < 6 else { return }
            for name in (try? DurableFile.entries(of: path, isStoreRoot: depth == 0)) ?? [] { visit(path + "/" + name, depth: depth + 1) }
        }
        visit(store, depth: 0)
        return found
    }

    /// The store folders, each with the ending of the files a store writes there.
    static let dataFolders = [("participants", ".json"), ("audit", ".jsonl"), ("ledger", ".jsonl")]

    /// The first of `dataFolders` under the folder open at `descriptor` (not through a link) holding a
    /// file with its ending, as `participants/`; nil when none does.
    static func dataFolder(in descriptor: Int32) -> String? {
        for (name, ending) in dataFolders {
            let folder = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard folder >= 0 else { continue }
            guard let stream = fdopendir(folder) else { close(folder); continue }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if entryName.hasSuffix(ending) && !entryName.hasPrefix(".") { return name + "/" }
            }
        }
        return nil
    }

    /// The first folder, from `path` up through its parents to the root (walked on disk through `..`, so
    /// no spelling of the path can skip one), that is `store` or holds a store (a `cohort-store.json`, or
    /// a `participants/` with a `.json` file or an `audit/` or `ledger/` with a `.jsonl` file: a damaged store).
    /// Returns a description of it, or nil when the path is outside every store.
    public static func storeEnclosing(_ path: String, store: String?) -> String? {
        let storeFolders = store.map(folders(of:)) ?? []
        var descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var spelled = path
        for _ in 0..<4096 {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return nil }
            let here = FolderIdentity(info)
            if storeFolders.contains(here) { return "the store \(store ?? spelled)" }
            var marker = stat()
            if fstatat(descriptor, "cohort-store.json", &marker, AT_SYMLINK_NOFOLLOW) == 0 {
                return "a Cohort store (\(spelled) holds a cohort-store.json)"
            }
            // A store that lost its site file (awaiting a restore) is still a store: its data folders say so.
            if let folder = Self.dataFolder(in: descriptor) {
                return "a Cohort store (\(spelled) holds \(folder) with a store's files, though no cohort-store.json)"
            }
            let parent = openat(descriptor, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard parent >= 0 else { return nil }
            var parentInfo = stat()
            guard fstat(parent, &parentInfo) == 0 else { close(parent); return nil }
            if FolderIdentity(parentInfo) == here { close(parent); return nil } // the root
            close(descriptor)
            descriptor = parent
            spelled = (spelled as NSString).deletingLastPathComponent
            if spelled.isEmpty { spelled = "/" }
        }
        return nil
    }
}
