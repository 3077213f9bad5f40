import Dispatch
import Synchronization

/// Streams events from NDJSON (one CloudEvent per line) or a JSON array batch into a log, in
/// batches of `Options.batchSize` events, each appended in one durable transaction.
///
/// All-or-nothing (the default) applies per batch: a batch with a rejected event stores nothing,
/// and ingestion stores nothing after it; the rest of the input is still validated so that every
/// bad line is reported at once. Re-running the corrected input is safe: events already stored are
/// acknowledged as duplicates. With `partial`, valid events are stored and the others reported.
public struct Ingestor {
    /// How input is ingested.
    public struct Options: Sendable {
        /// Events per write transaction.
        public var batchSize = 10_000
        /// Store the valid events of a batch even when others are rejected.
        public var partial = false
        /// Size, skew and contract rules for each event.
        public var decoder = EventDecoder()
        /// The largest JSON array batch read whole; NDJSON has no limit.
        public var maxArrayBytes = 256 << 20

        public init(batchSize: Int = 10_000, partial: Bool = false, decoder: EventDecoder = EventDecoder()) {
            self.batchSize = batchSize
            self.partial = partial
            self.decoder = decoder
        }
    }

    /// One rejected input: why, and the input line as it was (for a rejects file).
    public struct Rejected: Sendable {
        public let rejection: EventRejection
        public let input: [UInt8]
    }

    /// What one batch did.
    public struct Batch: Sendable {
        /// Line numbers (or array indexes, 1-based) covered by the batch.
        public let lines: ClosedRange<Int>
        /// Whether the batch's events were stored (false after a rejection in all-or-nothing mode).
        public let committed: Bool
        public let stored: Int
        public let duplicates: Int
        public let rejected: [Rejected]
        /// The log's head after the batch.
        public let head: UInt64
    }

    /// Totals over the whole input.
    public struct Summary: Sendable {
        public var events = 0
        public var stored = 0
        public var duplicates = 0
        public var rejected = 0
        /// The last line whose batch was stored; nothing after it was stored if `stopped`.
        public var lastCommittedLine = 0
        /// Whether a rejection in all-or-nothing mode stopped storing.
        public var stopped = false
        public var head: UInt64 = 0
        /// Bytes of input read.
        public var bytesRead = 0
    }

    public let log: EventLog
    public let options: Options

    public init(log: EventLog, options: Options = Options()) {
        self.log = log
        self.options = options
    }

    /// Ingests everything `reader` delivers.
    ///
    /// - Parameter onBatch: called after each batch (committed or not) with its outcome and the
    ///   running summary; use it for acknowledgements, rejects files and progress.
    /// - Throws: `TouchlogError` for storage failures (the failing batch is not stored, earlier ones
    ///   are), `LineReader.ReadError` for input failures.
    ///
    /// - Parameter transform: for inputs that are not CloudEvents (importers): turns each line into
    ///   the JSON of one event, `nil` to skip the line, or throws the reason it is rejected.
    public func ingest(
        from reader: LineReader,
        onBatch: (Batch, Summary) throws -> Void = { _, _ in },
        transform: ((UnsafeRawBufferPointer) throws(ValidationFailure) -> [UInt8]?)? = nil
    ) throws -> Summary {
        var state = State(ingestor: self)
        state.summary.head = try log.head()
        if let transform {
            try reader.forEachLine { number, line in
                switch line {
                case .bytes(let bytes):
                    do {
                        guard let event = try transform(bytes) else { return }
                        try event.withUnsafeBytes { try state.add($0, number: number, label: "line", onBatch) }
                    } catch let failure as ValidationFailure {
                        try state.reject(failure, input: Array(bytes), number: number, label: "line", onBatch)
                    }
                case .tooLong(let count):
                    try state.reject(
                        ValidationFailure(path: "", rule: "line is \(count) bytes, over the limit"),
                        input: [], number: number, label: "line", onBatch
                    )
                }
                state.summary.bytesRead = reader.bytesRead
            }
        } else if try reader.peekFirstSignificantByte() == UInt8(ascii: "[") {
            let bytes = try reader.readRemaining(limit: options.maxArrayBytes)
            try bytes.withUnsafeBytes { raw in
                let ranges: [Range<Int>]
                do {
                    ranges = try JSONArraySplitter.elements(of: raw)
                } catch {
                    throw TouchlogError(.invalidArgument, "the input starts with '[' but is not a JSON array of events: \(error)")
                }
                for (index, range) in ranges.enumerated() {
                    try state.add(UnsafeRawBufferPointer(rebasing: raw[range]), number: index + 1, label: "event", onBatch)
                }
            }
        } else {
            try reader.forEachLine { number, line in
                switch line {
                case .bytes(let bytes):
                    guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
                    try state.add(bytes, number: number, label: "line", onBatch)
                case .tooLong(let count):
                    try state.reject(
                        ValidationFailure(path: "", rule: "event is \(count) bytes, over the limit of \(options.decoder.maxEventBytes) bytes"),
                        input: [], number: number, label: "line", onBatch
                    )
                }
                state.summary.bytesRead = reader.bytesRead
            }
        }
        state.summary.bytesRead = reader.bytesRead
        try state.flush(onBatch)
        try state.settleAll(onBatch)
        return state.summary
    }

    /// One batch on its way into the log: its inputs and where they came from.
    private struct PendingBatch: Sendable {
        var inputs: [Result<DecodedEvent, EventRejection>] = []
        var numbers: [Int] = []
        var labels: [String] = []
        var rejectedInputs: [Int: [UInt8]] = [:]
    }

    /// A flag set once, read from any thread.
    private final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func set() { value.store(true, ordering: .releasing) }
    }

    /// An append running on the writer queue; `result` is set before `done` is signalled, and
    /// stays `nil` if the append was skipped because the ingest halted before it.
    private final class InFlightAppend: @unchecked Sendable {
        let batch: PendingBatch
        let prepared: EventLog.PreparedBatch?
        let done = DispatchSemaphore(value: 0)
        var result: Result<AppendResult, any Error>?

        init(batch: PendingBatch, prepared: EventLog.PreparedBatch?) {
            self.batch = batch
            self.prepared = prepared
        }
    }

    /// The appends handed to the writer and not yet begun or under way, oldest first: the writer
    /// appending one passes the next to the log to fold ahead (`EventLog.append(_:partial:foldingAhead:)`).
    private final class Handoff: Sendable {
        private let queued = Mutex<[InFlightAppend]>([])

        func hand(_ append: InFlightAppend) { queued.withLock { $0.append(append) } }

        /// The append handed after `append`, if any.
        func next(after append: InFlightAppend) -> InFlightAppend? {
            queued.withLock { queued in
                guard let index = queued.firstIndex(where: { $0 === append }), index + 1 < queued.count else { return nil }
                return queued[index + 1]
            }
        }

        func remove(_ append: InFlightAppend) { queued.withLock { $0.removeAll { $0 === append } } }
    }

    /// The batch being filled, the batches handed to the writer, and the totals so far.
    ///
    /// Decoding (on the caller's thread) overlaps with appending (on a writer queue): batches
    /// k+1 and k+2 are decoded while batch k is written, so the decoding goes on while a commit
    /// waits for the disk and while the views' writes are made, when one core would otherwise
    /// idle; and batch k+1, once handed over, is folded into the views while batch k commits.
    /// Outcomes are reported in input order. All-or-nothing still stops at the first
    /// rejected batch: the writer halts there (`halted`) and skips the batches handed after it,
    /// which are then reported as validated only.
    private struct State {
        /// Batches handed to the writer and not yet reported.
        static let depth = 2

        let ingestor: Ingestor
        let writer = DispatchQueue(label: "touchlog.ingest.writer")
        let handoff = Handoff()
        /// Set by the writer after a batch that fails or is rejected in all-or-nothing mode (and
        /// by the caller's thread when it gives up): later appends are skipped.
        let halted = Flag()
        var summary = Summary()
        var batch = PendingBatch()
        var inFlight: [InFlightAppend] = []
        var now = Timestamp.now

        init(ingestor: Ingestor) {
            self.ingestor = ingestor
            batch.inputs.reserveCapacity(ingestor.options.batchSize)
        }

        mutating func add(
            _ bytes: UnsafeRawBufferPointer, number: Int, label: String, _ onBatch: (Batch, Summary) throws -> Void
        ) throws {
            let location = "\(label) \(number)"
            do {
                let decoded = try ingestor.options.decoder.decode(bytes, location: location, now: now)
                batch.inputs.append(.success(decoded))
            } catch {
                batch.rejectedInputs[batch.inputs.count] = Array(bytes)
                batch.inputs.append(.failure(error))
            }
            batch.numbers.append(number)
            batch.labels.append(location)
            if batch.inputs.count >= ingestor.options.batchSize { try flush(onBatch) }
        }

        mutating func reject(
            _ failure: ValidationFailure, input: [UInt8], number: Int, label: String,
            _ onBatch: (Batch, Summary) throws -> Void
        ) throws {
            let location = "\(label) \(number)"
            batch.rejectedInputs[batch.inputs.count] = input
            batch.inputs.append(.failure(EventRejection(location: location, id: nil, failure: failure)))
            batch.numbers.append(number)
            batch.labels.append(location)
            if batch.inputs.count >= ingestor.options.batchSize { try flush(onBatch) }
        }

        /// Hands the filled batch to the writer, after settling the oldest one if two are there.
        ///
        /// The batch's ids are first looked up in the index's sealed generations on this thread,
        /// while earlier batches are written (`EventLog.prepare`; if that fails, the append looks
        /// them all up and reports any storage error itself), which takes that search out of the
        /// writer's transaction. With inline views this only paid once the decoder ran ahead of the
        /// writer (two batches handed over): with one, the cores were busy folding meanwhile, and
        /// looking up beside the folds made appends slower in 4 of 5 alternating runs.
        mutating func flush(_ onBatch: (Batch, Summary) throws -> Void) throws {
            let prepared = batch.inputs.isEmpty || summary.stopped ? nil : try? ingestor.log.prepare(batch.inputs)
            if inFlight.count >= Self.depth { try settleOldest(onBatch) }
            guard !batch.inputs.isEmpty else { return }
            let pending = batch
            batch = PendingBatch()
            batch.inputs.reserveCapacity(ingestor.options.batchSize)
            now = Timestamp.now
            if summary.stopped {
                try settleAll(onBatch)  // in input order, before this batch's report
                try reportValidatedOnly(pending, onBatch)
                return
            }
            let append = InFlightAppend(batch: pending, prepared: prepared)
            let log = ingestor.log, partial = ingestor.options.partial, halted = halted, handoff = handoff
            handoff.hand(append)
            writer.async {
                defer {
                    handoff.remove(append)
                    append.done.signal()
                }
                guard !halted.isSet else { return }
                let result = Result {
                    guard let prepared = append.prepared else { return try log.append(append.batch.inputs, partial: partial) }
                    return try log.append(prepared, partial: partial) { halted.isSet ? nil : handoff.next(after: append)?.prepared }
                }
                append.result = result
                log.releaseMappedPages()
                switch result {
                case .failure:
                    halted.set()
                case .success(let outcome):
                    if !partial, outcome.outcomes.contains(where: { if case .rejected = $0 { true } else { false } }) { halted.set() }
                }
            }
            inFlight.append(append)
        }

        /// Waits for every batch handed to the writer and reports their outcomes, in order.
        mutating func settleAll(_ onBatch: (Batch, Summary) throws -> Void) throws {
            while !inFlight.isEmpty { try settleOldest(onBatch) }
        }

        /// Waits for the oldest batch handed to the writer and reports its outcome; if that
        /// throws, stops the writer first (`abandon`).
        private mutating func settleOldest(_ onBatch: (Batch, Summary) throws -> Void) throws {
            let append = inFlight.removeFirst()
            append.done.wait()
            do {
                guard let result = append.result else {
                    // Skipped by the writer: all-or-nothing stopped at an earlier batch.
                    try reportValidatedOnly(append.batch, onBatch)
                    return
                }
                let outcome = try result.get()
                summary.head = outcome.head
                try report(append.batch, outcome.outcomes, onBatch)
            } catch {
                abandon()
                throw error
            }
        }

        /// Stops the writer before the batches still handed to it and waits for it, so that
        /// nothing is written once the ingest has thrown.
        private mutating func abandon() {
            halted.set()
            for append in inFlight { append.done.wait() }
            inFlight = []
        }

        /// Reports a batch that was validated but not stored (all-or-nothing stopped before it).
        private mutating func reportValidatedOnly(_ pending: PendingBatch, _ onBatch: (Batch, Summary) throws -> Void) throws {
            let outcomes = pending.inputs.map { input -> AppendOutcome in
                if case .failure(let rejection) = input { .rejected(rejection) } else { .notStored }
            }
            try report(pending, outcomes, onBatch)
        }

        private mutating func report(
            _ pending: PendingBatch, _ outcomes: [AppendOutcome], _ onBatch: (Batch, Summary) throws -> Void
        ) throws {
            guard let first = pending.numbers.first, let last = pending.numbers.last else { return }
            var stored = 0, duplicates = 0
            var rejected: [Rejected] = []
            for (index, outcome) in outcomes.enumerated() {
                switch outcome {
                case .stored: stored += 1
                case .duplicate: duplicates += 1
                case .rejected(var rejection):
                    rejection.location = pending.labels[index]
                    let input: [UInt8]
                    if let raw = pending.rejectedInputs[index] {
                        input = raw
                    } else if case .success(let decoded) = pending.inputs[index] {
                        input = decoded.json
                    } else {
                        input = []
                    }
                    rejected.append(Rejected(rejection: rejection, input: input))
                case .notStored: break
                }
            }
            let committed = !summary.stopped && (rejected.isEmpty || ingestor.options.partial)
            summary.events += pending.inputs.count
            summary.stored += stored
            summary.duplicates += duplicates
            summary.rejected += rejected.count
            if committed { summary.lastCommittedLine = last } else { summary.stopped = true }
            try onBatch(
                Batch(lines: first...last, committed: committed, stored: stored, duplicates: duplicates,
                      rejected: rejected, head: summary.head),
                summary
            )
        }
    }
}
