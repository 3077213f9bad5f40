import Glibc
import LMDB

/// The immutable, ordered log of customer touches, stored in one LMDB environment.
///
/// Databases: `events` (position → record, appended with `MDB_APPEND`), `event_ids`
/// ((source, id) hash → position), `customer_events` (subject → positions,
/// sorted duplicates) and `meta` (format version, running totals).
///
/// Thread rules: one `EventLog` per database per process, shared freely. Appends are serialised
/// by LMDB's single writer lock (across processes too); reads run concurrently with them and see
/// a consistent prefix of the log.
public final class EventLog: Sendable {
    /// The on-disk format this code reads and writes.
    public static let formatVersion: UInt32 = 1

    /// How a log is opened.
    public struct Options: Sendable {
        /// Open without write access; works while another process appends.
        public var readOnly = false
        /// Create the database if the directory does not exist.
        public var create = false
        /// Flush every commit to disk (default). Turning it off trades power-loss safety for speed.
        public var durable = true
        /// Initial map size in bytes; the map grows by itself.
        public var initialMapSize = 256 << 20

        public init(readOnly: Bool = false, create: Bool = false, durable: Bool = true) {
            self.readOnly = readOnly
            self.create = create
            self.durable = durable
        }
    }

    /// The database directory.
    public let path: String
    let environment: Environment
    let events: Database
    let eventIds: Database
    let customerEvents: Database
    let meta: Database

    /// Opens the log in directory `path`.
    ///
    /// - Throws: `TouchlogError` `.databaseMissing` if there is none (and `options.create` is off),
    ///   `.incompatibleDatabase` if it is not a Touchlog database of a format this code reads.
    public init(path: String, options: Options = Options()) throws(TouchlogError) {
        self.path = path
        var info = stat()
        if stat(path, &info) != 0 {
            guard options.create, !options.readOnly else {
                throw TouchlogError(.databaseMissing, "no Touchlog database at \(path) (create one with `touchlog init`, or pass --db)")
            }
            guard mkdir(path, 0o755) == 0 else {
                throw TouchlogError(.io, "cannot create directory \(path): \(String(cString: strerror(errno)))")
            }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw TouchlogError(.incompatibleDatabase, "\(path) is not a Touchlog database directory")
        }
        if options.readOnly, access("\(path)/data.mdb", R_OK) != 0 {
            throw TouchlogError(.databaseMissing, "no Touchlog database at \(path) (create one with `touchlog init`, or pass --db)")
        }
        var environmentOptions = Environment.Options()
        environmentOptions.readOnly = options.readOnly
        environmentOptions.durable = options.durable
        environmentOptions.mapSize = options.initialMapSize
        do {
            let environment = try Environment(path: path, options: environmentOptions)
            self.environment = environment
            let create: DatabaseFlags = options.readOnly ? [] : .create
            func open(_ name: String, _ flags: DatabaseFlags = []) throws -> Database {
                guard let database = try environment.openDatabase(name, flags: create.union(flags)) else {
                    throw TouchlogError(.incompatibleDatabase, "\(path) is not a Touchlog database (no \(name) table)")
                }
                return database
            }
            meta = try open("meta")
            events = try open("events")
            eventIds = try open("event_ids")
            customerEvents = try open("customer_events", [.duplicateSort, .duplicateFixed])
            try checkFormat(writable: !options.readOnly)
        } catch {
            throw TouchlogError.storage(error, while: "opening \(path)")
        }
    }

    private func checkFormat(writable: Bool) throws {
        let key = Array("format".utf8)
        let stored = try environment.read { txn in
            try txn.get(meta, key: key).map { $0.count == 4 ? UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) : 0 }
        }
        switch stored {
        case nil where writable:
            try environment.write { txn in
                try txn.put(meta, key: key, value: withUnsafeBytes(of: Self.formatVersion.littleEndian) { Array($0) })
            }
        case nil:
            throw TouchlogError(.incompatibleDatabase, "\(path) has no format version; open it once for writing")
        case let version? where version != Self.formatVersion:
            throw TouchlogError(
                .incompatibleDatabase,
                "\(path) has format version \(version); this touchlog reads version \(Self.formatVersion)"
            )
        default:
            break
        }
    }

    // MARK: - Appending

    /// Appends a batch in one durable write transaction.
    ///
    /// Each input is a decoded event or the rejection its decoding produced. An event whose
    /// (source, id) is already stored with the same content is acknowledged with its first position
    /// and not stored again; with different content it is rejected as a conflict.
    ///
    /// - Parameter partial: when `false` (all-or-nothing), any rejection leaves the whole batch
    ///   unstored (`.notStored` for its valid events); when `true`, the valid events are stored.
    /// - Throws: `TouchlogError` only for storage failures; then nothing of the batch was stored.
    public func append(
        _ inputs: [Result<DecodedEvent, EventRejection>], partial: Bool = false
    ) throws(TouchlogError) -> AppendResult {
        let hasInvalid = inputs.contains { if case .failure = $0 { true } else { false } }
        if hasInvalid && !partial {
            return try AppendResult(outcomes: inputs.map { input in
                switch input {
                case .failure(let rejection): .rejected(rejection)
                case .success: .notStored
                }
            }, head: head())
        }
        let now = Timestamp.now
        do {
            return try environment.write { txn in
                let outcome = try appendInTransaction(txn, inputs, now: now)
                if !partial && !outcome.rejections.isEmpty { throw BatchRejected(result: outcome) }
                return outcome
            }
        } catch let rejected as BatchRejected {
            let outcomes = rejected.result.outcomes.map { outcome -> AppendOutcome in
                switch outcome {
                case .stored: .notStored
                case .duplicate, .rejected, .notStored: outcome
                }
            }
            return try AppendResult(outcomes: outcomes, head: head())
        } catch {
            throw TouchlogError.storage(error, while: "appending \(inputs.count) events")
        }
    }

    /// Appends already-validated events; see `append(_:partial:)`.
    public func append(_ events: [DecodedEvent], partial: Bool = false) throws(TouchlogError) -> AppendResult {
        try append(events.map { .success($0) }, partial: partial)
    }

    private struct BatchRejected: Error { let result: AppendResult }

    private func appendInTransaction(
        _ txn: Transaction, _ inputs: [Result<DecodedEvent, EventRejection>], now: Timestamp
    ) throws -> AppendResult {
        var metadata = try readMetadata(txn)
        let headBefore = metadata.head
        let recordedAt = max(now, metadata.lastRecordedAt)
        var outcomes: [AppendOutcome] = []
        outcomes.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            guard case .success(let decoded) = input else {
                if case .failure(let rejection) = input { outcomes.append(.rejected(rejection)) }
                continue
            }
            let event = decoded.event
            let idKey = IdempotencyKey.of(source: event.source, id: event.id)
            if let existing = try txn.get(eventIds, key: idKey) {
                outcomes.append(try resend(txn, decoded, existing: existing, index: index))
                continue
            }
            metadata.head += 1
            let position = metadata.head
            let positionKey = PositionKey.of(position)
            let record = RecordCodec.encode(decoded, recordedAt: recordedAt)
            try txn.put(events, key: positionKey, value: record, flags: .append)
            var idValue = ByteWriter(capacity: 8)
            idValue.write(position)
            try txn.put(eventIds, key: idKey, value: idValue.bytes)
            let subject = Array(event.subject.utf8)
            if try txn.get(customerEvents, key: subject) == nil { metadata.customers += 1 }
            try txn.put(customerEvents, key: subject, value: positionKey)
            metadata.earliestTime = min(metadata.earliestTime, event.time)
            metadata.latestTime = max(metadata.latestTime, event.time)
            outcomes.append(.stored(position))
        }
        if metadata.head > headBefore {
            metadata.lastRecordedAt = recordedAt
            try txn.put(meta, key: LogMetadata.key, value: metadata.encoded)
        }
        return AppendResult(outcomes: outcomes, head: metadata.head)
    }

    /// The outcome for an event whose idempotency key is already stored.
    private func resend(
        _ txn: Transaction, _ decoded: DecodedEvent, existing: UnsafeRawBufferPointer, index: Int
    ) throws -> AppendOutcome {
        var reader = ByteReader(existing)
        let position: UInt64 = try reader.read()
        guard let record = try txn.get(events, key: PositionKey.of(position)) else {
            throw TouchlogError(.corruption, "event_ids points to position \(position), which holds no event")
        }
        let key = try RecordCodec.key(of: record)
        let event = decoded.event
        guard key.source == event.source, key.id == event.id else {
            throw TouchlogError(.corruption, "idempotency hash collision between (\(event.source), \(event.id)) and (\(key.source), \(key.id))")
        }
        if try sameContent(decoded.json, RecordCodec.decode(record, position: position).json) { return .duplicate(position) }
        return .rejected(EventRejection(
            location: "event \(index + 1)", id: event.id,
            failure: ValidationFailure(
                path: "id",
                rule: "conflicts with the event stored at position \(position): same source and id, different content"
            ),
            conflictingPosition: position
        ))
    }

    /// Whether two events' JSON says the same thing (RFC 8785 canonical forms are equal), whatever
    /// their key order, spacing or number spelling. Only re-sends pay for this.
    private func sameContent(_ a: [UInt8], _ b: [UInt8]) throws -> Bool {
        if a == b { return true }
        return try JSONParser.parse(a).canonicalBytes() == JSONParser.parse(b).canonicalBytes()
    }

    func readMetadata(_ txn: Transaction) throws -> LogMetadata {
        guard let bytes = try txn.get(meta, key: LogMetadata.key) else { return LogMetadata() }
        guard let metadata = LogMetadata(bytes) else {
            throw TouchlogError(.corruption, "the log's metadata record is damaged")
        }
        return metadata
    }
}
