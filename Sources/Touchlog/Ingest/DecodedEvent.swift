/// An event that passed validation, ready to append: its typed form and its original JSON.
public struct DecodedEvent: Sendable {
    public let event: TouchEvent
    /// The event's JSON exactly as it arrived.
    public let json: [UInt8]
    public init(event: TouchEvent, json: [UInt8]) {
        self.event = event
        self.json = json
    }
}
