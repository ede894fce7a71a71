/// Why the store cannot be used for what was asked (exit status 2): missing, locked, damaged, or an I/O failure.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of trouble it is.
    public enum Kind: Sendable, Equatable {
        /// No store at the path.
        case missing
        /// Another process holds the lock.
        case locked
        /// A file failed its checksum or cannot be read as what it should be.
        case damaged
        /// The operating system refused a read or write (full disk, permissions, failing fsync).
        case io
        /// The store was written by a newer Cohort.
        case tooNew
    }

    /// The kind of trouble.
    public let kind: Kind
    /// A complete sentence naming the file and what to do.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }

    public var description: String { message }
}
