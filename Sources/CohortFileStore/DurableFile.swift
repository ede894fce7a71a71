#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortStore
import Foundation

/// Durable file operations: nothing is reported saved until it would survive a power cut.
public enum DurableFile {
    /// Owner read/write only: clinical data is never readable by others.
    public static let fileMode: mode_t = 0o600
    /// Owner only.
    public static let directoryMode: mode_t = 0o700

    /// Replaces `path` atomically: temp file in the same directory, write, fsync, rename, fsync the directory.
    /// The new file has the mode of the one it replaces (0600 when there was none).
    /// A crash at any instant leaves either the old or the new bytes; on failure the old file is untouched.
    public static func replace(_ path: String, with bytes: [UInt8]) throws {
        try replace(path) { write in try write(bytes) }
    }

    /// Like `replace(_:with:)`, with the bytes handed over in pieces by `produce` (for output too large to
    /// hold in memory at once). Nothing is visible at `path` until every piece is written and flushed.
    public static func replace(_ path: String, producing produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw failure("create a temporary file in", directory) }
        do {
            // A replaced file keeps its mode: a save never closes a loose mode silently, so `verify` keeps
            // reporting the exposure until the owner closes it (docs/RULES.md, "The trail is the record").
            var existing = stat()
            if lstat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFREG, existing.st_mode & 0o7777 != fileMode,
               fchmod(descriptor, existing.st_mode & 0o7777) != 0 {
                throw failure("keep the mode of", path)
            }
            try produce { bytes in try writeAll(descriptor, bytes, path: temporary) }
            guard fsync(descriptor) == 0 else { throw failure("flush to disk", temporary) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            unlink(temporary)
            throw failure("close", temporary)
        }
        // Keep the old file reachable until the new one is known durable, so a failure after the rename
        // (the directory fsync) can put the old bytes back instead of leaving an unconfirmed change visible.
        let previous = directory + "/." + (path as NSString).lastPathComponent + ".old"
        unlink(previous)
        let hadPrevious = link(path, previous) == 0
        guard rename(temporary, path) == 0 else {
            let error = failure("rename into place", path)
            unlink(temporary)
            if hadPrevious { unlink(previous) }
            throw error
        }
        do {
            try syncDirectory(directory)
        } catch {
            if hadPrevious { rename(previous, path) } else { unlink(path) }
            throw error
        }
        if hadPrevious { unlink(previous) }
    }

    /// Appends `bytes` to `path` (created 0600 if absent; an existing file's mode is left for `verify` to
    /// report) and flushes them to disk before returning. A link or special file at `path` is refused.
    public static func append(_ path: String, _ bytes: [UInt8]) throws {
        let existed = access(path, F_OK) == 0
        let descriptor = try openPlain(path, O_WRONLY | O_APPEND | O_CREAT)
        defer { close(descriptor) }
        try writeAll(descriptor, bytes, path: path)
        guard fsync(descriptor) == 0 else { throw failure("flush to disk", path) }
        if !existed { try syncDirectory((path as NSString).deletingLastPathComponent) }
    }

    /// Opens a regular file in the store without following a link or blocking on a special file; anything
    /// else is refused, naming it. A looser mode is not changed silently: `verify` reports it.
    static func openPlain(_ path: String, _ flags: Int32) throws -> Int32 {
        let descriptor = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, fileMode)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw linkRefused(path) }
            throw failure("open", path)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw specialRefused(path)
        }
        // Back to blocking writes: O_NONBLOCK only guarded the open.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return descriptor
    }

    static func linkRefused(_ path: String) -> StoreError {
        StoreError(.damaged, "\(path) is a symbolic link: Cohort never follows links in a store. Put the real file there (from a backup).")
    }

    static func specialRefused(_ path: String) -> StoreError {
        StoreError(.damaged, "\(path) is not a regular file (a folder, FIFO, socket or device): remove it and restore the real file from a backup.")
    }

    /// Cuts `path` back to `length` bytes and flushes (used only to drop a torn, never-committed tail).
    public static func truncate(_ path: String, to length: Int) throws {
        let descriptor = try openPlain(path, O_WRONLY)
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else { throw failure("truncate", path) }
    }

    /// Creates a directory (and parents) with mode 0700, flushing the parent so the entry survives a crash.
    /// An existing one is left as it is (`verify` reports a loose mode); a link or anything but a directory
    /// there is refused.
    public static func makeDirectory(_ path: String, isStoreRoot: Bool = false) throws {
        var info = stat()
        if (isStoreRoot ? stat(path, &info) : lstat(path, &info)) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                return
            case S_IFLNK: throw linkRefused(path)
            default: throw StoreError(.damaged, "\(path) exists and is not a folder: move it away and try again.")
            }
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        guard mkdir(path, directoryMode) == 0 || errno == EEXIST else { throw failure("create the directory", path) }
        chmod(path, directoryMode)
        if !parent.isEmpty { try syncDirectory(parent) }
    }

    /// Reads a whole regular file, or nil when it does not exist. A symbolic link or a special file (FIFO,
    /// device, socket) is refused, naming it, without blocking: a store never holds one.
    public static func read(_ path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw linkRefused(path) }
            throw failure("read", path)
        }
        defer { close(descriptor) }
        var kind = stat()
        guard fstat(descriptor, &kind) == 0 else { throw failure("inspect", path) }
        guard kind.st_mode & S_IFMT == S_IFREG else { throw specialRefused(path) }
        // Read straight into a buffer of the file's size (plus one byte to see the end), growing only if the
        // file grew meanwhile: large files are read without repeated copying.
        var info = stat()
        let expected = fstat(descriptor, &info) == 0 ? max(0, Int(info.st_size)) : 0
        var result = [UInt8](repeating: 0, count: expected + 1)
        var filled = 0
        while true {
            if filled == result.count { result += [UInt8](repeating: 0, count: max(65_536, result.count)) }
            let count = result.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 {
                result.removeSubrange(filled...)
                return result
            }
            filled += count
        }
    }

    /// The names in a directory (not `.` and `..`), or none when it does not exist. A link is not followed,
    /// unless it is the store's own folder (`isStoreRoot`), which the user may keep elsewhere.
    public static func entries(of directory: String, isStoreRoot: Bool = false) throws -> [String] {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (isStoreRoot ? 0 : O_NOFOLLOW))
        guard descriptor >= 0, let stream = fdopendir(descriptor) else {
            let code = errno
            if descriptor >= 0 { close(descriptor) }
            if code == ENOENT { return [] }
            if code == ELOOP { throw linkRefused(directory) }
            if code == ENOTDIR { throw StoreError(.damaged, "\(directory) is not a folder: move it away and restore the store from a backup.") }
            errno = code
            throw failure("list", directory)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func syncDirectory(_ directory: String) throws {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open the directory", directory) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("flush the directory", directory) }
    }

    /// Writes every byte of `bytes` to `descriptor` (retrying interrupted writes), or throws naming `path`.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    /// An I/O error naming the operation, the path and the system's reason, with advice for the common ones.
    static func failure(_ operation: String, _ path: String) -> StoreError {
        let code = errno
        let reason = String(cString: strerror(code))
        let advice: String
        switch code {
        case ENOSPC, EDQUOT: advice = " The disk is full: free some space and try again; nothing was saved."
        case EROFS: advice = " The file system is read-only; nothing was saved."
        case EACCES, EPERM: advice = " Check that you own the store and its permissions; nothing was saved."
        case EFBIG: advice = " The file size limit was reached; nothing was saved."
        default: advice = " Nothing was saved."
        }
        return StoreError(.io, "Could not \(operation) \(path): \(reason).\(advice)")
    }
}
