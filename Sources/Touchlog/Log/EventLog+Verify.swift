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
    /// backwards, index entries missing or pointing elsewhere, and totals that do not add up.
    ///
    /// - Parameter progress: called now and then with the events checked so far and the head.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws(TouchlogError) -> VerificationReport {
        try withSnapshot("verifying the log") { txn in
            var report = VerificationReport()
            let metadata = try readMetadata(txn)
            var lastRecordedAt = Timestamp(microseconds: .min)
            var earliest = Timestamp(microseconds: .max), latest = Timestamp(microseconds: .min)
            var expected: UInt64 = 1
            try txn.withCursor(events) { cursor in
                try txn.withCursor(customerEvents) { customerCursor in
                    var entry = try cursor.first()
                    while let current = entry {
                        defer { expected += 1 }
                        guard let position = PositionKey.decode(current.key) else {
                            report.report("events table holds a key of \(current.key.count) bytes, not a position")
                            entry = try cursor.next()
                            continue
                        }
                        if position != expected {
                            report.report("gap in positions: expected \(expected), found \(position)")
                            expected = position
                        }
                        report.eventsChecked += 1
                        if report.eventsChecked % 100_000 == 0 { progress?(report.eventsChecked, metadata.head) }
                        let stored: StoredEvent
                        do {
                            stored = try RecordCodec.decode(current.value, position: position)
                        } catch {
                            report.report("position \(position): damaged record (\(error))")
                            entry = try cursor.next()
                            continue
                        }
                        if stored.recordedAt < lastRecordedAt {
                            report.report("position \(position): recordedAt \(stored.recordedAt) is earlier than the event before it")
                        }
                        lastRecordedAt = stored.recordedAt
                        earliest = min(earliest, stored.event.time)
                        latest = max(latest, stored.event.time)
                        checkIdIndex(txn, stored, &report)
                        let subject = Array(stored.event.subject.utf8)
                        let found = try subject.withUnsafeBytes { try customerCursor.seek($0, valueAtOrAfter: current.key) }
                        if found.map({ Array($0.value) != Array(current.key) }) ?? true {
                            report.report("position \(position): missing from the customer index of \(stored.event.subject)")
                        }
                        entry = try cursor.next()
                    }
                }
            }
            let lastPosition = expected - 1
            if lastPosition != metadata.head {
                report.report("head is recorded as \(metadata.head) but the last event is at \(lastPosition)")
            }
            let idEntries = try txn.statistics(eventIds).entries
            if UInt64(idEntries) != report.eventsChecked {
                report.report("event_ids holds \(idEntries) entries for \(report.eventsChecked) events")
            }
            let customerEntries = try txn.statistics(customerEvents).entries
            if UInt64(customerEntries) != report.eventsChecked {
                report.report("customer_events holds \(customerEntries) entries for \(report.eventsChecked) events")
            }
            report.customers = try countKeys(txn, customerEvents)
            if report.customers != metadata.customers {
                report.report("\(metadata.customers) customers recorded but the customer index holds \(report.customers)")
            }
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

    private func checkIdIndex(_ txn: Transaction, _ stored: StoredEvent, _ report: inout VerificationReport) {
        let key = IdempotencyKey.of(source: stored.event.source, id: stored.event.id)
        do {
            guard let value = try txn.get(eventIds, key: key) else {
                report.report("position \(stored.position): (source, id) missing from event_ids")
                return
            }
            var reader = ByteReader(value)
            let position: UInt64 = try reader.read()
            if position != stored.position {
                report.report("position \(stored.position): event_ids points to position \(position)")
            }
        } catch {
            report.report("position \(stored.position): event_ids entry unreadable (\(error))")
        }
    }

    private func countKeys(_ txn: Transaction, _ database: Database) throws -> UInt64 {
        try txn.withCursor(database) { cursor in
            var count: UInt64 = 0
            var entry = try cursor.first()
            while entry != nil {
                count += 1
                entry = try cursor.nextKey()
            }
            return count
        }
    }
}
