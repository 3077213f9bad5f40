import LMDB

/// What `EventLog.verify` found.
public struct VerificationReport: Sendable {
    /// Events walked.
    public var eventsChecked: UInt64 = 0
    /// Distinct customers in the customer index.
    public var customers: UInt64 = 0
    /// Each inconsistency found, in words (at most `maxListedProblems` of them).
    public var problems: [String] = []
    /// All inconsistencies, including those not listed.
    public var problemCount = 0

    static let maxListedProblems = 100

    /// Whether the log and its indexes are consistent.
    public var isClean: Bool { problemCount == 0 }

    mutating func report(_ problem: String) {
        problemCount += 1
        if problems.count < Self.maxListedProblems { problems.append(problem) }
    }
}

extension EventLog {
    /// Walks the whole log and its indexes in one snapshot and reports every inconsistency:
    /// gaps in positions, records that fail their checksum or do not decode, recordedAt going
    /// backwards, JSON kept apart that is missing or fails its checksum, idempotency entries
    /// missing or pointing elsewhere, sealed generations (or groups of them) whose filter misses
    /// a key, broken customer chains, and totals that do not add up.
    ///
    /// - Parameter progress: called now and then with the events checked so far and the head.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws(TouchlogError) -> VerificationReport {
        try withSnapshot("verifying the log") { txn in
            var report = VerificationReport()
            let metadata = try readStoredMetadata(txn)
            // A damaged head is reported below; the filters checked are those the events fill.
            let stored = UInt64(try txn.statistics(events).entries)
            let sealed = UInt32(clamping: min(metadata.head, stored) / generationSize)
            var filters: [IdFilterNode: BloomFilter] = [:]
            for generation in 0..<sealed {
                if let bytes = try txn.get(idFilters, key: IdFilterNode(level: 0, first: generation).key), let filter = BloomFilter(bytes: bytes) {
                    filters[IdFilterNode(level: 0, first: generation)] = filter
                } else {
                    report.report("the filter of sealed id generation \(generation) is missing or damaged")
                }
            }
            // Group filters are checked where they exist (a log written before them has none).
            for node in IdFilterNode.groups(completedBy: UInt64(sealed)) {
                guard let bytes = try txn.get(idFilters, key: node.key) else { continue }
                if let filter = BloomFilter(bytes: bytes) {
                    filters[node] = filter
                } else {
                    report.report("the filter of id generations \(node.first)..<\(node.end) is damaged")
                }
            }
            var chains: [String: CustomerState] = [:]
            var lastRecordedAt = Timestamp(microseconds: .min)
            var earliest = Timestamp(microseconds: .max), latest = Timestamp(microseconds: .min)
            var expected: UInt64 = 1
            var jsonApart: UInt64 = 0
            try txn.withCursor(events) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    defer { expected += 1 }
                    entry = try cursor.next()
                    guard let position = PositionKey.decode(current.key) else {
                        report.report("events table holds a key of \(current.key.count) bytes, not a position")
                        continue
                    }
                    if position != expected {
                        report.report("gap in positions: expected \(expected), found \(position)")
                        expected = position
                    }
                    report.eventsChecked += 1
                    if report.eventsChecked % 100_000 == 0 { progress?(report.eventsChecked, metadata.head) }
                    let identity: (header: RecordHeader, subject: String, source: String, id: String)
                    do {
                        let header = try RecordCodec.header(of: current.value)
                        let stored = try RecordCodec.decode(current.value, position: position, includingJSON: true, header: header)
                        identity = (header, stored.event.subject, stored.event.source, stored.event.id)
                        if stored.json.isEmpty {
                            jsonApart += 1
                            if let entry = try eventJSON.flatMap({ try txn.get($0, key: current.key) }) {
                                if RecordCodec.json(ofEntry: entry) == nil { report.report("position \(position): damaged JSON (checksum mismatch)") }
                            } else {
                                report.report("position \(position): its JSON is missing from event_json")
                            }
                        }
                    } catch {
                        report.report("position \(position): damaged record (\(error))")
                        continue
                    }
                    if identity.header.recordedAt < lastRecordedAt {
                        report.report("position \(position): recordedAt \(identity.header.recordedAt) is earlier than the event before it")
                    }
                    lastRecordedAt = identity.header.recordedAt
                    earliest = min(earliest, identity.header.time)
                    latest = max(latest, identity.header.time)
                    let key = IdempotencyKey(source: identity.source, id: identity.id)
                    checkIdIndex(txn, key, position: position, filters: filters, &report)
                    var chain = chains[identity.subject, default: CustomerState()]
                    if identity.header.previousOfCustomer != chain.lastPosition {
                        report.report("position \(position): links to \(identity.header.previousOfCustomer) as the previous event of \(identity.subject), which is \(chain.lastPosition)")
                    }
                    chain.lastPosition = position
                    chain.eventCount += 1
                    chains[identity.subject] = chain
                }
            }
            let lastPosition = expected - 1
            if lastPosition != metadata.head {
                report.report("head is recorded as \(metadata.head) but the last event is at \(lastPosition)")
            }
            let jsonEntries = try eventJSON.map { try txn.statistics($0).entries } ?? 0
            if UInt64(jsonEntries) != jsonApart {
                report.report("event_json holds \(jsonEntries) entries for \(jsonApart) events whose JSON is kept apart")
            }
            let idEntries = try txn.statistics(eventIds).entries
            if UInt64(idEntries) != report.eventsChecked {
                report.report("event_ids holds \(idEntries) entries for \(report.eventsChecked) events")
            }
            try checkCustomers(txn, chains, &report)
            report.customers = UInt64(chains.count)
            if report.eventsChecked > 0, earliest != metadata.earliestTime || latest != metadata.latestTime {
                report.report("recorded event-time range \(metadata.earliestTime)…\(metadata.latestTime) differs from the log's \(earliest)…\(latest)")
            }
            if report.eventsChecked > 0, lastRecordedAt != metadata.lastRecordedAt {
                report.report("recorded last recordedAt \(metadata.lastRecordedAt) differs from the last event's \(lastRecordedAt)")
            }
            progress?(report.eventsChecked, metadata.head)
            return report
        }
    }

    private func checkIdIndex(
        _ txn: Transaction, _ key: IdempotencyKey, position: UInt64, filters: [IdFilterNode: BloomFilter],
        _ report: inout VerificationReport
    ) {
        let generation = generation(of: position)
        do {
            guard let value = try txn.get(eventIds, key: key.indexKey(generation: generation)) else {
                report.report("position \(position): (source, id) missing from event_ids")
                return
            }
            if PositionKey.decode(value) != position {
                report.report("position \(position): event_ids points to position \(PositionKey.decode(value) ?? 0)")
            }
            var level: UInt8 = 0
            while true {
                let node = IdFilterNode(containing: generation, level: level)
                if level > 0 && filters[node] == nil { break }
                if let filter = filters[node], !filter.mayContain(key) {
                    report.report(level == 0
                        ? "position \(position): the filter of id generation \(generation) does not hold its key"
                        : "position \(position): the filter of id generations \(node.first)..<\(node.end) does not hold its key")
                }
                level += 1
            }
        } catch {
            report.report("position \(position): event_ids entry unreadable (\(error))")
        }
    }

    private func checkCustomers(_ txn: Transaction, _ chains: [String: CustomerState], _ report: inout VerificationReport) throws {
        var indexed = 0
        try txn.withCursor(customers) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                entry = try cursor.next()
                indexed += 1
                let subject = String(decoding: current.key, as: UTF8.self)
                guard let state = try? CustomerState(current.value) else {
                    report.report("customer \(subject): damaged index entry")
                    continue
                }
                guard let chain = chains[subject] else {
                    report.report("customer \(subject) is indexed but has no events")
                    continue
                }
                if state.lastPosition != chain.lastPosition || state.eventCount != chain.eventCount {
                    report.report("customer \(subject): index says last event \(state.lastPosition) of \(state.eventCount), the log says \(chain.lastPosition) of \(chain.eventCount)")
                }
            }
        }
        if indexed != chains.count {
            report.report("the customer index holds \(indexed) customers, the log \(chains.count)")
        }
    }
}
