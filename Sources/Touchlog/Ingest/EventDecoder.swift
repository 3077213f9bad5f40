/// Turns the bytes of one CloudEvent (structured JSON) into a `DecodedEvent`, enforcing size,
/// syntax, UTF-8 and the contract. Stateless and cheap to copy; use one per thread or share it.
public struct EventDecoder: Sendable {
    /// Events larger than this many bytes are rejected before parsing.
    public var maxEventBytes: Int
    /// How far in the future (seconds) an event's `time` may be, to allow for clock skew.
    public var maxFutureSkew: Double

    public init(maxEventBytes: Int = 65_536, maxFutureSkew: Double = 900) {
        self.maxEventBytes = maxEventBytes
        self.maxFutureSkew = maxFutureSkew
    }

    /// Decodes one event.
    ///
    /// - Parameters:
    ///   - bytes: the event's JSON.
    ///   - location: how rejections name this event, for example `line 12`.
    ///   - now: the clock the future-skew rule is measured against.
    /// - Throws: `EventRejection` with the field path and rule.
    public func decode(_ bytes: UnsafeRawBufferPointer, location: String, now: Timestamp) throws(EventRejection) -> DecodedEvent {
        guard bytes.count <= maxEventBytes else {
            throw EventRejection(location: location, id: nil, failure: ValidationFailure(
                path: "", rule: "event is \(bytes.count) bytes, over the limit of \(maxEventBytes) bytes"
            ))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw EventRejection(location: location, id: nil, failure: ValidationFailure(path: "", rule: "malformed JSON: \(error)"))
        }
        let event: TouchEvent
        do {
            event = try EventValidator.validate(value, latestAllowedTime: now.adding(seconds: maxFutureSkew))
        } catch {
            var id: String?
            if case .object(let object) = value, case .string(let text)? = object["id"] { id = text }
            throw EventRejection(location: location, id: id, failure: error)
        }
        return DecodedEvent(event: event, json: Array(bytes))
    }

    /// Decodes one event given as an array of bytes.
    public func decode(_ bytes: [UInt8], location: String, now: Timestamp) throws(EventRejection) -> DecodedEvent {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(EventRejection) in try decode(raw, location: location, now: now) }
        }
        return try result.get()
    }
}
