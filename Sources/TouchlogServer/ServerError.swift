/// A server setup failure (configuration, keys file, binding): a message a person can act on.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
