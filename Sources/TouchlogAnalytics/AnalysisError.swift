/// Input an analysis cannot work with, with a message a person can act on.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the input.
    public let message: String

    /// Creates an error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
