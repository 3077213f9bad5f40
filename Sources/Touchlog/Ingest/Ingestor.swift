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
    public func ingest(
        from reader: LineReader, onBatch: (Batch, Summary) throws -> Void = { _, _ in }
    ) throws -> Summary {
        var state = State(ingestor: self)
        state.summary.head = try log.head()
        if try reader.peekFirstSignificantByte() == UInt8(ascii: "[") {
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
        return state.summary
    }

    /// The batch being filled and the totals so far.
    private struct State {
        let ingestor: Ingestor
        var summary = Summary()
        var inputs: [Result<DecodedEvent, EventRejection>] = []
        var numbers: [Int] = []
        var labels: [String] = []
        var rejectedInputs: [Int: [UInt8]] = [:]
        var now = Timestamp.now

        init(ingestor: Ingestor) {
            self.ingestor = ingestor
            inputs.reserveCapacity(ingestor.options.batchSize)
        }

        mutating func add(
            _ bytes: UnsafeRawBufferPointer, number: Int, label: String, _ onBatch: (Batch, Summary) throws -> Void
        ) throws {
            let location = "\(label) \(number)"
            do {
                let decoded = try ingestor.options.decoder.decode(bytes, location: location, now: now)
                inputs.append(.success(decoded))
            } catch {
                rejectedInputs[inputs.count] = Array(bytes)
                inputs.append(.failure(error))
            }
            numbers.append(number)
            labels.append(location)
            if inputs.count >= ingestor.options.batchSize { try flush(onBatch) }
        }

        mutating func reject(
            _ failure: ValidationFailure, input: [UInt8], number: Int, label: String,
            _ onBatch: (Batch, Summary) throws -> Void
        ) throws {
            let location = "\(label) \(number)"
            rejectedInputs[inputs.count] = input
            inputs.append(.failure(EventRejection(location: location, id: nil, failure: failure)))
            numbers.append(number)
            labels.append(location)
            if inputs.count >= ingestor.options.batchSize { try flush(onBatch) }
        }

        mutating func flush(_ onBatch: (Batch, Summary) throws -> Void) throws {
            guard let first = numbers.first, let last = numbers.last else { return }
            defer {
                inputs.removeAll(keepingCapacity: true)
                numbers.removeAll(keepingCapacity: true)
                labels.removeAll(keepingCapacity: true)
                rejectedInputs.removeAll()
                now = Timestamp.now
            }
            let outcomes: [AppendOutcome]
            if summary.stopped {
                // All-or-nothing stopped earlier: validate only, store nothing.
                outcomes = inputs.map { if case .failure(let r) = $0 { .rejected(r) } else { .notStored } }
            } else {
                let result = try ingestor.log.append(inputs, partial: ingestor.options.partial)
                summary.head = result.head
                outcomes = result.outcomes
            }
            var stored = 0, duplicates = 0
            var rejected: [Rejected] = []
            for (index, outcome) in outcomes.enumerated() {
                switch outcome {
                case .stored: stored += 1
                case .duplicate: duplicates += 1
                case .rejected(var rejection):
                    rejection.location = labels[index]
                    let input: [UInt8]
                    if let raw = rejectedInputs[index] {
                        input = raw
                    } else if case .success(let decoded) = inputs[index] {
                        input = decoded.json
                    } else {
                        input = []
                    }
                    rejected.append(Rejected(rejection: rejection, input: input))
                case .notStored: break
                }
            }
            let committed = !summary.stopped && (rejected.isEmpty || ingestor.options.partial)
            summary.events += inputs.count
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
