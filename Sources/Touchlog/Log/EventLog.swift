import Glibc
import LMDB
import Synchronization
import TouchlogAnalytics

/// The immutable, ordered log of customer touches, stored in one LMDB environment.
///
/// Databases:
/// - `events`: position → record, appended with `MDB_APPEND`;
/// - `event_json`: position → the event's JSON as it arrived, checksummed (format 2; the records
///   of format 1 logs hold it inline), so that folds read only the compact records;
/// - `event_ids`: the idempotency index, (generation, hash of source and id) → position. Positions
///   fall into generations of `idGenerationSize` events; only the newest generation takes inserts,
///   so an append touches a bounded number of index pages however large the log grows;
/// - `id_filters`: a Bloom filter per sealed generation, so that a lookup searches only the
///   generations that may hold the key;
/// - `customers`: subject → position of the customer's last event and event count. Each record
///   carries the position of the same customer's previous event, so a customer's history is a
///   chain read from the end;
/// - `meta`: format version, generation size, running totals;
/// - `checkpoints` and two `view.<name>.<slot>` databases per projector: the views, updated in the
///   append transaction itself (see `Projector`).
///
/// Thread rules: one `EventLog` per database per process, shared freely. Appends are serialised
/// by LMDB's single writer lock (across processes too); reads run concurrently with them and see
/// a consistent prefix of the log.
public final class EventLog: Sendable {
    /// The on-disk format this code writes. Format 2 keeps each event's JSON apart from its
    /// record (`event_json`). Format 1 logs, whose records hold it inline, are read as they are,
    /// and become format 2 at their first writable open (their records stay as they were; new
    /// ones keep the JSON apart), which older builds then refuse rather than misread.
    public static let formatVersion: UInt32 = 2

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
        /// Events per idempotency-index generation; fixed when the database is created.
        public var idGenerationSize: UInt32 = 1 << 16
        /// Fold appended events into the views in the append's transaction (default). Off, appends
        /// store the log only and leave the views behind (readers are told to rebuild them); a bulk
        /// load then rebuilds them once, which is much faster than folding batch by batch.
        public var inlineViews = true
        /// Memory an in-memory rebuild may give the views it holds at once, in bytes; customers
        /// are rebuilt in as many groups (each written while the next is folded) as this requires,
        /// at an estimate of 120 bytes per event for the profiles and their history snapshots.
        /// Smaller groups keep more of what a fold touches in the CPU's caches: on 10 M events the
        /// default needs 6–14% less CPU than 144 MB and peaks at 164–171 MB of anonymous memory in
        /// all, against 273–284 MB.
        public var rebuildPassBytes = 48 << 20

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
    /// `nil` only in a read-only open of a format 1 log that never had one.
    let eventJSON: Database?
    let eventIds: Database
    let idFilters: Database
    let customers: Database
    let meta: Database
    /// Events per idempotency-index generation, as stored in the database.
    let generationSize: UInt64
    /// Bloom filters of sealed generations and of their groups, which never change once written.
    let filterCache = Mutex<[IdFilterNode: BloomFilter]>([:])
    /// RFM populations of recent (head, as-of day) pairs, so that one customer's loyalty does not
    /// rescan every profile for each question about the same day.
    let scorerCache = Mutex<[ScorerKey: RFMScorer]>([:])

    struct ScorerKey: Hashable {
        let head: UInt64
        let day: Int
    }
    let checkpoints: Database
    /// The views this log maintains, each with its two slots.
    let views: [View]
    /// Whether appends fold into the views (`Options.inlineViews`).
    let inlineViews: Bool
    /// `Options.rebuildPassBytes`.
    let rebuildPassBytes: Int
    /// The next batch, decided and being folded into the views while the last one commits
    /// (`append(_:partial:foldingAhead:)`); taken by the next append, which uses it only if it is
    /// that batch's and nothing was written in between.
    private let foldedAhead = Mutex<FoldAhead?>(nil)
    /// How many appends used a fold ahead (for tests).
    private let foldsAheadTaken = Atomic<Int>(0)
    package var foldsAheadUsed: Int { foldsAheadTaken.load(ordering: .relaxed) }
    /// Numbers `PreparedBatch`es, so that a fold ahead finds its batch.
    private static let batchSerials = Atomic<UInt64>(0)

    /// A projector and the two databases its view alternates between.
    struct View: Sendable {
        let projector: any Projector
        let slots: [Database]
        /// The last snapshot in which the view was found up to date, and its live slot.
        let lastCurrent = CurrentSnapshot()
    }

    /// A snapshot id and a live slot, packed into one atomic word (id << 2 | slot << 1 | 1), so that
    /// readers of the same snapshot skip re-reading the head and the view's checkpoint.
    final class CurrentSnapshot: Sendable {
        private let packed = Atomic<UInt64>(0)

        /// The live slot if the view was found current in snapshot `id`.
        func slot(ifCurrentIn id: Int) -> Int? {
            let value = packed.load(ordering: .relaxed)
            guard value & 1 == 1, value >> 2 == UInt64(id) else { return nil }
            return Int((value >> 1) & 1)
        }

        func record(_ id: Int, slot: Int) {
            packed.store(UInt64(id) << 2 | UInt64(slot & 1) << 1 | 1, ordering: .relaxed)
        }
    }

    /// Opens the log in directory `path`.
    ///
    /// - Throws: `TouchlogError` `.databaseMissing` if there is none (and `options.create` is off),
    ///   `.incompatibleDatabase` if it is not a Touchlog database of a format this code reads.
    ///
    /// - Parameter projectors: the views to maintain inline; a writable open rebuilds any whose
    ///   version changed or that fell behind the log.
    public init(
        path: String, options: Options = Options(), projectors: [any Projector] = StandardProjectors.all
    ) throws(TouchlogError) {
        self.path = path
        inlineViews = options.inlineViews
        rebuildPassBytes = max(1, options.rebuildPassBytes)
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
            func open(_ name: String) throws -> Database {
                guard let database = try environment.openDatabase(name, flags: create) else {
                    throw TouchlogError(.incompatibleDatabase, "\(path) is not a Touchlog database (no \(name) table)")
                }
                return database
            }
            meta = try open("meta")
            events = try open("events")
            eventJSON = try environment.openDatabase("event_json", flags: create)
            eventIds = try open("event_ids")
            idFilters = try open("id_filters")
            customers = try open("customers")
            checkpoints = try open("checkpoints")
            // A read-only open of a database that has never maintained a view skips that view;
            // reading it then says to run a rebuild.
            views = try projectors.compactMap { projector in
                let slots = try (0..<2).map { try environment.openDatabase("view.\(projector.name).\($0)", flags: create) }
                guard let first = slots[0], let second = slots[1] else { return nil }
                return View(projector: projector, slots: [first, second])
            }
            generationSize = UInt64(try Self.settings(environment, meta, path: path, options: options))
        } catch {
            throw TouchlogError.storage(error, while: "opening \(path)")
        }
        if !options.readOnly && options.inlineViews { try rebuildStaleViews() }
    }

    /// Checks the format version and reads the generation size, writing both into a new database.
    private static func settings(_ environment: Environment, _ meta: Database, path: String, options: Options) throws -> UInt32 {
        let formatKey = Array("format".utf8), generationKey = Array("idgen".utf8)
        func read(_ txn: Transaction, _ key: [UInt8]) throws -> UInt32? {
            try txn.get(meta, key: key).map { $0.count == 4 ? UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) : 0 }
        }
        let stored = try environment.read { txn in (try read(txn, formatKey), try read(txn, generationKey)) }
        switch stored {
        case (nil, _) where !options.readOnly:
            try environment.write { txn in
                try txn.put(meta, key: formatKey, value: withUnsafeBytes(of: formatVersion.littleEndian) { Array($0) })
                try txn.put(meta, key: generationKey, value: withUnsafeBytes(of: options.idGenerationSize.littleEndian) { Array($0) })
            }
            return options.idGenerationSize
        case (nil, _):
            throw TouchlogError(.incompatibleDatabase, "\(path) has no format version; open it once for writing")
        case (let version?, _) where !(1...formatVersion).contains(version):
            throw TouchlogError(
                .incompatibleDatabase, "\(path) has format version \(version); this touchlog reads versions 1 to \(formatVersion)"
            )
        case (let version?, let generation?) where generation > 0:
            if version < formatVersion && !options.readOnly {
                try environment.write { txn in
                    try txn.put(meta, key: formatKey, value: withUnsafeBytes(of: formatVersion.littleEndian) { Array($0) })
                }
            }
            return generation
        default:
            throw TouchlogError(.incompatibleDatabase, "\(path) has no valid idempotency generation size")
        }
    }

    // MARK: - Appending

    /// A batch whose idempotency keys were looked up, outside any write transaction, in the sealed
    /// generations of the index (which never change): its append then searches only the
    /// generations sealed since and the open one. That keeps the write transaction, the one part
    /// of an append nothing can overlap with, short: ingest of the log alone prepares each batch
    /// while the one before it is written. Made by `prepare`; append it to the log that prepared it.
    public struct PreparedBatch: Sendable {
        /// The decoded events and rejections, as given to `prepare`.
        public let inputs: [Result<DecodedEvent, EventRejection>]
        /// Each input's idempotency key (`nil` for a rejection).
        let keys: [IdempotencyKey?]
        /// Each input's customer hash (`CustomerBatch.customerHash` of its subject; 0 for a
        /// rejection): a fold thread picks its share of customers by it without reading the events.
        let customerHashes: [UInt64]
        /// The log that looked the keys up.
        let log: ObjectIdentifier
        /// Generations below this were searched, finding `found`.
        let searchedBelow: UInt32
        let found: [IdempotencyKey: UInt64]
        /// Unique in the process.
        let serial = EventLog.batchSerials.add(1, ordering: .relaxed).newValue
    }

    /// Looks a batch's keys up in the sealed generations of the idempotency index, in a read
    /// snapshot, for `append(_:partial:)`; runs beside appends.
    public func prepare(_ inputs: [Result<DecodedEvent, EventRejection>]) throws(TouchlogError) -> PreparedBatch {
        let (keys, customerHashes) = Self.keysAndCustomerHashes(of: inputs)
        let (sealed, found) = try withSnapshot("looking up the ids of \(inputs.count) events") { txn in
            let lookup = try IdIndexLookup(log: self, txn: txn, head: try readMetadata(txn).head)
            return (lookup.sealedGenerations, try lookup.positions(of: keys.compactMap { $0 }, sealedOnly: true))
        }
        return PreparedBatch(
            inputs: inputs, keys: keys, customerHashes: customerHashes, log: ObjectIdentifier(self), searchedBelow: sealed, found: found)
    }

    /// Each input's idempotency key and customer hash (`nil` and 0 for a rejection).
    private static func keysAndCustomerHashes(of inputs: [Result<DecodedEvent, EventRejection>]) -> (keys: [IdempotencyKey?], customerHashes: [UInt64]) {
        var keys: [IdempotencyKey?] = []
        var customerHashes: [UInt64] = []
        keys.reserveCapacity(inputs.count)
        customerHashes.reserveCapacity(inputs.count)
        for input in inputs {
            guard case .success(let decoded) = input else {
                keys.append(nil)
                customerHashes.append(0)
                continue
            }
            keys.append(IdempotencyKey(source: decoded.event.source, id: decoded.event.id))
            var subject = decoded.event.subject
            customerHashes.append(subject.withUTF8 { CustomerBatch.customerHash(UnsafeRawBufferPointer($0)) })
        }
        return (keys, customerHashes)
    }

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
        let (keys, customerHashes) = Self.keysAndCustomerHashes(of: inputs)
        let batch = PreparedBatch(inputs: inputs, keys: keys, customerHashes: customerHashes, log: ObjectIdentifier(self), searchedBelow: 0, found: [:])
        return try append(batch, partial: partial)
    }

    /// Appends a prepared batch (see `prepare`) in one durable write transaction, with the outcomes
    /// of `append(_:partial:)` for its inputs.
    ///
    /// - Parameter next: when appending batches one after another (a file), the batch that will be
    ///   appended next if it is ready, asked for once this batch's log is written and its folds are
    ///   done. Its outcomes are then decided in this transaction, and its events folded into the
    ///   views on other threads while this one makes its views' writes and commits; its own
    ///   append uses that if nothing else was written in between (else it decides and folds
    ///   again). A large batch's folds otherwise wait for the transaction in front of them, and
    ///   the cores idle meanwhile.
    public func append(
        _ batch: PreparedBatch, partial: Bool = false, foldingAhead next: (() -> PreparedBatch?)? = nil
    ) throws(TouchlogError) -> AppendResult {
        let inputs = batch.inputs
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
                let outcome = try appendInTransaction(txn, batch, now: now, next: next)
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

    /// What happens to each input of a batch, decided before anything of it is written.
    struct BatchDecision {
        let headBefore: UInt64
        /// The time the batch is recorded at.
        let recordedAt: Timestamp
        let outcomes: [AppendOutcome]
        /// The head once the batch is written.
        let head: UInt64
    }

    private func appendInTransaction(
        _ txn: Transaction, _ batch: PreparedBatch, now: Timestamp, next: (() -> PreparedBatch?)?
    ) throws -> AppendResult {
        var metadata = try readMetadata(txn)
        let ahead = takeFoldAhead(of: batch, in: txn, head: metadata.head)
        let decision = try ahead?.decision ?? decide(batch, in: txn, head: metadata.head, recordedAt: max(now, metadata.lastRecordedAt))
        let (inputs, keys, outcomes, recordedAt) = (batch.inputs, batch.keys, decision.outcomes, decision.recordedAt)
        guard decision.head > decision.headBefore else { return AppendResult(outcomes: outcomes, head: decision.headBefore) }
        let projecting = try ahead?.works ?? startProjecting(batch, decision)
        defer { projecting?.forEach { _ = try? $0.finish() } }  // they read beside this transaction: never outlive it
        guard let eventJSON else { throw TouchlogError(.storage, "\(path) is open read-only") }
        // Each customer's index entry is read once and written once per batch, in key order
        // through one cursor, so that neighbouring subjects are found on the page the cursor is
        // on rather than searched for from the root.
        var slotOfSubject: [ByteKey: Int] = [:]
        slotOfSubject.reserveCapacity(Int(decision.head - decision.headBefore))
        var subjects: [ByteKey] = []
        var slotOfInput = [Int](repeating: -1, count: inputs.count)
        for inputIndex in inputs.indices {
            guard case .stored = outcomes[inputIndex], case .success(let decoded) = inputs[inputIndex] else { continue }
            let subject = ByteKey(Array(decoded.event.subject.utf8))
            if let slot = slotOfSubject[subject] {
                slotOfInput[inputIndex] = slot
            } else {
                slotOfInput[inputIndex] = subjects.count
                slotOfSubject[subject] = subjects.count
                subjects.append(subject)
            }
        }
        let keyOrder = subjects.indices.sorted { KeyOrder.precedes(subjects[$0].bytes, subjects[$1].bytes) }
        var states = [CustomerState](repeating: CustomerState(), count: subjects.count)
        try txn.withCursor(customers) { cursor in
            for slot in keyOrder {
                if let stored = try subjects[slot].bytes.withUnsafeBytes({ try cursor.seek($0) }) { states[slot] = try CustomerState(stored.value) }
            }
        }
        // Each record is encoded into the one buffer, and each JSON entry straight into its page.
        var record = ByteWriter(capacity: 4096)
        var idEntries: [(generation: UInt32, key: IdempotencyKey, position: UInt64)] = []
        idEntries.reserveCapacity(Int(decision.head - decision.headBefore))
        for inputIndex in inputs.indices {
            guard case .stored(let position) = outcomes[inputIndex], case .success(let decoded) = inputs[inputIndex], let key = keys[inputIndex] else { continue }
            let slot = slotOfInput[inputIndex]
            RecordCodec.encode(decoded, recordedAt: recordedAt, previousOfCustomer: states[slot].lastPosition, jsonInline: false, into: &record)
            try PositionKey.with(position) { positionKey in
                try record.bytes.withUnsafeBytes { try txn.put(events, key: positionKey, value: $0, flags: .append) }
                try txn.put(eventJSON, key: positionKey, reserving: RecordCodec.jsonEntrySize(decoded.json), flags: .append) {
                    RecordCodec.writeJSONEntry(decoded.json, to: $0)
                }
            }
            idEntries.append((generation(of: position), key, position))
            states[slot].lastPosition = position
            states[slot].eventCount += 1
            metadata.earliestTime = min(metadata.earliestTime, decoded.event.time)
            metadata.latestTime = max(metadata.latestTime, decoded.event.time)
        }
        // The id index's entries in key order, through one cursor: a batch's keys fall in one or
        // two generations, tens to a page, so that most are found on the page of the one before
        // rather than searched for from the root.
        idEntries.sort { a, b in a.generation != b.generation ? a.generation < b.generation : a.key.precedesInIndex(b.key) }
        try txn.withCursor(eventIds) { cursor in
            for entry in idEntries {
                try entry.key.withIndexKey(generation: entry.generation) { key in
                    try PositionKey.with(entry.position) { try cursor.put(key, $0) }
                }
            }
        }
        try txn.withCursor(customers) { cursor in
            for slot in keyOrder {
                try subjects[slot].bytes.withUnsafeBytes { key in try states[slot].encoded.withUnsafeBytes { try cursor.put(key, $0) } }
            }
        }
        metadata.head = decision.head
        metadata.lastRecordedAt = recordedAt
        try txn.put(meta, key: LogMetadata.key, value: metadata.encoded)
        try sealGenerations(txn, from: decision.headBefore, to: metadata.head)
        try project(txn, batch, decision, folded: projecting) { folded in
            if let next = next?() { foldAhead(next, over: folded, in: txn, metadata: metadata) }
        }
        return AppendResult(outcomes: outcomes, head: metadata.head)
    }

    /// Decides each input's outcome in `txn`, whose log ends at `head`: stored (at which position),
    /// a duplicate of a stored event, or rejected.
    private func decide(_ batch: PreparedBatch, in txn: Transaction, head headBefore: UInt64, recordedAt: Timestamp) throws -> BatchDecision {
        let (inputs, keys) = (batch.inputs, batch.keys)
        // What `prepare` found holds if it searched this log's sealed generations (no fewer are
        // sealed now, unless the database was replaced meanwhile); the rest is searched here.
        let prepared = batch.log == ObjectIdentifier(self) && batch.searchedBelow <= UInt32(clamping: headBefore / generationSize)
        var storedBefore = prepared ? batch.found : [:]
        let index = try IdIndexLookup(log: self, txn: txn, head: headBefore, searchedBelow: prepared ? batch.searchedBelow : 0)
        for (key, position) in try index.positions(of: keys.compactMap { $0 }.filter { storedBefore[$0] == nil }) {
            storedBefore[key] = position
        }
        // Decided before anything is written, so that the views can fold the stored events while
        // the log is written (see `startProjecting`).
        var storedInBatch: [IdempotencyKey: (position: UInt64, input: Int)] = [:]
        storedInBatch.reserveCapacity(inputs.count)
        var outcomes: [AppendOutcome] = []
        outcomes.reserveCapacity(inputs.count)
        var head = headBefore
        // Inputs are read in place (bound only where a re-send needs them): copying an event
        // retains its strings and arrays, which the decoding thread made.
        for inputIndex in inputs.indices {
            switch inputs[inputIndex] {
            case .failure(let rejection):
                outcomes.append(.rejected(rejection))
            case .success:
                let key = keys[inputIndex]!  // every decoded input has one
                if let earlier = storedInBatch[key], case .success(let first) = inputs[earlier.input], case .success(let decoded) = inputs[inputIndex] {
                    outcomes.append(try resend(decoded, of: first.event, json: first.json, storedAt: earlier.position, index: inputIndex))
                } else if let existing = storedBefore[key], case .success(let decoded) = inputs[inputIndex] {
                    outcomes.append(try resend(txn, decoded, storedAt: existing, index: inputIndex))
                } else {
                    head += 1
                    storedInBatch[key] = (head, inputIndex)
                    outcomes.append(.stored(head))
                }
            }
        }
        return BatchDecision(headBefore: headBefore, recordedAt: recordedAt, outcomes: outcomes, head: head)
    }

    /// The fold ahead of `batch`, if one was made for it in the write transaction just before
    /// `txn` (so nothing was written in between); any other is discarded.
    private func takeFoldAhead(of batch: PreparedBatch, in txn: Transaction, head: UInt64) -> FoldAhead? {
        guard let ahead = foldedAhead.withLock({ slot in defer { slot = nil }; return slot }) else { return nil }
        guard ahead.batch == batch.serial, txn.snapshotID == ahead.decidedIn + 1, ahead.decision.headBefore == head else {
            ahead.discard()
            return nil
        }
        foldsAheadTaken.add(1, ordering: .relaxed)
        return ahead
    }

    /// Decides `next`'s outcomes in `txn` (which has written the batch in front of it, up to
    /// `metadata.head`) and starts folding its events over `folded`, that batch's views' writes,
    /// for `takeFoldAhead`. Nothing is folded ahead for a batch with a rejection, or too small to
    /// fold beside its transaction; a failure here is left for the batch's own append to meet.
    private func foldAhead(_ next: PreparedBatch, over folded: FoldedViews, in txn: Transaction, metadata: LogMetadata) {
        let valid = next.inputs.allSatisfy { if case .success = $0 { true } else { false } }
        guard valid, next.log == ObjectIdentifier(self),
            let decision = try? decide(next, in: txn, head: metadata.head, recordedAt: max(.now, metadata.lastRecordedAt)),
            !decision.outcomes.contains(where: { if case .rejected = $0 { true } else { false } })
        else { return }
        guard let works = try? startProjecting(next, decision, over: folded) else { return }
        let ahead = FoldAhead(batch: next.serial, decidedIn: txn.snapshotID, decision: decision, works: works)
        let replaced = foldedAhead.withLock { slot in defer { slot = ahead }; return slot }
        replaced?.discard()  // an earlier try of this transaction's
    }

    /// The idempotency-index generation of a position (clamped, so that a damaged key read by
    /// `verify` is reported rather than trapped on).
    func generation(of position: UInt64) -> UInt32 { UInt32(clamping: (max(position, 1) - 1) / generationSize) }

    /// The outcome for an event whose idempotency key is already stored at `position`.
    private func resend(
        _ txn: Transaction, _ decoded: DecodedEvent, storedAt position: UInt64, index: Int
    ) throws -> AppendOutcome {
        guard let record = try txn.get(events, key: PositionKey.of(position)) else {
            throw TouchlogError(.corruption, "event_ids points to position \(position), which holds no event")
        }
        let stored = try storedEvent(txn, record, position: position)
        return try resend(decoded, of: stored.event, json: stored.json, storedAt: position, index: index)
    }

    /// The outcome for an event whose idempotency key `stored` (with `json`) holds at `position`:
    /// a duplicate if it says the same thing, else rejected.
    private func resend(
        _ decoded: DecodedEvent, of stored: TouchEvent, json: [UInt8], storedAt position: UInt64, index: Int
    ) throws -> AppendOutcome {
        let event = decoded.event
        guard stored.source == event.source, stored.id == event.id else {
            throw TouchlogError(.corruption, "idempotency hash collision between (\(event.source), \(event.id)) and (\(stored.source), \(stored.id))")
        }
        if try sameContent(decoded.json, json) { return .duplicate(position) }
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

    /// The log's totals, checked against the events table: positions are gapless, so the head is
    /// the number of events. A damaged head must not size work (rebuild passes, replays) or
    /// generations by a number the log does not hold.
    func readMetadata(_ txn: Transaction) throws -> LogMetadata {
        let metadata = try readStoredMetadata(txn)
        let stored = try txn.statistics(events).entries
        guard metadata.head == UInt64(stored) else {
            throw TouchlogError(.corruption, "the log's head is recorded as \(metadata.head) but it holds \(stored) events; run `touchlog verify`")
        }
        return metadata
    }

    /// The log's totals as stored, unchecked (for `verify`, which reports a mismatch).
    func readStoredMetadata(_ txn: Transaction) throws -> LogMetadata {
        guard let bytes = try txn.get(meta, key: LogMetadata.key) else { return LogMetadata() }
        guard let metadata = LogMetadata(bytes) else {
            throw TouchlogError(.corruption, "the log's metadata record is damaged")
        }
        return metadata
    }
}
