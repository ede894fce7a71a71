#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortStore
import Foundation

/// An exclusive lock on the store, held for one read-modify-write. Backed by flock(2), so the kernel
/// releases it when the holder dies (even by kill -9): a crashed copy never leaves the store blocked.
public final class FileLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock at `path`, waiting up to `timeout` seconds; then refuses naming the holder's PID.
    public static func acquire(_ path: String, timeout: Double = 5) throws -> FileLock {
        // Never through a link or onto a special file: the holder's PID is written into it.
        let descriptor = try DurableFile.openPlain(path, O_RDWR | O_CREAT)
        let deadline = Date().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                let holder = (try? DurableFile.read(path)).flatMap { String(decoding: $0.prefix(12).filter { (48...57).contains($0) }, as: UTF8.self) } ?? ""
                close(descriptor)
                throw StoreError(.locked, "The store is in use by PID \(holder.isEmpty ? "?" : holder) (lock \(path)); try again when it has finished.")
            }
            // A save holds the lock for a millisecond or two: poll often, with jitter, so a waiter is not
            // starved by a copy that saves in a tight loop.
            usleep(UInt32.random(in: 500...1_500))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return FileLock(descriptor: descriptor)
    }

    /// Releases the lock.
    public func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Runs `body` while holding the lock at `path`.
    public static func withLock<T>(_ path: String, timeout: Double = 5, _ body: () throws -> T) throws -> T {
        let lock = try acquire(path, timeout: timeout)
        defer { lock.release() }
        return try body()
    }
}
