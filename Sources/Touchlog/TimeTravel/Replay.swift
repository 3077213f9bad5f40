import Glibc
import LMDB
import Synchronization
import TouchlogAnalytics

/// Every view as it was at a horizon, folded in memory from the log's events that count then.
public struct Replay: Sendable {
    /// The horizon replayed.
    public let horizon: Horizon
    /// The last position read: the log's prefix at the horizon's recorded time or position.
    public let lastPosition: UInt64
    /// The events of that prefix that counted (the others happened after the as-of time).
    public let eventsFolded: Int
    /// Every customer's profile, by subject.
    public let profiles: [String: CustomerProfile]
    let trends: TrendsFold
    /// The stored purchase model, for the loyalty predictions and `low_p_alive`.
    let model: FittedModel?

    /// The satisfaction trends, overall or by channel, as `EventLog.satisfactionTrends` gives them.
    public func satisfactionTrends(
        bucket: TrendBucket, by dimension: TrendDimension = .overall, from: Timestamp? = nil, to: Timestamp? = nil
    ) -> [TrendRow] {
        TrendTable(trends, dimension: dimension).rows(bucket: bucket, from: from, to: to)
    }

    /// Every customer's loyalty at the horizon's evaluation time, ordered by customer.
    public func loyalty() -> [CustomerLoyalty] {
        let asOf = horizon.evaluationTime
        let asOfDay = Timestamp.day(of: asOf)
        let scorer = EventLog.scorer(of: profiles.values, asOfDay: asOfDay)
        return profiles.keys.sorted().map { subject in
            let profile = profiles[subject]!
            return EventLog.loyalty(subject, profile, EventLog.summary(of: profile, asOfDay: asOfDay), scorer: scorer, asOf: asOf, model: model)
        }
    }

    /// Every customer's churn evaluation at the horizon's evaluation time, flagged or not, ordered by customer.
    public func churn(thresholds: ChurnThresholds = ChurnThresholds()) -> [CustomerChurn] {
        profiles.keys.sorted().map {
            EventLog.churn(of: $0, profiles[$0]!, asOf: horizon.evaluationTime, thresholds: thresholds, model: model)
        }
    }
}

extension EventLog {
    /// Replays the log at `horizon`: reads its prefix at the horizon's recorded time or position
    /// (in short read transactions, so appends go on), folds every event that had happened by the
    /// as-of time into every view in memory, and returns them. Needs no view: works on any log.
    /// Customers are spread over `workers` threads (views of different customers are independent).
    ///
    /// - Parameters:
    ///   - batchBytes: how much of the log each thread gathers before folding it customer by
    ///     customer (see `CustomerBatch`); more is faster on large logs and takes more memory.
    ///   - progress: called after each chunk with the position reached and the last position.
    public func replay(
        at horizon: Horizon, workers: Int = EventLog.foldWorkers, chunkSize: Int = 200_000,
        batchBytes: Int = EventLog.foldBatchBytes, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws(TouchlogError) -> Replay {
        struct State {
            var profiles = ProfileFolder()
            var trends = TrendsFolder()
            var folded = 0
        }
        let (states, last) = try foldLogByCustomer(
            at: horizon, workers: workers, chunkSize: chunkSize, batchBytes: batchBytes, progress: progress, makeState: State.init
        ) { state, stored in
            try state.profiles.fold(stored)
            try state.trends.fold(stored)
            state.folded += 1
        }
        var merged = states[0]
        for state in states.dropFirst() {
            merged.profiles.merge(state.profiles)  // disjoint: each customer has one worker
            merged.trends.merge(state.trends)
            merged.folded += state.folded
        }
        return Replay(
            horizon: horizon, lastPosition: last, eventsFolded: merged.folded, profiles: merged.profiles.profiles, trends: merged.trends.fold,
            model: try storedModel()
        )
    }

    /// Threads a whole-log fold uses: the machine's cores, at most 8.
    public static let foldWorkers = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

extension EventLog {
    /// Folds every event of the log's prefix at `horizon` that had happened by its as-of time, in
    /// position order per customer, on `workers` threads, each into its own state (see
    /// `scanLogByCustomer`). Returns the states (one per worker) and the prefix's last position.
    func foldLogByCustomer<State>(
        at horizon: Horizon, workers: Int = EventLog.foldWorkers, chunkSize: Int = 200_000,
        batchBytes: Int = EventLog.foldBatchBytes, progress: ((UInt64, UInt64) -> Void)? = nil, makeState: () -> State,
        _ fold: (inout State, StoredEvent) throws -> Void
    ) throws(TouchlogError) -> (states: [State], last: UInt64) {
        let last = try lastPosition(at: horizon)
        let states = try scanLogByCustomer(
            through: last, workers: workers, chunkSize: chunkSize, progress: progress,
            makeState: { (state: makeState(), batch: CustomerBatch(capacity: batchBytes)) }
        ) { slot, position, bytes, header in
            // The clocks are in the header: events after the as-of time are not copied or decoded.
            guard horizon.includes(position: position, recordedAt: header.recordedAt, time: header.time) else { return }
            try slot.batch.append(record: bytes, position: position)
            if slot.batch.isFull { try slot.batch.foldByCustomer { try fold(&slot.state, $0) } }
        } finish: { slot in
            try slot.batch.foldByCustomer { try fold(&slot.state, $0) }
        }
        return (states.map(\.state), last)
    }

    /// Bytes of events a whole-log fold gathers per thread before folding them customer by
    /// customer (see `CustomerBatch`), by default: about 250,000 events.
    public static let foldBatchBytes = 32 << 20

    /// Visits every record of the log up to position `last` on `workers` threads: each thread
    /// reads the whole prefix but visits only the records of the customers whose subject hashes to
    /// it (so each customer's records reach one thread, in position order), into that thread's
    /// own state, which `finish` completes on the same thread. Returns the states.
    func scanLogByCustomer<State>(
        through last: UInt64, workers: Int = EventLog.foldWorkers, chunkSize: Int = 200_000,
        progress: ((UInt64, UInt64) -> Void)? = nil, makeState: () -> State,
        _ visit: (inout State, UInt64, UnsafeRawBufferPointer, RecordHeader) throws -> Void,
        finish: (inout State) throws -> Void
    ) throws(TouchlogError) -> [State] {
        let workers = max(1, workers)
        return try Self.onWorkers(workers, makeState: { _ in makeState() }, while: "reading the log") { worker, state in
            _ = try readInChunks(after: 0, through: last, bucket: worker, of: workers, chunkSize: chunkSize) { reached, _ in
                if worker == 0 { progress?(reached, last) }
            } visit: { position, bytes, header in
                try visit(&state, position, bytes, header)
            }
            try finish(&state)
        }
    }

    /// Visits every record of the log up to position `last` on `workers` threads, each reading a
    /// stretch of positions of its own (worker `w` the `w`-th of `workers` equal stretches, in
    /// position order), so that each page of the log is read by one core only. Returns the states,
    /// in stretch order, each with the number of records its worker visited. `progress` is called
    /// on the first worker's thread with the number of records all workers have read.
    func scanLogInStretches<State>(
        through last: UInt64, workers: Int, chunkSize: Int = 200_000, progress: ((UInt64) -> Void)? = nil,
        makeState: (_ worker: Int) -> State,
        _ visit: (inout State, UInt64, UnsafeRawBufferPointer, RecordHeader) throws -> Void
    ) throws(TouchlogError) -> [(state: State, visited: UInt64)] {
        let workers = UInt64(max(1, workers))
        let read = Atomic<UInt64>(0)
        return try Self.onWorkers(Int(workers), makeState: { (state: makeState($0), visited: UInt64(0)) }, while: "reading the log") { worker, slot in
            let stretch = UInt64(worker)
            let (first, end) = (last.multipliedFullWidth(by: stretch), last.multipliedFullWidth(by: stretch + 1))
            let (after, through) = (workers.dividingFullWidth(first).quotient, workers.dividingFullWidth(end).quotient)
            slot.visited = try readInChunks(after: after, through: through, bucket: 0, of: 1, chunkSize: chunkSize) { _, visited in
                let total = read.add(visited, ordering: .relaxed).newValue
                if worker == 0 { progress?(total) }
            } visit: { position, bytes, header in
                try visit(&slot.state, position, bytes, header)
            }
        }
    }

    /// Calls `visit` with the records after `after` through `through` of the customers in
    /// `bucket` (see `forEachRecord`), read in short read transactions of `chunkSize` events (the
    /// prefix never changes, so they all see the same records), and `chunkRead` after each chunk
    /// with the position reached and the records it visited. Returns how many it visited.
    private func readInChunks(
        after: UInt64, through: UInt64, bucket: Int, of buckets: Int, chunkSize: Int,
        chunkRead: (UInt64, UInt64) -> Void, visit: (UInt64, UnsafeRawBufferPointer, RecordHeader) throws -> Void
    ) throws -> UInt64 {
        var reached = after, visited: UInt64 = 0
        var behind = MappedSpan()
        while reached < through {
            let target = min(through, reached + UInt64(chunkSize))
            let (span, inChunk) = try withSnapshot("reading the log") { txn in
                try forEachRecord(txn, after: reached, through: target, bucket: bucket, of: buckets, visit)
            }
            visited += inChunk
            reached = target
            // Let go of the chunk before the one just read: other workers may still be reading
            // this one.
            environment.releaseMappedPages(behind)
            behind = span
            chunkRead(reached, inChunk)
        }
        return visited
    }

    /// The bucket of a record's customer: FNV-1a of the subject's bytes (read from the record
    /// without checking it; the worker that decodes it does). A damaged length goes to bucket 0.
    static func bucket(ofRecord bytes: UnsafeRawBufferPointer, buckets: Int) -> Int {
        bucket(ofSubject: RecordCodec.subjectBytes(of: bytes), buckets: buckets)
    }

    /// The bucket of the customer with UTF-8 id `subject`, the same as their records'.
    static func bucket(ofSubject subject: UnsafeRawBufferPointer, buckets: Int) -> Int {
        bucket(ofCustomerHash: CustomerBatch.customerHash(subject), buckets: buckets)
    }

    /// The bucket of the customer whose subject has `CustomerBatch.customerHash` `hash`.
    static func bucket(ofCustomerHash hash: UInt64, buckets: Int) -> Int {
        Int(hash % UInt64(buckets))
    }

    /// `foldLogByCustomer` on one thread, for folds that are not split by customer.
    @discardableResult
    func foldLog(
        at horizon: Horizon, chunkSize: Int = 200_000, progress: ((UInt64, UInt64) -> Void)? = nil,
        _ body: (StoredEvent) throws -> Void
    ) throws(TouchlogError) -> UInt64 {
        try foldLogByCustomer(at: horizon, workers: 1, chunkSize: chunkSize, progress: progress, makeState: { () }) { _, event in
            try body(event)
        }.last
    }
}
