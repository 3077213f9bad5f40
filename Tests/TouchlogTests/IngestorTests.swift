import Foundation
import Testing
import Touchlog

/// `Ingestor`: batches are decoded ahead of the writer (up to two handed to it at once), yet
/// outcomes come in input order, all-or-nothing stops storing at the first rejected batch, and
/// nothing is written once an ingest has thrown.
struct IngestorTests {
    /// A rejected line, or a conflict only the log can see (an id stored earlier with other
    /// content), in a random batch: the batches before it are stored, it and every later one are
    /// not (though the writer already held the next one), and all of them are reported in order.
    @Test func allOrNothingStopsAtTheFirstRejectedBatch() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        for round in 0..<6 {
            let batchSize = Int.random(in: 1...9, using: &rng)
            let batches = Int.random(in: 3...12, using: &rng)
            let bad = Int.random(in: 0..<batches, using: &rng)
            let conflict = bad > 0 && Bool.random(using: &rng)
            let badLine = bad * batchSize + Int.random(in: 0..<batchSize, using: &rng)
            var lines: [String] = []
            for index in 0..<(batches * batchSize) {
                if index == badLine {
                    // Same id as the first event (stored in batch 0), other content: the log rejects it.
                    lines.append(conflict ? Self.event(0).replacingOccurrences(of: "2025-", with: "2024-") : "{not json")
                } else {
                    lines.append(Self.event(index))
                }
            }
            try withTemporaryLog { log, directory in
                var reports: [(lines: ClosedRange<Int>, committed: Bool, stored: Int)] = []
                let summary = try Self.ingest(lines, into: log, batchSize: batchSize, scratch: directory) { batch, _ in
                    reports.append((batch.lines, batch.committed, batch.stored))
                }
                let context = "seed \(seed) (TOUCHLOG_TEST_SEED=\(seed)), round \(round): batch \(bad) of \(batches) × \(batchSize), \(conflict ? "conflict" : "bad line")"
                #expect(reports.map(\.lines) == (0..<batches).map { ($0 * batchSize + 1)...(($0 + 1) * batchSize) }, "\(context): batches reported out of order")
                #expect(reports.map(\.committed) == (0..<batches).map { $0 < bad }, "\(context)")
                #expect(reports.map(\.stored) == (0..<batches).map { $0 < bad ? batchSize : 0 }, "\(context)")
                #expect(summary.stopped && summary.rejected == 1 && summary.stored == bad * batchSize, "\(context)")
                #expect(summary.lastCommittedLine == bad * batchSize, "\(context)")
                #expect(try log.head() == UInt64(bad * batchSize), "\(context): batches after the rejected one were stored")
                #expect(try log.verify().isClean, "\(context)")
            }
        }
    }

    /// When the caller's batch callback throws, the ingest throws that error, and once it has
    /// returned nothing more is written: what is stored is the batches reported so far and at most
    /// the one the writer had already begun; a later append starts from there.
    @Test func aThrowingCallbackStopsTheWriter() throws {
        struct Stop: Error {}
        let lines = (0..<400).map(Self.event)
        for stopAfter in [1, 3, 7] {
            try withTemporaryLog { log, directory in
                var reported = 0
                #expect(throws: Stop.self) {
                    _ = try Self.ingest(lines, into: log, batchSize: 20, scratch: directory) { _, _ in
                        reported += 1
                        if reported == stopAfter { throw Stop() }
                    }
                }
                let head = try log.head()
                #expect(head == UInt64(stopAfter * 20) || head == UInt64((stopAfter + 1) * 20), "stopped after \(stopAfter) batches, head \(head)")
                Thread.sleep(forTimeInterval: 0.05)
                #expect(try log.head() == head, "the writer went on after the ingest threw")
                let summary = try Self.ingest(lines, into: log, batchSize: 20, scratch: directory) { _, _ in }
                #expect(summary.stored == 400 - Int(head) && summary.duplicates == Int(head))
                #expect(try log.verify().isClean)
            }
        }
    }

    // MARK: Helpers

    static func event(_ index: Int) -> String {
        TestEvents.purchase(id: "e\(index)", subject: "c\(index % 5)", time: "2025-03-01T10:00:00Z", amount: Double(index % 50))
    }

    static func ingest(
        _ lines: [String], into log: EventLog, batchSize: Int, scratch directory: String,
        onBatch: (Ingestor.Batch, Ingestor.Summary) throws -> Void
    ) throws -> Ingestor.Summary {
        let file = directory + "/in-\(UUID().uuidString).ndjson"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let descriptor = open(file, O_RDONLY)
        defer { close(descriptor) }
        return try Ingestor(log: log, options: .init(batchSize: batchSize)).ingest(from: LineReader(fileDescriptor: descriptor), onBatch: onBatch)
    }
}
