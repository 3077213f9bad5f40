/// The stored form of one event (the value under its position in the `events` database).
///
/// Layout, format version 1 (integers little-endian):
/// ```
///  0  u8   format version (1)
///  1  u8   event type code (EventType.rawValue)
///  2  u16  reserved (0)
///  4  u64  checksum: XXH64 of every byte from offset 12 to the end
/// 12  i64  recordedAt, µs since the epoch
/// 20  i64  event time, µs since the epoch
/// 28  u64  position of the same customer's previous event (0 for the first): the customer chain
/// 36  str  subject, str source, str id        (u16 length + UTF-8)
///     blk  compact payload                    (u32 length + bytes, see `PayloadCodec`)
///     blk  original event JSON, verbatim      (u32 length + bytes; empty when kept apart)
/// ```
/// Projections decode the compact payload and never parse JSON; the verbatim JSON serves audit
/// and export. Logs of format 2 keep it apart, in `event_json` under the same position
/// (`jsonEntry`), so that scans for projections read a quarter of the bytes; records of format 1
/// logs hold it inline. A valid event's JSON is never empty, so an empty block means "apart".
package enum RecordCodec {
    static let formatVersion: UInt8 = 1
    static let checksumOffset = 4
    static let checksummedFrom = 12
    static let headerSize = 36

    /// Encodes a validated event, with its original JSON inline or (`jsonInline: false`) with an
    /// empty JSON block, the JSON being stored apart (`jsonEntry`).
    package static func encode(
        _ event: DecodedEvent, recordedAt: Timestamp, previousOfCustomer: UInt64, jsonInline: Bool = true
    ) -> [UInt8] {
        var writer = ByteWriter(capacity: headerSize + 128 + (jsonInline ? event.json.count : 0))
        encode(event, recordedAt: recordedAt, previousOfCustomer: previousOfCustomer, jsonInline: jsonInline, into: &writer)
        return writer.bytes
    }

    /// Encodes as `encode(_:recordedAt:previousOfCustomer:jsonInline:)` does, into `writer`
    /// (emptied first): an append encodes each of its events into the same one, allocating nothing.
    static func encode(
        _ event: DecodedEvent, recordedAt: Timestamp, previousOfCustomer: UInt64, jsonInline: Bool, into writer: inout ByteWriter
    ) {
        writer.bytes.removeAll(keepingCapacity: true)
        writer.write(formatVersion)
        writer.write(event.event.type.rawValue)
        writer.write(UInt16(0))
        writer.write(UInt64(0))  // checksum, patched below
        writer.write(recordedAt.microseconds)
        writer.write(event.event.time.microseconds)
        writer.write(previousOfCustomer)
        writer.write(event.event.subject)
        writer.write(event.event.source)
        writer.write(event.event.id)
        let payloadStart = writer.bytes.count
        writer.write(UInt32(0))  // the payload's length, patched below
        PayloadCodec.encode(event.event.payload, into: &writer)
        writer.patch(UInt32(truncatingIfNeeded: writer.bytes.count - payloadStart - 4), at: payloadStart)
        if jsonInline { event.json.withUnsafeBytes { writer.write(block: $0) } } else { writer.write(UInt32(0)) }
        let checksum = writer.bytes.withUnsafeBytes {
            XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[checksummedFrom...]))
        }
        writer.patch(checksum, at: checksumOffset)
    }

    /// The size of `json`'s entry in `event_json`, which stores an event's JSON as the XXH64 of the
    /// JSON (u64, little-endian), then the JSON.
    static func jsonEntrySize(_ json: [UInt8]) -> Int { 8 + json.count }

    /// Writes `json`'s `event_json` entry to `entry` (`jsonEntrySize` bytes): an append writes it
    /// straight into the database's page.
    static func writeJSONEntry(_ json: [UInt8], to entry: UnsafeMutableRawBufferPointer) {
        json.withUnsafeBytes { json in
            entry.storeBytes(of: XXHash64.hash(json).littleEndian, as: UInt64.self)
            UnsafeMutableRawBufferPointer(rebasing: entry[8...]).copyMemory(from: json)
        }
    }

    /// The JSON of an `event_json` entry, after checking it; `nil` if it is damaged.
    static func json(ofEntry entry: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard entry.count > 8 else { return nil }
        let json = UnsafeRawBufferPointer(rebasing: entry[8...])
        guard UInt64(littleEndian: entry.loadUnaligned(as: UInt64.self)) == XXHash64.hash(json) else { return nil }
        return json
    }

    /// The fixed header of a record, after checking its version and checksum.
    static func header(of bytes: UnsafeRawBufferPointer) throws(RecordDamage) -> RecordHeader {
        guard bytes.count >= headerSize else { throw RecordDamage(reason: "record of \(bytes.count) bytes is shorter than its header") }
        guard bytes[0] == formatVersion else { throw RecordDamage(reason: "unknown record format version \(bytes[0])") }
        guard let type = EventType(rawValue: bytes[1]) else { throw RecordDamage(reason: "unknown event type code \(bytes[1])") }
        var reader = ByteReader(bytes, offset: checksumOffset)
        do {
            let stored: UInt64 = try reader.read()
            let actual = XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[checksummedFrom...]))
            guard stored == actual else { throw RecordDamage(reason: "checksum mismatch") }
            return RecordHeader(
                type: type,
                recordedAt: Timestamp(microseconds: try reader.read()),
                time: Timestamp(microseconds: try reader.read()),
                previousOfCustomer: try reader.read()
            )
        } catch is ByteReader.Truncated {
            throw RecordDamage(reason: "record is truncated")
        } catch let damage as RecordDamage {
            throw damage
        } catch {
            throw RecordDamage(reason: "\(error)")
        }
    }

    /// Decodes a record's projected part (`projectedPrefix`) followed by an empty JSON block, as
    /// this process copied it from a record it read and checked moments ago (a rebuild's spill, a
    /// replay's batch): the checksum, which covered the JSON left out, is not checked; every read
    /// stays bounds-checked.
    static func decodeProjected(_ bytes: UnsafeRawBufferPointer, position: UInt64) throws(TouchlogError) -> StoredEvent {
        do {
            return try decode(bytes, position: position, includingJSON: false, header: try headerUnchecked(of: bytes))
        } catch {
            throw TouchlogError(.corruption, "the copy of the event at position \(position) made for a fold is damaged (\(error.reason)); run the command again")
        }
    }

    private static func headerUnchecked(of bytes: UnsafeRawBufferPointer) throws(RecordDamage) -> RecordHeader {
        guard bytes.count >= headerSize, bytes[0] == formatVersion, let type = EventType(rawValue: bytes[1]) else {
            throw RecordDamage(reason: "damaged record header")
        }
        return RecordHeader(
            type: type,
            recordedAt: Timestamp(microseconds: Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: Int64.self))),
            time: Timestamp(microseconds: Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 20, as: Int64.self))),
            previousOfCustomer: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 28, as: UInt64.self))
        )
    }

    /// The bytes of the record read at `position` before its JSON block (header, identity and
    /// compact payload): what projections decode, and what folds copy (`decodeProjected`).
    static func projectedPrefix(of bytes: UnsafeRawBufferPointer, position: UInt64) throws(TouchlogError) -> UnsafeRawBufferPointer {
        var reader = ByteReader(bytes, offset: headerSize)
        do {
            for _ in 0..<3 { _ = try reader.readBlock16() }
            _ = try reader.readBlock()
        } catch {
            throw TouchlogError(.corruption, "the event at position \(position) is damaged (record is truncated); run `touchlog verify`")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[..<reader.offset])
    }

    /// The subject of a record, as its UTF-8 bytes (not checked); empty if the length is damaged.
    static func subjectBytes(of bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard bytes.count >= headerSize + 2 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let length = Int(bytes[headerSize]) | Int(bytes[headerSize + 1]) << 8
        guard bytes.count >= headerSize + 2 + length else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: bytes[(headerSize + 2)..<(headerSize + 2 + length)])
    }

    /// Decodes a whole record stored at `position`; without `includingJSON` the event's `json` is
    /// left empty, which is what projections need (they fold typed fields only).
    package static func decode(_ bytes: UnsafeRawBufferPointer, position: UInt64, includingJSON: Bool = true) throws(RecordDamage) -> StoredEvent {
        try decode(bytes, position: position, includingJSON: includingJSON, header: try header(of: bytes))
    }

    /// Decodes a record whose `header` was already read (and its checksum checked) from `bytes`.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, position: UInt64, includingJSON: Bool, header: RecordHeader
    ) throws(RecordDamage) -> StoredEvent {
        var reader = ByteReader(bytes, offset: headerSize)
        do {
            let subject = try reader.readString()
            let source = try reader.readString()
            let id = try reader.readString()
            var payloadReader = ByteReader(try reader.readBlock())
            let payload = try PayloadCodec.decode(header.type, from: &payloadReader)
            let jsonBytes = try reader.readBlock()
            let json = includingJSON ? Array(jsonBytes) : []
            guard reader.isAtEnd, payloadReader.isAtEnd else { throw RecordDamage(reason: "trailing bytes in record") }
            let event = TouchEvent(id: id, source: source, subject: subject, time: header.time, payload: payload)
            return StoredEvent(
                position: position, recordedAt: header.recordedAt, event: event, json: json
            )
        } catch is ByteReader.Truncated {
            throw RecordDamage(reason: "record is truncated")
        } catch let damage as RecordDamage {
            throw damage
        } catch {
            throw RecordDamage(reason: "\(error)")
        }
    }

    /// The subject, source and id of a record, for index checks.
    static func identity(of bytes: UnsafeRawBufferPointer) throws(RecordDamage) -> (header: RecordHeader, subject: String, source: String, id: String) {
        let header = try header(of: bytes)
        var reader = ByteReader(bytes, offset: headerSize)
        do {
            return (header, try reader.readString(), try reader.readString(), try reader.readString())
        } catch {
            throw RecordDamage(reason: "record is truncated")
        }
    }
}

/// The fixed-size part of a stored record.
struct RecordHeader {
    let type: EventType
    let recordedAt: Timestamp
    let time: Timestamp
    /// The position of the same customer's previous event, 0 for the first.
    let previousOfCustomer: UInt64
}

/// A stored record that cannot be trusted: bad checksum, unknown version, truncated.
package struct RecordDamage: Error, CustomStringConvertible {
    package let reason: String
    package var description: String { reason }
}
