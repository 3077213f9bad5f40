/// What happened to one event of an append.
public enum AppendOutcome: Sendable, Equatable {
    /// Stored at this position.
    case stored(UInt64)
    /// Already stored, with the same content, at this position; not stored again.
    case duplicate(UInt64)
    /// Not accepted, for this reason.
    case rejected(EventRejection)
    /// Valid, but not stored because another event of the all-or-nothing batch was rejected.
    case notStored
}

/// The outcome of one append: per event, and in total.
public struct AppendResult: Sendable {
    /// One outcome per input event, in input order.
    public let outcomes: [AppendOutcome]
    /// The head position after the append.
    public let head: UInt64

    public var storedCount: Int { outcomes.count { if case .stored = $0 { true } else { false } } }
    public var duplicateCount: Int { outcomes.count { if case .duplicate = $0 { true } else { false } } }
    public var rejections: [EventRejection] {
        outcomes.compactMap { if case .rejected(let rejection) = $0 { rejection } else { nil } }
    }
    /// Whether every event was stored or acknowledged as a duplicate.
    public var isComplete: Bool { rejections.isEmpty && !outcomes.contains(.notStored) }
}
