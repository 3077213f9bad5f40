/// An event that passed validation, ready to append: its typed form, its original JSON and the
/// digest of its canonical JSON (two sends of the same content have the same digest).
public struct DecodedEvent: Sendable {
    public let event: TouchEvent
    /// The event's JSON exactly as it arrived.
    public let json: [UInt8]
    /// XXH64 of the canonical JSON (RFC 8785 key order and number form).
    public let contentDigest: UInt64

    public init(event: TouchEvent, json: [UInt8], contentDigest: UInt64) {
        self.event = event
        self.json = json
        self.contentDigest = contentDigest
    }
}
