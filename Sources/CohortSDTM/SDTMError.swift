/// What is wrong with a dataset, a package or a value that a writer was asked to write: every problem
/// found, each a sentence that says what is wrong and where. Nothing is written when one is thrown.
public struct SDTMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Each problem on its own, in the order found (records in row order).
    public var problems: [String]

    /// An error of one or more problems.
    public init(_ problems: [String]) { self.problems = problems }

    /// An error of one problem.
    public init(_ problem: String) { self.problems = [problem] }

    /// The problems, one a line.
    public var description: String { problems.joined(separator: "\n") }
}
