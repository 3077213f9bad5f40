/// Why one event of a batch was not accepted, with enough context to find it: its place in the
/// input (line number or batch index), its id when known, the field path and the rule.
public struct EventRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the event was in its input: `line 12`, `event 3`.
    public var location: String
    /// The event's `id`, when it could be read.
    public var id: String?
    /// The field and the rule.
    public var failure: ValidationFailure
    /// When the rejection is a conflict: the position of the stored event with the same key.
    public var conflictingPosition: UInt64?

    public init(location: String, id: String?, failure: ValidationFailure, conflictingPosition: UInt64? = nil) {
        self.location = location
        self.id = id
        self.failure = failure
        self.conflictingPosition = conflictingPosition
    }

    /// One line: `line 12 (id "e-7"): data.score: must be from 0 to 10 for metric nps`.
    public var description: String {
        var text = location
        if let id { text += " (id \"\(id)\")" }
        return "\(text): \(failure)"
    }
}
