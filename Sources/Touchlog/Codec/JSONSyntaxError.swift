/// Why ``JSONParser`` rejected a document, and where.
///
/// `offset` is the 0-based byte offset into the input. `message` is short, lowercase and
/// already names the offset, e.g. `unexpected character '}' at byte 41, expected a value`;
/// `description` is the message unchanged.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 0-based byte offset of the offending input (the input's length for a premature end).
    public let offset: Int
    /// A one-line explanation that contains the offset.
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { message }
}
