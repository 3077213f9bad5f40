import LMDB

extension EventLog {
    /// Which way a range read goes.
    public enum Direction: Sendable {
        case forward, backward
    }

    /// Runs `body` in one read transaction: every read inside sees the same snapshot.
    func withSnapshot<R>(_ what: @autoclosure () -> String, _ body: (Transaction) throws -> R) throws(TouchlogError) -> R {
        do {
            return try environment.read(body)
        } catch {
            throw TouchlogError.storage(error, while: what())
        }
    }

    /// The position of the last stored event; 0 for an empty log.
    public func head() throws(TouchlogError) -> UInt64 {
        try withSnapshot("reading the head") { try readMetadata($0).head }
    }

    /// The event at `position`, or `nil` if there is none.
    ///
    /// - Throws: `TouchlogError.Code.corruption` if the stored record fails its checks.
    public func event(at position: UInt64) throws(TouchlogError) -> StoredEvent? {
        try withSnapshot("reading position \(position)") { txn in
            // Positions are gapless: one missing up to the head means a damaged key, and a key
            // beyond the head cannot be trusted.
            let head = try readMetadata(txn).head
            guard position >= 1, position <= head else { return nil }
            guard let bytes = try PositionKey.with(position, { key in try txn.get(events, key: key) }) else { throw Self.missing(position) }
            return try storedEvent(txn, bytes, position: position)
        }
    }

    /// The position of the event stored under (source, id), or `nil`.
    public func position(source: String, id: String) throws(TouchlogError) -> UInt64? {
        try withSnapshot("looking up an event id") { txn in
            let lookup = try IdIndexLookup(log: self, txn: txn, head: try readMetadata(txn).head)
            guard let position = try lookup.position(of: IdempotencyKey(source: source, id: id)),
                  let record = try txn.get(events, key: PositionKey.of(position))
            else { return nil }
            let identity = try RecordCodec.identity(of: record)
            return identity.source == source && identity.id == id ? position : nil
        }
    }

    /// Calls `body` for the events after position `after` (forward) or before it (backward; 0 means
    /// from the head), in position order, until `body` returns `false` or `limit` events were seen.
    /// All of them come from one snapshot.
    public func forEachEvent(
        after: UInt64 = 0, direction: Direction = .forward, limit: Int = .max,
        _ body: (StoredEvent) throws -> Bool
    ) throws(TouchlogError) {
        try withSnapshot("reading events") { txn in
            let head = try readMetadata(txn).head
            try txn.withCursor(events) { cursor in
                var seen = 0
                var entry: Entry?
                // Positions are gapless, so each key must be the next one: a damaged key is an
                // error, never an event shown under a position it does not have.
                var expected: UInt64
                switch direction {
                case .forward: expected = after &+ 1
                case .backward: expected = after == 0 ? head : min(after - 1, head)
                }
                switch direction {
                case .forward:
                    entry = try PositionKey.of(after &+ 1).withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
                case .backward where after == 0:
                    entry = try cursor.last()
                case .backward:
                    entry = try PositionKey.of(after).withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
                    entry = entry == nil ? try cursor.last() : try cursor.previous()
                    if let current = entry, let position = PositionKey.decode(current.key), position >= after {
                        entry = try cursor.previous()
                    }
                }
                while let current = entry, seen < limit {
                    guard let position = PositionKey.decode(current.key) else {
                        throw TouchlogError(.corruption, "events table holds a key that is not a position; run `touchlog verify`")
                    }
                    guard position == expected else { throw Self.missing(expected) }
                    guard try body(try storedEvent(txn, current.value, position: position)) else { return }
                    seen += 1
                    expected = direction == .forward ? expected &+ 1 : expected &- 1
                    entry = direction == .forward ? try cursor.next() : try cursor.previous()
                }
                let short = direction == .forward ? expected <= head : expected >= 1
                if seen < limit, short { throw Self.missing(expected) }
            }
        }
    }

    /// The events between two positions, in order; `limit` caps how many.
    public func events(after: UInt64 = 0, direction: Direction = .forward, limit: Int = 1000) throws(TouchlogError) -> [StoredEvent] {
        var result: [StoredEvent] = []
        try forEachEvent(after: after, direction: direction, limit: limit) { result.append($0); return true }
        return result
    }

    /// Calls `body` for one customer's events in position order, starting after position `after`,
    /// until `body` returns `false` or `limit` events were seen. All come from one snapshot.
    public func forEachEvent(
        ofCustomer subject: String, after: UInt64 = 0, limit: Int = .max, _ body: (StoredEvent) throws -> Bool
    ) throws(TouchlogError) {
        try withSnapshot("reading the events of \(subject)") { txn in
            // Walk the chain back from the last event, then read forward.
            var records: [(position: UInt64, bytes: UnsafeRawBufferPointer, header: RecordHeader)] = []
            try walkChain(txn, of: subject, after: after) { records.append(($0, $1, $2)) }
            for record in records.reversed().prefix(limit) {
                guard try body(try storedEvent(txn, record.bytes, position: record.position, header: record.header)) else { return }
            }
        }
    }

    /// Visits one customer's records from the last (or from `start`, a position of one of theirs)
    /// back to the first after `after`, each with its header (checksum checked); the buffers are
    /// valid for the rest of `txn`.
    func walkChain(
        _ txn: Transaction, of subject: String, from start: UInt64? = nil, after: UInt64 = 0,
        _ visit: (UInt64, UnsafeRawBufferPointer, RecordHeader) throws -> Void
    ) throws {
        let subjectBytes = Array(subject.utf8)
        var position: UInt64
        if let start {
            position = start
        } else {
            guard let value = try txn.get(customers, key: subjectBytes) else { return }
            position = try CustomerState(value).lastPosition
        }
        while position > after {
            guard let bytes = try PositionKey.with(position, { key in try txn.get(events, key: key) }) else {
                throw TouchlogError(.corruption, "the event chain of \(subject) points to missing position \(position)")
            }
            let recordHeader = try header(bytes, position: position)
            guard recordHeader.previousOfCustomer < position else {
                throw TouchlogError(.corruption, "the event chain of \(subject) loops at position \(position)")
            }
            // The index and the links carry no checksum: a damaged one must not lead to another
            // customer's events.
            guard Self.record(bytes, isOf: subjectBytes) else {
                throw TouchlogError(.corruption, "the event chain of \(subject) leads to position \(position), an event of another customer; run `touchlog verify`")
            }
            try visit(position, bytes, recordHeader)
            position = recordHeader.previousOfCustomer
        }
    }

    /// The number of events of a customer (0 for an unknown one).
    public func eventCount(ofCustomer subject: String) throws(TouchlogError) -> UInt64 {
        try withSnapshot("reading the customer index") { txn in
            try txn.get(customers, key: Array(subject.utf8)).map { try CustomerState($0).eventCount } ?? 0
        }
    }

    func header(_ bytes: UnsafeRawBufferPointer, position: UInt64) throws(TouchlogError) -> RecordHeader {
        do {
            return try RecordCodec.header(of: bytes)
        } catch {
            throw TouchlogError(.corruption, "the event at position \(position) is damaged (\(error.reason)); run `touchlog verify`")
        }
    }

    /// One customer's events in position order.
    public func events(ofCustomer subject: String, after: UInt64 = 0, limit: Int = 1000) throws(TouchlogError) -> [StoredEvent] {
        var result: [StoredEvent] = []
        try forEachEvent(ofCustomer: subject, after: after, limit: limit) { result.append($0); return true }
        return result
    }

    func decodeRecord(_ bytes: UnsafeRawBufferPointer, position: UInt64, includingJSON: Bool = true) throws(TouchlogError) -> StoredEvent {
        do {
            return try RecordCodec.decode(bytes, position: position, includingJSON: includingJSON)
        } catch {
            throw Self.damaged(position, error)
        }
    }

    /// A whole stored event: its record and its JSON, which format 2 keeps apart in `event_json`
    /// (records of format 1 logs hold it inline); `header`, if the caller already checked it.
    func storedEvent(
        _ txn: Transaction, _ bytes: UnsafeRawBufferPointer, position: UInt64, header: RecordHeader? = nil
    ) throws(TouchlogError) -> StoredEvent {
        let record: StoredEvent
        if let header {
            record = try decodeRecord(bytes, position: position, includingJSON: true, header: header)
        } else {
            record = try decodeRecord(bytes, position: position)
        }
        guard record.json.isEmpty else { return record }
        return StoredEvent(position: position, recordedAt: record.recordedAt, event: record.event, json: try storedJSON(txn, position: position))
    }

    /// The JSON of the event at `position` from `event_json`, checked.
    func storedJSON(_ txn: Transaction, position: UInt64) throws(TouchlogError) -> [UInt8] {
        let entry: UnsafeRawBufferPointer?
        do {
            entry = try eventJSON.flatMap { try txn.get($0, key: PositionKey.of(position)) }
        } catch {
            throw TouchlogError.storage(error, while: "reading the JSON of the event at position \(position)")
        }
        guard let entry else {
            throw TouchlogError(.corruption, "the JSON of the event at position \(position) is missing; run `touchlog verify`")
        }
        guard let json = RecordCodec.json(ofEntry: entry) else {
            throw TouchlogError(.corruption, "the JSON of the event at position \(position) is damaged (checksum mismatch); run `touchlog verify`")
        }
        return Array(json)
    }

    /// Decodes a record whose header `walkChain` (or the caller) already read and checked.
    func decodeRecord(
        _ bytes: UnsafeRawBufferPointer, position: UInt64, includingJSON: Bool, header: RecordHeader
    ) throws(TouchlogError) -> StoredEvent {
        do {
            return try RecordCodec.decode(bytes, position: position, includingJSON: includingJSON, header: header)
        } catch {
            throw Self.damaged(position, error)
        }
    }

    /// Whether a record (its checksum checked) is an event of the customer with UTF-8 id `subject`.
    private static func record(_ bytes: UnsafeRawBufferPointer, isOf subject: [UInt8]) -> Bool {
        let start = RecordCodec.headerSize + 2
        guard bytes.count >= start else { return false }
        let length = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: RecordCodec.headerSize, as: UInt16.self)))
        return bytes.count >= start + length && subject.elementsEqual(bytes[start..<(start + length)])
    }

    private static func missing(_ position: UInt64) -> TouchlogError {
        TouchlogError(.corruption, "the event at position \(position) is missing or its key is damaged; run `touchlog verify`")
    }

    private static func damaged(_ position: UInt64, _ damage: RecordDamage) -> TouchlogError {
        TouchlogError(.corruption, "the event at position \(position) is damaged (\(damage.reason)); run `touchlog verify`")
    }
}
