/// An event as the log holds it: its position, when it was recorded, and the event itself.
public struct StoredEvent: Sendable, Equatable {
    /// The global order of recording: gapless, from 1.
    public let position: UInt64
    /// The commit clock at recording; never decreases with position.
    public let recordedAt: Timestamp
    public let event: TouchEvent
    /// The event's JSON exactly as it arrived.
    public let json: [UInt8]

    /// The JSON as text.
    public var jsonText: String { String(decoding: json, as: UTF8.self) }
}
