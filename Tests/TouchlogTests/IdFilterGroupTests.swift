import Foundation
import LMDB
import Testing
import Touchlog

/// Groups of sealed id generations get one Bloom filter each (16 generations, then 16 groups), so
/// that a lookup probes about 16 filters per level instead of one per generation. Tiny generations
/// make every level appear in a few hundred events.
struct IdFilterGroupTests {
    /// The number of entries in `id_filters`: one per sealed generation and one per full group.
    static func filterEntries(_ path: String) throws -> Int {
        let environment = try Environment(path: path)
        let filters = try #require(try environment.openDatabase("id_filters"))
        return try environment.read { txn in Int(try txn.statistics(filters).entries) }
    }

    /// Removes the group filters (5-byte keys), as a log written before them has none.
    static func removeGroupFilters(_ path: String) throws {
        let environment = try Environment(path: path)
        let filters = try #require(try environment.openDatabase("id_filters"))
        try environment.write { txn in
            var groups: [[UInt8]] = []
            try txn.withCursor(filters) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    if current.key.count == 5 { groups.append(Array(current.key)) }
                    entry = try cursor.next()
                }
            }
            for key in groups { _ = try key.withUnsafeBytes { try txn.delete(filters, key: $0) } }
        }
    }

    /// 700 events in generations of 2: 350 sealed generations, 21 groups of 16 and one of 256.
    /// Every event is found where it was stored, re-sends and conflicts in any generation among
    /// them, in random batches.
    @Test func everyKeyIsFoundThroughTheGroupsAndNewKeysAreNot() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        try withTemporaryDirectory { directory in
            let path = directory + "/log.db"
            try Self.appendResendAndLookUp(path: path, seed: seed, using: &rng)
            #expect(try Self.filterEntries(path) == 350 + 21 + 1)  // the log is closed now
        }
    }

    private static func appendResendAndLookUp(path: String, seed: UInt64, using rng: inout SeededRandom) throws {
        let log = try EventLog(path: path, options: IdempotencyGenerationTests.options(generationSize: 2))
        let decoder = EventDecoder()
        let lines = (0..<700).map { TestEvents.random(index: $0, customers: 20, using: &rng) }
        for batch in IdempotencyGenerationTests.batchesWithResends(lines, maxBatch: 40, using: &rng) {
            #expect(try log.append(try batch.map { try decoder.decodeValid($0) }).isComplete, "seed \(seed)")
        }
        #expect(try log.head() == 700, "seed \(seed)")
        let report = try log.verify()
        #expect(report.isClean, "seed \(seed): \(report.problems.prefix(3))")
        for index in lines.indices {
            #expect(try log.position(source: "test/random", id: "r-\(index)") == UInt64(index + 1), "seed \(seed)")
        }
        #expect(try log.position(source: "test/random", id: "r-700") == nil)
        // All of it again, shuffled: every event a duplicate of its first position.
        let order = lines.indices.shuffled(using: &rng)
        let again = try log.append(try order.map { try decoder.decodeValid(lines[$0]) })
        #expect(again.outcomes == order.map { .duplicate(UInt64($0 + 1)) }, "seed \(seed)")
        // Another event under an old id, in the first group of 256: a conflict.
        let conflicting = lines[5].replacingOccurrences(of: "\"time\":\"2025-", with: "\"time\":\"2024-")
        guard case .rejected(let rejection) = try log.append([try decoder.decodeValid(conflicting)]).outcomes[0] else {
            Issue.record("seed \(seed): expected a conflict")
            return
        }
        #expect(rejection.conflictingPosition == 6)
    }

    /// A log written before group filters finds its events through the generations' own filters,
    /// verifies clean, and gets its groups when its next append seals a generation.
    @Test func aLogWithoutGroupFiltersGetsThemWhenAGenerationSeals() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/log.db"
            let options = IdempotencyGenerationTests.options(generationSize: 2)
            let decoder = EventDecoder()
            var rng = SeededRandom(seed: 5)
            let lines = (0..<103).map { TestEvents.random(index: $0, customers: 9, using: &rng) }
            _ = try EventLog(path: path, options: options).append(try lines[..<101].map { try decoder.decodeValid($0) })
            #expect(try Self.filterEntries(path) == 50 + 3)
            try Self.removeGroupFilters(path)
            #expect(try Self.filterEntries(path) == 50)

            // A raw environment must not be open beside the log in one process: the log is closed
            // before the count below.
            try {
                let log = try EventLog(path: path, options: options)
                #expect(try log.verify().isClean)
                for index in [0, 17, 31, 48, 63, 99, 100] {
                    #expect(try log.position(source: "test/random", id: "r-\(index)") == UInt64(index + 1))
                }
                #expect(try log.append([try decoder.decodeValid(lines[40])]).outcomes == [.duplicate(41)])
                _ = try log.append(try lines[101...].map { try decoder.decodeValid($0) })  // seals generation 50
                #expect(try log.verify().isClean)
            }()
            #expect(try Self.filterEntries(path) == 51 + 3)
        }
    }

    /// `verify` reads the group filters too: one that misses its generations' keys is reported.
    @Test func verifyReportsAGroupFilterThatMissesAKey() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/log.db"
            let decoder = EventDecoder()
            var rng = SeededRandom(seed: 8)
            let lines = (0..<40).map { TestEvents.random(index: $0, customers: 5, using: &rng) }
            _ = try EventLog(path: path, options: IdempotencyGenerationTests.options(generationSize: 2))
                .append(try lines.map { try decoder.decodeValid($0) })
            try {  // closed before the log opens the same file
                let environment = try Environment(path: path)
                let filters = try #require(try environment.openDatabase("id_filters"))
                let group: [UInt8] = [1, 0, 0, 0, 0]  // generations 0..<16
                try environment.write { txn in
                    let size = try #require(try txn.get(filters, key: group)).count
                    try txn.put(filters, key: group, value: [UInt8](repeating: 0, count: size))
                }
            }()
            let report = try EventLog(path: path).verify()
            #expect(report.problems.count == 32)
            #expect(report.problems.first?.contains("the filter of id generations 0..<16 does not hold its key") == true)
        }
    }
}
