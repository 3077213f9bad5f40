import Foundation
import Testing
import Touchlog

/// Appending batch after batch, each large batch is decided and folded into the views while the
/// one in front of it commits (`EventLog.append(_:partial:foldingAhead:)`). The views are the same
/// byte for byte as a rebuild's, and a fold ahead is used only when nothing else was written
/// between the two batches.
struct FoldAheadTests {
    /// Random batches: mostly large enough to fold beside their transaction, some small; the
    /// first two large.
    static func batches(of lines: [String], seed: UInt64) -> [[String]] {
        var rng = SeededRandom(seed: seed)
        var batches: [[String]] = []
        var start = 0
        while start < lines.count {
            // The first two large, so that some batch is folded ahead of the next.
            let small = batches.count >= 2 && Int.random(in: 0..<4, using: &rng) == 0
            let size = small ? Int.random(in: 1...60, using: &rng) : Int.random(in: 1_200...1_600, using: &rng)
            batches.append(Array(lines[start..<min(lines.count, start + size)]))
            start += size
        }
        return batches
    }

    static func prepare(_ batch: [String], for log: EventLog) throws -> EventLog.PreparedBatch {
        let decoder = EventDecoder()
        return try log.prepare(batch.map { .success(try decoder.decodeValid($0)) })
    }

    /// Appends `batches` in order, each naming the next to fold ahead (prepared in advance, as the
    /// ingest does); returns the results.
    @discardableResult
    static func appendFoldingAhead(_ batches: [[String]], to log: EventLog) throws -> [AppendResult] {
        let prepared = try batches.map { try prepare($0, for: log) }
        return try prepared.indices.map { index in
            try log.append(prepared[index]) { index + 1 < prepared.count ? prepared[index + 1] : nil }
        }
    }

    /// Every view's entries, then the same after a rebuild, compared byte for byte.
    static func expectViewsEqualARebuild(_ log: EventLog, _ comment: String) throws {
        let inline = try log.viewNames.map { try log.viewEntries($0) }
        try log.rebuild()
        for (index, view) in log.viewNames.enumerated() {
            let rebuilt = try log.viewEntries(view)
            let same = rebuilt.count == inline[index].count && zip(inline[index], rebuilt).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            #expect(same, "\(comment), \(view) view")
        }
    }

    /// Random batches with re-sends across them (a batch folded ahead re-sends events of the one
    /// in front, which that transaction has just stored): every large batch after a large one
    /// used its fold ahead, and the views equal a rebuild's and the reference profiles.
    @Test func batchesFoldedAheadGiveTheViewsOfARebuild() throws {
        let seed = testSeed()
        let (lines, distinct) = ProjectionTests.stream(seed: seed, count: 8_000, customers: 300)
        let expected = try ProjectionTests.reference(distinct)
        let batches = Self.batches(of: lines, seed: seed &+ 1)
        try withTemporaryLog { log, _ in
            let results = try Self.appendFoldingAhead(batches, to: log)
            #expect(results.allSatisfy { $0.isComplete }, "seed \(seed)")
            // A batch is folded beside its transaction, and so ahead, when it stores enough events.
            let large = results.map { $0.storedCount >= EventLog.backgroundFoldMinimum }
            let largePairs = zip(large, large.dropFirst()).filter { $0 && $1 }.count
            #expect(largePairs > 0 && log.foldsAheadUsed == largePairs, "seed \(seed): \(log.foldsAheadUsed) of \(largePairs) folds ahead used")
            for (customer, profile) in expected {
                #expect(try log.profile(of: customer) == profile, "seed \(seed), \(customer)")
            }
            try Self.expectViewsEqualARebuild(log, "seed \(seed)")
        }
    }

    /// Another write between the batch in front and the batch folded ahead (an append, or a
    /// rebuild that swaps the views' slots) makes the fold ahead stale: the batch is decided and
    /// folded again in its own transaction.
    @Test(arguments: ["append", "rebuild"])
    func aWriteBetweenTheBatchesDiscardsTheFoldAhead(between: String) throws {
        let (lines, distinct) = ProjectionTests.stream(seed: 21, count: 3_000, customers: 40)
        let (front, next, other) = (Array(lines[..<1_400]), Array(lines[1_400..<2_800]), Array(lines[2_800...]))
        try withTemporaryLog { log, _ in
            let prepared = try Self.prepare(next, for: log)
            #expect(try log.append(try Self.prepare(front, for: log)) { prepared }.isComplete)
            if between == "append" {
                let decoder = EventDecoder()
                #expect(try log.append(try other.map { try decoder.decodeValid($0) }).isComplete)
            } else {
                try log.rebuild()
            }
            #expect(try log.append(prepared).isComplete)
            #expect(log.foldsAheadUsed == 0)
            if between == "rebuild" {
                let decoder = EventDecoder()
                #expect(try log.append(try other.map { try decoder.decodeValid($0) }).isComplete)
            }
            for (customer, profile) in try ProjectionTests.reference(distinct) {
                #expect(try log.profile(of: customer) == profile, "\(between) between: \(customer)")
            }
            try Self.expectViewsEqualARebuild(log, "\(between) between")
        }
    }

    /// A next batch with an event that conflicts with one the batch in front stores is not folded
    /// ahead: its own append rejects it whole (all-or-nothing), and the views hold the front only.
    @Test func aNextBatchWithAConflictIsNotFoldedAhead() throws {
        let (lines, _) = ProjectionTests.stream(seed: 22, count: 2_800, customers: 40)
        let front = Array(lines[..<1_400])
        // The front's first event again, with the same id and another time.
        let conflicting = front[0].replacingOccurrences(of: "\"time\":\"2025-", with: "\"time\":\"2024-")
        #expect(conflicting != front[0])
        let next = Array(lines[1_400...]) + [conflicting]
        try withTemporaryLog { log, _ in
            let results = try Self.appendFoldingAhead([front, next], to: log)
            #expect(results[0].isComplete)
            #expect(results[1].rejections.count == 1 && !results[1].outcomes.contains { if case .stored = $0 { true } else { false } })
            #expect(log.foldsAheadUsed == 0)
            try Self.expectViewsEqualARebuild(log, "after the rejected batch")
            var seen = Set<String>()
            for (customer, profile) in try ProjectionTests.reference(front.filter { seen.insert($0).inserted }) {
                #expect(try log.profile(of: customer) == profile, "\(customer)")
            }
        }
    }

    /// A map so small that the transactions fill it and run again while the next batch is folded
    /// ahead (growing the map waits for the folds' snapshots): the views still equal a rebuild's.
    @Test func foldsAheadSurviveMapGrowth() throws {
        let seed = testSeed()
        let (lines, distinct) = ProjectionTests.stream(seed: seed, count: 6_000, customers: 2_000)
        try withTemporaryDirectory { directory in
            var options = EventLog.Options(create: true, durable: false)
            options.initialMapSize = 64 << 10
            let log = try EventLog(path: directory + "/m.db", options: options)
            let results = try Self.appendFoldingAhead(Self.batches(of: lines, seed: seed &+ 1), to: log)
            #expect(results.allSatisfy { $0.isComplete }, "seed \(seed)")
            #expect(log.foldsAheadUsed > 0, "seed \(seed)")
            #expect(try log.statistics().mapSize >= 4 << 20, "seed \(seed): the map did not grow")
            for (customer, profile) in try ProjectionTests.reference(distinct) {
                #expect(try log.profile(of: customer) == profile, "seed \(seed), \(customer)")
            }
            try Self.expectViewsEqualARebuild(log, "seed \(seed)")
            #expect(try log.verify().isClean)
        }
    }

    /// The ingest hands each batch the next one to fold ahead, when the decoder has handed it over
    /// by then (so how many are folded ahead depends on the threads' timing; in a benchmark run,
    /// every batch after the first): the views equal a rebuild's either way.
    @Test func anIngestFoldingBatchesAheadGivesTheViewsOfARebuild() throws {
        let seed = testSeed()
        let (lines, distinct) = ProjectionTests.stream(seed: seed, count: 6_000, customers: 300)
        try withTemporaryDirectory { directory in
            let log = try EventLog(path: directory + "/i.db", options: .init(create: true, durable: false))
            let summary = try IngestorTests.ingest(lines, into: log, batchSize: 1_200, scratch: directory) { _, _ in }
            #expect(summary.stored == distinct.count, "seed \(seed)")
            for (customer, profile) in try ProjectionTests.reference(distinct) {
                #expect(try log.profile(of: customer) == profile, "seed \(seed), \(customer)")
            }
            try Self.expectViewsEqualARebuild(log, "seed \(seed)")
        }
    }
}
