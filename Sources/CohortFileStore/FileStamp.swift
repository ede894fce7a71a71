#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a file, to tell whether it changed since it was read without reading it
/// (as git's index does). Every Cohort save renames a new file into place, so the inode and the change
/// time move even when the size does not; the change time cannot be set back by hand.
struct FileStamp: Equatable, Sendable {
    var inode: Int64
    var size: Int64
    /// Modification time, nanoseconds since 1970.
    var modified: Int64
    /// Status-change time, nanoseconds since 1970.
    var changed: Int64

    /// A stamp that matches no file: "read it again".
    static let unknown = FileStamp(inode: 0, size: -1, modified: 0, changed: 0)

    /// The stamp of `path`, or nil when it cannot be read.
    static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// The stamp of `name` in the folder open as `folder`, or nil when it cannot be read: only the name is
    /// looked up, not every folder of a path, which counts when thousands of one folder's files are stamped.
    static func of(_ name: String, in folder: Int32) -> FileStamp? {
        var info = stat()
        guard fstatat(folder, name, &info, 0) == 0 else { return nil }
        return FileStamp(info)
    }

    /// File times come from a coarse clock (a few milliseconds), so a file changed within that long of
    /// being looked at could change again without its stamp moving. Such a stamp is not trusted: it is
    /// kept as `unknown`, and the file is read again next time (git's "racily clean" rule).
    func trusted(lookedAt: Int64) -> FileStamp {
        max(modified, changed) < lookedAt - Self.racyMargin ? self : .unknown
    }

    /// Wider than any file-system clock tick.
    static let racyMargin: Int64 = 50_000_000

    /// The stamp as one word of the saves journal: `inode.size.modified.changed`.
    var journal: String { "\(inode).\(size).\(modified).\(changed)" }

    /// Now, in the same units (the wall clock, as file times are).
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

extension FileStamp {
    /// What `stat` said.
    fileprivate init(_ info: stat) {
        self.init(inode: Int64(info.st_ino), size: Int64(info.st_size),
                  modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                  changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    /// Reads a stamp written by `journal`.
    init?(journal word: String) {
        let parts = word.split(separator: ".").compactMap { Int64($0) }
        guard parts.count == 4 else { return nil }
        self.init(inode: parts[0], size: parts[1], modified: parts[2], changed: parts[3])
    }
}
