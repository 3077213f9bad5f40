/// Why an event breaks the contract: the field path (`data.items[0].quantity`; empty for the whole
/// event) and the rule it broke, in words a person can act on.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let rule: String

    public init(path: String, rule: String) {
        self.path = path
        self.rule = rule
    }

    public var description: String { "\(path.isEmpty ? "event" : path): \(rule)" }
}
