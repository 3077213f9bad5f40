import HTTPTypes
import Hummingbird
import Touchlog

/// Turns the body of `POST /v1/events` into events, in any of the four content modes:
/// structured (`application/cloudevents+json`, one event), batch
/// (`application/cloudevents-batch+json`, a JSON array), NDJSON (`application/x-ndjson`, one
/// event a line) and binary (`ce-*` headers, the body is the event's data).
///
/// Each event is decoded and validated on its own; a bad one becomes a rejection naming it
/// (`event 3` in a batch, `line 3` in NDJSON) and does not stop the others.
struct EventBodyDecoder: Sendable {
    let decoder: EventDecoder
    /// More events than this in one request is answered 413.
    let maxBatchEvents: Int

    /// The events of one request, in order: each decoded or rejected, and how rejections name it.
    struct Events {
        var inputs: [Result<DecodedEvent, EventRejection>] = []
        var locations: [String] = []

        mutating func append(_ input: Result<DecodedEvent, EventRejection>, at location: String) {
            inputs.append(input)
            locations.append(location)
        }
    }

    /// The decoded events (or rejections) in request order.
    func decode(body: ByteBuffer, headers: HTTPFields, now: Timestamp) throws(Problem) -> Events {
        let bytes = Array(body.readableBytesView)
        var events = Events()
        if headers[.ceSpecVersion] != nil {
            events.append(binaryEvent(bytes, headers: headers, now: now), at: "event 1")
            return events
        }
        let mediaType = (headers[.contentType] ?? "").split(separator: ";").first.map { $0.lowercased().filter { $0 != " " } } ?? ""
        switch mediaType {
        case "application/cloudevents+json":
            events.append(decodeOne(bytes[...], location: "event 1", now: now), at: "event 1")
            return events
        case "application/cloudevents-batch+json":
            return try batch(bytes, now: now)
        case "application/x-ndjson":
            return try ndjson(bytes, now: now)
        default:
            throw Problem(
                .unsupportedMediaType,
                "Content-Type must be application/cloudevents+json, application/cloudevents-batch+json or application/x-ndjson, "
                    + "or the event must come in binary mode with ce-* headers"
            )
        }
    }

    private func decodeOne(_ bytes: ArraySlice<UInt8>, location: String, now: Timestamp) -> Result<DecodedEvent, EventRejection> {
        bytes.withUnsafeBytes { raw in
            Result { () throws(EventRejection) in try decoder.decode(raw, location: location, now: now) }
        }
    }

    private func checkCount(_ count: Int) throws(Problem) {
        guard count <= maxBatchEvents else {
            throw Problem(.contentTooLarge, "the request holds \(count) events, over the limit of \(maxBatchEvents) per request; split it")
        }
    }

    private func batch(_ bytes: [UInt8], now: Timestamp) throws(Problem) -> Events {
        let ranges: [Range<Int>]
        do {
            ranges = try bytes.withUnsafeBytes { raw throws(JSONArraySplitter.Malformed) in try JSONArraySplitter.elements(of: raw) }
        } catch {
            throw Problem(.badRequest, "the body is not a JSON array of events: \(error)")
        }
        try checkCount(ranges.count)
        var events = Events()
        for (index, range) in ranges.enumerated() {
            events.append(decodeOne(bytes[range], location: "event \(index + 1)", now: now), at: "event \(index + 1)")
        }
        return events
    }

    private func ndjson(_ bytes: [UInt8], now: Timestamp) throws(Problem) -> Events {
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            guard trimmed.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            lines.append((index + 1, trimmed))
        }
        try checkCount(lines.count)
        var events = Events()
        for line in lines { events.append(decodeOne(line.bytes, location: "line \(line.number)", now: now), at: "line \(line.number)") }
        return events
    }

    /// Builds the structured form of a binary-mode event: the `ce-*` headers become attributes
    /// (percent-decoded, as the CloudEvents HTTP binding says), `Content-Type` the
    /// `datacontenttype`, and the body, which must be JSON, the `data`.
    private func binaryEvent(_ body: [UInt8], headers: HTTPFields, now: Timestamp) -> Result<DecodedEvent, EventRejection> {
        var members: [String] = []
        var id: String?
        for field in headers where field.name.canonicalName.hasPrefix("ce-") {
            let name = String(field.name.canonicalName.dropFirst(3))
            guard !name.isEmpty, name != "data" else { continue }
            let value = Self.percentDecoded(field.value)
            if name == "id" { id = value }
            members.append("\(JSONValue.string(name).serialized()):\(JSONValue.string(value).serialized())")
        }
        if let contentType = headers[.contentType] {
            members.append("\"datacontenttype\":\(JSONValue.string(contentType).serialized())")
        }
        let mediaType = (headers[.contentType] ?? "").split(separator: ";").first.map { $0.lowercased().filter { $0 != " " } } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            return .failure(EventRejection(location: "event 1", id: id, failure: ValidationFailure(
                path: "data", rule: "in binary mode the body is the event's data and must be JSON (Content-Type: application/json)"
            )))
        }
        let json = Array("{".utf8) + Array(members.joined(separator: ",").utf8) + Array(",\"data\":".utf8) + body + Array("}".utf8)
        return decodeOne(json[...], location: "event 1", now: now)
    }

    /// `%XX` sequences decoded; anything else kept as it is.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension HTTPField.Name {
    /// `ce-specversion`: marks a CloudEvents binary-mode request.
    static let ceSpecVersion = HTTPField.Name("ce-specversion")!
}
