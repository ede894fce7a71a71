/// A change or input the rules refuse; `message` says what is wrong and what to do instead.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A complete sentence for the user.
    public let message: String

    /// Creates an error with a user-facing message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
