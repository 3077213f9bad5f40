import Foundation
import Testing
import Touchlog

struct EventLogTests {
    let decoder = EventDecoder()

    func decode(_ lines: [String]) throws -> [DecodedEvent] {
        try lines.enumerated().map { try decoder.decodeValid($1, location: "event \($0 + 1)") }
    }

    @Test func appendsWithGaplessPositionsAndNonDecreasingRecordedAt() throws {
        try withTemporaryLog { log, _ in
            var positions: [UInt64] = []
            for batch in 0..<5 {
                let lines = (0..<7).map { TestEvents.purchase(id: "b\(batch)-\($0)", subject: "c\($0 % 3)", time: "2025-01-0\($0 + 1)T10:00:00Z") }
                let result = try log.append(try decode(lines))
                #expect(result.isComplete)
                positions += result.outcomes.compactMap { if case .stored(let p) = $0 { p } else { nil } }
            }
            #expect(positions == Array(1...35))
            let stored = try log.events(limit: 100)
            #expect(stored.map(\.position) == Array(1...35))
            #expect(zip(stored, stored.dropFirst()).allSatisfy { $0.recordedAt <= $1.recordedAt })
            #expect(try log.head() == 35)
            let stats = try log.statistics()
            #expect(stats.events == 35 && stats.customers == 3)
            #expect(stats.earliestEventTime == Timestamp(rfc3339: "2025-01-01T10:00:00Z"))
            #expect(stats.latestEventTime == Timestamp(rfc3339: "2025-01-07T10:00:00Z"))
        }
    }

    @Test func identicalResendIsAcknowledgedAndConflictIsRejectedAcrossRestarts() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/log.db"
            let original = TestEvents.purchase(id: "e1", subject: "c1", time: "2025-01-01T10:00:00Z", amount: 12)
            do {
                let log = try EventLog(path: path, options: .init(create: true))
                #expect(try log.append(try decode([original])).outcomes == [.stored(1)])
            }
            let log = try EventLog(path: path)
            // Same content with other key order and spacing is the same event.
            let reordered = #"{ "data": {"currency":"EUR","amount":12.0,"orderId":"o-e1","channel":"online"}, "time":"2025-01-01T10:00:00Z","subject":"c1","type":"touch.purchase","source":"test/pos","id":"e1","specversion":"1.0"}"#
            #expect(try log.append(try decode([reordered])).outcomes == [.duplicate(1)])
            let conflicting = TestEvents.purchase(id: "e1", subject: "c1", time: "2025-01-01T10:00:00Z", amount: 13)
            let result = try log.append(try decode([conflicting, TestEvents.purchase(id: "e2", subject: "c1", time: "2025-01-02T10:00:00Z")]))
            guard case .rejected(let rejection) = result.outcomes[0] else {
                Issue.record("expected a conflict, got \(result.outcomes[0])")
                return
            }
            #expect(rejection.conflictingPosition == 1 && rejection.failure.path == "id")
            #expect(result.outcomes[1] == .notStored)
            #expect(try log.head() == 1)
            // The same id under another source is another event.
            let otherSource = TestEvents.purchase(id: "e1", subject: "c1", time: "2025-01-01T10:00:00Z", source: "other")
            #expect(try log.append(try decode([otherSource])).outcomes == [.stored(2)])
            #expect(try log.position(source: "other", id: "e1") == 2)
            #expect(try log.position(source: "test/pos", id: "e1") == 1)
            #expect(try log.position(source: "nope", id: "e1") == nil)
        }
    }

    @Test func duplicatesInsideOneBatchAreStoredOnce() throws {
        try withTemporaryLog { log, _ in
            let line = TestEvents.survey(id: "s1", subject: "c1", time: "2025-01-01T10:00:00Z", score: 9)
            let result = try log.append(try decode([line, line]))
            #expect(result.outcomes == [.stored(1), .duplicate(1)])
        }
    }

    @Test func batchIsAllOrNothingUnlessPartial() throws {
        try withTemporaryLog { log, _ in
            let good = try decoder.decodeValid(TestEvents.purchase(id: "g1", subject: "c1", time: "2025-01-01T10:00:00Z"))
            let bad = EventRejection(location: "line 2", id: "b1", failure: ValidationFailure(path: "data.score", rule: "must be from 0 to 10"))
            let strict = try log.append([.success(good), .failure(bad)])
            #expect(strict.outcomes == [.notStored, .rejected(bad)])
            #expect(try log.head() == 0)
            let partial = try log.append([.success(good), .failure(bad)], partial: true)
            #expect(partial.outcomes == [.stored(1), .rejected(bad)])
            #expect(try log.head() == 1)
        }
    }

    @Test func readsForwardBackwardAndByCustomer() throws {
        try withTemporaryLog { log, _ in
            let lines = (1...20).map { TestEvents.purchase(id: "e\($0)", subject: "c\($0 % 4)", time: "2025-02-01T10:00:00Z") }
            _ = try log.append(try decode(lines))
            #expect(try log.events(after: 5, limit: 3).map(\.position) == [6, 7, 8])
            #expect(try log.events(after: 0, direction: .backward, limit: 3).map(\.position) == [20, 19, 18])
            #expect(try log.events(after: 5, direction: .backward, limit: 10).map(\.position) == [4, 3, 2, 1])
            #expect(try log.events(after: 20).isEmpty)
            #expect(try log.events(ofCustomer: "c1").map(\.position) == [1, 5, 9, 13, 17])
            #expect(try log.events(ofCustomer: "c1", after: 5, limit: 2).map(\.position) == [9, 13])
            #expect(try log.events(ofCustomer: "nobody").isEmpty)
            let first = try #require(try log.event(at: 1))
            #expect(first.event.id == "e1" && first.jsonText == lines[0])
            #expect(try log.event(at: 99) == nil)
        }
    }

    @Test func storedEventsDecodeToWhatWasValidated() throws {
        try withTemporaryLog { log, _ in
            var rng = SeededRandom(seed: 7)
            let lines = (0..<300).map { TestEvents.random(index: $0, customers: 20, using: &rng) }
            let decoded = try decode(lines)
            _ = try log.append(decoded)
            let stored = try log.events(limit: 1000)
            #expect(stored.map(\.event) == decoded.map(\.event))
            #expect(stored.map(\.json) == decoded.map(\.json))
        }
    }

    @Test func verifyIsCleanAndMapGrows() throws {
        try withTemporaryDirectory { directory in
            var options = EventLog.Options(create: true, durable: false)
            options.initialMapSize = 1 << 20
            let log = try EventLog(path: directory + "/log.db", options: options)
            var rng = SeededRandom(seed: 11)
            for batch in 0..<10 {
                let lines = (0..<1000).map { TestEvents.random(index: batch * 1000 + $0, customers: 300, using: &rng) }
                #expect(try log.append(try decode(lines)).isComplete)
            }
            let stats = try log.statistics()
            #expect(stats.events == 10_000)
            #expect(stats.mapSize > 1 << 20)
            let report = try log.verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.eventsChecked == 10_000 && report.customers == stats.customers)
        }
    }

    @Test func readOnlyOpenWorksWhileAWriterAppends() throws {
        try withTemporaryLog { writer, path in
            let reader = try EventLog(path: path, options: .init(readOnly: true))
            #expect(try reader.head() == 0)
            _ = try writer.append(try decode([TestEvents.purchase(id: "e1", subject: "c1", time: "2025-01-01T00:00:00Z")]))
            #expect(try reader.head() == 1)
            #expect(try reader.events(ofCustomer: "c1").count == 1)
        }
    }

    @Test func missingDatabaseIsAClearError() throws {
        try withTemporaryDirectory { directory in
            do {
                _ = try EventLog(path: directory + "/none.db")
                Issue.record("opened a database that does not exist")
            } catch let error as TouchlogError {
                #expect(error.code == .databaseMissing)
                #expect(error.message.contains("touchlog init"))
            }
        }
    }

    @Test func futureEventsBeyondTheSkewAreRejected() throws {
        let now = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
        let decoder = EventDecoder(maxFutureSkew: 60)
        let soon = TestEvents.purchase(id: "e1", subject: "c1", time: "2026-01-01T00:00:59Z")
        let late = TestEvents.purchase(id: "e2", subject: "c1", time: "2026-01-01T00:01:01Z")
        #expect(throws: Never.self) { try decoder.decode(Array(soon.utf8), location: "line 1", now: now) }
        #expect(throws: EventRejection.self) { try decoder.decode(Array(late.utf8), location: "line 2", now: now) }
    }

    @Test func rejectionsNameTheLineIdPathAndRule() throws {
        let cases: [(String, String, String)] = [
            ("{not json", "", "malformed JSON"),
            (TestEvents.survey(id: "s1", subject: "c1", time: "2025-01-01T00:00:00Z", score: 11), "data.score", "from 0 to 10"),
            (#"{"specversion":"1.0","id":"x","source":"s","type":"touch.unknown","subject":"c","time":"2025-01-01T00:00:00Z","data":{}}"#, "type", "unknown type"),
            (#"{"specversion":"1.0","id":"x","source":"s","type":"touch.visit","subject":"c","time":"2025-01-01T00:00:00Z","data":{"channel":7}}"#, "data.channel", "must be one of"),
            (#"{"specversion":"1.0","id":"x","source":"s","type":"touch.visit","subject":"c","data":{"channel":"web"}}"#, "time", "required"),
        ]
        for (line, path, rule) in cases {
            do {
                _ = try decoder.decode(Array(line.utf8), location: "line 3", now: .now)
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.failure.path == path)
                #expect(error.failure.rule.contains(rule), "\(error)")
                #expect(error.description.hasPrefix("line 3"))
            }
        }
        let invalidUTF8: [UInt8] = Array(#"{"id":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: EventRejection.self) { try decoder.decode(invalidUTF8, location: "line 4", now: .now) }
        let huge = Array(repeating: UInt8(ascii: " "), count: 70_000)
        do {
            _ = try decoder.decode(huge, location: "line 5", now: .now)
        } catch {
            #expect(error.failure.rule.contains("over the limit of 65536 bytes"))
        }
    }
}

/// The idempotency index across many sealed generations (tiny generations make every path run):
/// re-sends of old events are found through the generation filters, conflicts too, and a random
/// stream appended in random batches holds each (source, id) exactly once.
struct IdempotencyGenerationTests {
    /// A new, non-durable log's options with id generations of `size` events.
    static func options(generationSize size: UInt32) -> EventLog.Options {
        var options = EventLog.Options(create: true, durable: false)
        options.idGenerationSize = size
        return options
    }

    /// `lines` cut into batches of 1 to `maxBatch`, in order, each with up to 3 re-sends of lines
    /// sent before (from any earlier batch) at random places.
    static func batchesWithResends(_ lines: [String], maxBatch: Int, using rng: inout SeededRandom) -> [[String]] {
        var batches: [[String]] = [], sent: [String] = []
        var cursor = 0
        while cursor < lines.count {
            let size = Int.random(in: 1...maxBatch, using: &rng)
            var batch = Array(lines[cursor..<min(cursor + size, lines.count)])
            cursor += size
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !sent.isEmpty {
                batch.insert(sent.randomElement(using: &rng)!, at: Int.random(in: 0...batch.count, using: &rng))
            }
            sent += batch
            batches.append(batch)
        }
        return batches
    }

    @Test func resendsAndConflictsAreFoundInSealedGenerations() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        try withTemporaryDirectory { directory in
            let options = Self.options(generationSize: 50)
            let log = try EventLog(path: directory + "/log.db", options: options)
            let decoder = EventDecoder()
            let lines = (0..<1200).map { TestEvents.random(index: $0, customers: 40, using: &rng) }
            // Re-sends of earlier events, from any generation, among the new ones.
            for batch in Self.batchesWithResends(lines, maxBatch: 90, using: &rng) {
                let result = try log.append(try batch.map { try decoder.decodeValid($0) })
                #expect(result.isComplete, "seed \(seed)")
            }
            #expect(try log.head() == 1200, "seed \(seed)")
            let report = try log.verify()
            #expect(report.isClean, "seed \(seed): \(report.problems.prefix(3))")
            for (index, _) in lines.enumerated() where index % 37 == 0 {
                #expect(try log.position(source: "test/random", id: "r-\(index)") == UInt64(index + 1))
            }
            // A different event under an old key is a conflict, not a new event.
            let conflicting = lines[3].replacingOccurrences(of: "\"time\":\"2025-", with: "\"time\":\"2024-")
            let result = try log.append([try decoder.decodeValid(conflicting)])
            guard case .rejected(let rejection) = result.outcomes[0] else {
                Issue.record("seed \(seed): expected a conflict, got \(result.outcomes[0])")
                return
            }
            #expect(rejection.conflictingPosition == 4)
            // Reopening keeps it all (filters are read back from disk).
            let reopened = try EventLog(path: directory + "/log.db")
            #expect(try reopened.append([try decoder.decodeValid(lines[10])]).outcomes == [.duplicate(11)])
            #expect(try reopened.position(source: "test/random", id: "r-1199") == 1200)
        }
    }

    /// Batches prepared outside the write transaction (`prepare`), each while the one before it is
    /// appended, as ingest does, get the outcomes plain appends get: the same random stream with
    /// re-sends and conflicts, in the same random batches, gives the same outcomes and positions.
    @Test func preparedBatchesGetThePlainAppendsOutcomes() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        try withTemporaryDirectory { directory in
            let options = Self.options(generationSize: 32)
            let plain = try EventLog(path: directory + "/plain.db", options: options)
            let prepared = try EventLog(path: directory + "/prepared.db", options: options)
            let decoder = EventDecoder()
            let lines = (0..<900).map { TestEvents.random(index: $0, customers: 30, using: &rng) }
            var batches: [[Result<DecodedEvent, EventRejection>]] = []
            var cursor = 0, sent: [String] = []
            while cursor < lines.count {
                let size = Int.random(in: 1...70, using: &rng)
                var batch = Array(lines[cursor..<min(cursor + size, lines.count)])
                cursor += size
                for _ in 0..<Int.random(in: 0...3, using: &rng) where !sent.isEmpty {
                    let old = sent.randomElement(using: &rng)!
                    // A re-send, or a conflict (another time under the same id).
                    batch.append(Bool.random(using: &rng) ? old : old.replacingOccurrences(of: "\"time\":\"2025-", with: "\"time\":\"2024-"))
                }
                sent += batch
                batches.append(try batch.map { .success(try decoder.decodeValid($0)) })
            }
            var next = try prepared.prepare(batches[0])
            for (index, batch) in batches.enumerated() {
                let expected = try plain.append(batch, partial: true)
                // The next batch is looked up before this one is written, as `Ingestor` does.
                let current = next
                if index + 1 < batches.count { next = try prepared.prepare(batches[index + 1]) }
                let result = try prepared.append(current, partial: true)
                #expect(result.outcomes == expected.outcomes && result.head == expected.head, "seed \(seed), batch \(index)")
            }
            #expect(try prepared.verify().isClean, "seed \(seed)")
        }
    }

    /// Ingest of the log alone looks each batch up while the one before is written; it stores,
    /// acknowledges and rejects exactly what ingest with inline views (which looks up inside the
    /// transaction) does, re-sends and conflicts across tiny generations included.
    @Test func ingestOfTheLogAloneGetsTheOutcomesOfIngestWithViews() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        let lines = (0..<700).map { TestEvents.random(index: $0, customers: 25, using: &rng) }
        var input: [String] = []
        for line in lines {
            input.append(line)
            if Int.random(in: 0..<10, using: &rng) == 0, let old = input.randomElement(using: &rng) {
                input.append(Bool.random(using: &rng) ? old : old.replacingOccurrences(of: "\"time\":\"2025-", with: "\"time\":\"2024-"))
            }
        }
        try withTemporaryDirectory { directory in
            let file = directory + "/in.ndjson"
            try input.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            var summaries: [Ingestor.Summary] = []
            for inline in [true, false] {
                var options = Self.options(generationSize: 16)
                options.inlineViews = inline
                let log = try EventLog(path: directory + "/\(inline).db", options: options)
                let descriptor = open(file, O_RDONLY)
                defer { close(descriptor) }
                summaries.append(try Ingestor(log: log, options: .init(batchSize: 23, partial: true)).ingest(from: LineReader(fileDescriptor: descriptor)))
                #expect(try log.verify().isClean, "seed \(seed)")
            }
            #expect(summaries[0].stored == 700 && summaries[0].duplicates + summaries[0].rejected == input.count - 700, "seed \(seed)")
            #expect(summaries[1].stored == summaries[0].stored && summaries[1].duplicates == summaries[0].duplicates, "seed \(seed)")
            #expect(summaries[1].rejected == summaries[0].rejected && summaries[1].head == summaries[0].head, "seed \(seed)")
        }
    }

    /// A batch prepared before its re-sends' generations were sealed still finds them: the append
    /// searches the generations sealed since `prepare`.
    @Test func aBatchPreparedBeforeGenerationsSealFindsItsResends() throws {
        try withTemporaryDirectory { directory in
            let options = Self.options(generationSize: 8)
            let log = try EventLog(path: directory + "/log.db", options: options)
            let decoder = EventDecoder()
            let events = (0..<30).map { TestEvents.purchase(id: "e\($0)", subject: "c\($0 % 4)", time: "2025-01-01T10:00:\(10 + $0)Z") }
            _ = try log.append(try events[0..<5].map { try decoder.decodeValid($0) })  // generation 0, open
            let conflict = events[4].replacingOccurrences(of: "2025-", with: "2024-")
            let batch = try log.prepare([events[2], conflict, events[29]].map { .success(try decoder.decodeValid($0)) })
            _ = try log.append(try events[5..<20].map { try decoder.decodeValid($0) })  // seals generations 0 and 1
            let result = try log.append(batch, partial: true)
            #expect(result.outcomes[0] == .duplicate(3))
            guard case .rejected(let rejection) = result.outcomes[1] else {
                Issue.record("expected a conflict, got \(result.outcomes[1])")
                return
            }
            #expect(rejection.conflictingPosition == 5)
            #expect(result.outcomes[2] == .stored(21))
        }
    }

    /// What one log's `prepare` found is not trusted by another log: it searches everything.
    @Test func aBatchPreparedByAnotherLogIsLookedUpAgain() throws {
        try withTemporaryDirectory { directory in
            let options = Self.options(generationSize: 4)
            let (a, b) = (try EventLog(path: directory + "/a.db", options: options), try EventLog(path: directory + "/b.db", options: options))
            let decoder = EventDecoder()
            let events = (0..<12).map { TestEvents.purchase(id: "e\($0)", subject: "c1", time: "2025-01-01T10:00:\(10 + $0)Z") }
            _ = try a.append(try events.map { try decoder.decodeValid($0) })  // e9 at 10, in sealed generation 2
            _ = try b.append(try ([events[9]] + events[0..<9] + events[10...]).map { try decoder.decodeValid($0) })  // e9 at 1
            let prepared = try a.prepare([.success(try decoder.decodeValid(events[9]))])
            #expect(try b.append(prepared).outcomes == [.duplicate(1)])
        }
    }

    @Test func customerHistoriesMatchAFilterOfTheLog() throws {
        try withTemporaryLog { log, _ in
            var rng = SeededRandom(seed: 3)
            let decoder = EventDecoder()
            let lines = (0..<800).map { TestEvents.random(index: $0, customers: 25, using: &rng) }
            for start in stride(from: 0, to: lines.count, by: 64) {
                _ = try log.append(try lines[start..<min(start + 64, lines.count)].map { try decoder.decodeValid($0) })
            }
            let all = try log.events(limit: 10_000)
            for customer in (1...25).map({ "cust-\($0)" }) {
                let expected = all.filter { $0.event.subject == customer }.map(\.position)
                #expect(try log.events(ofCustomer: customer, limit: 10_000).map(\.position) == expected)
                #expect(try log.eventCount(ofCustomer: customer) == UInt64(expected.count))
                if expected.count > 3 {
                    #expect(try log.events(ofCustomer: customer, after: expected[1], limit: 2).map(\.position) == Array(expected[2...3]))
                }
            }
        }
    }
}
