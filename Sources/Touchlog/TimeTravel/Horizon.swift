/// A point in time on the two clocks of the log, for reading views as they were.
///
/// - `asOf` (event time): everything that had *happened* by then, including events recorded later;
///   values that depend on "now" (recency, T, overdue, risk) are evaluated at this time.
/// - `knownAt` (recorded time) and `position`: exactly what the log *held* then. Because
///   `recordedAt` never decreases with position, a recorded time is a prefix of the log, just as a
///   position is; given both, the shorter prefix wins.
///
/// Any combination is allowed; the default (all `nil`) is the whole log, evaluated now.
public struct Horizon: Sendable, Equatable, CustomStringConvertible {
    public var asOf: Timestamp?
    public var knownAt: Timestamp?
    public var position: UInt64?

    public init(asOf: Timestamp? = nil, knownAt: Timestamp? = nil, position: UInt64? = nil) {
        self.asOf = asOf
        self.knownAt = knownAt
        self.position = position
    }

    /// The whole log, evaluated now.
    public static let present = Horizon()

    /// Whether this is the present: no as-of time and no recorded-time limit (read the views).
    public var isPresent: Bool { asOf == nil && !limitsRecording }

    /// Whether only part of the log counts (a recorded time or a position is set).
    public var limitsRecording: Bool { knownAt != nil || position != nil }

    /// The time values are evaluated at: the as-of time, else the known-at time, else now.
    public var evaluationTime: Timestamp { asOf ?? knownAt ?? .now }

    /// Whether an event of the log counts at this horizon.
    public func includes(_ event: StoredEvent) -> Bool {
        includes(position: event.position, recordedAt: event.recordedAt, time: event.event.time)
    }

    /// Whether an event stored at `position`, recorded at `recordedAt`, that happened at `time`
    /// counts at this horizon.
    func includes(position: UInt64, recordedAt: Timestamp, time: Timestamp) -> Bool {
        if let limit = self.position, position > limit { return false }
        if let knownAt, recordedAt > knownAt { return false }
        if let asOf, time > asOf { return false }
        return true
    }

    /// The clocks in words, e.g. `as of 1997-09-30T23:59:59.999999Z, known at position 120`.
    public var description: String {
        var parts: [String] = []
        if let asOf { parts.append("as of \(asOf)") }
        if let knownAt { parts.append("known at \(knownAt)") }
        if let position { parts.append("at position \(position)") }
        return parts.isEmpty ? "now" : parts.joined(separator: ", ")
    }
}
