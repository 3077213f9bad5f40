import Foundation
import Synchronization
import Testing
import Touchlog

/// Hundreds of reader threads at once, while a writer appends and a rebuild swaps the views in:
/// every read sees whole batches only (Tools/reliability adds reader processes).
struct ReliabilityTests {
    static let readers = 300
    static let batchSize = 40
    static let batches = 30

    @Test func hundredsOfReadersSeeWholeBatchesDuringAppendsAndARebuild() throws {
        let seed = testSeed()
        try withTemporaryLog { log, _ in
            var rng = SeededRandom(seed: seed)
            let decoder = EventDecoder()
            let batches = try (0..<Self.batches).map { batch in
                try (0..<Self.batchSize).map { index in
                    try decoder.decodeValid(TestEvents.random(index: batch * Self.batchSize + index, customers: 30, using: &rng))
                }
            }
            _ = try log.append(batches[0])

            let shared = Shared()
            let finished = DispatchGroup()
            @Sendable func report(_ problem: String) { shared.problems.withLock { $0.append(problem) } }
            for reader in 0..<Self.readers {
                finished.enter()
                Thread {
                    defer { finished.leave() }
                    do {
                        // Hold a snapshot until every reader holds one: 300 read transactions open
                        // at once, more than LMDB's default of 126 reader slots.
                        try log.forEachEvent(limit: 1) { _ in
                            shared.arrived.add(1, ordering: .sequentiallyConsistent)
                            let deadline = Date().addingTimeInterval(30)
                            while shared.arrived.load(ordering: .sequentiallyConsistent) < Self.readers, Date() < deadline { usleep(1000) }
                            return false
                        }
                        repeat {
                            // The profile view, read in one snapshot, holds whole batches.
                            var folded = 0
                            try log.forEachProfile { _, profile in folded += profile.eventCount }
                            if folded % Self.batchSize != 0 { report("the profile view folded \(folded) events: part of a batch") }
                            if folded < Self.batches * Self.batchSize { shared.midway.add(1, ordering: .relaxed) }
                            // A few readers also walk the whole log: positions 1...n, whole batches.
                            if reader % 75 == 0 {
                                var count: UInt64 = 0
                                try log.forEachEvent { event in
                                    count += 1
                                    if event.position != count { report("position \(event.position) where \(count) was expected") }
                                    return true
                                }
                                if count % UInt64(Self.batchSize) != 0 { report("saw \(count) events: part of a batch") }
                            }
                            usleep(100_000)  // 300 threads on a few cores: leave the writer some time
                        } while shared.writing.load(ordering: .sequentiallyConsistent)
                    } catch {
                        report("reader \(reader): \(error)")
                    }
                }.start()
            }
            while shared.arrived.load(ordering: .sequentiallyConsistent) < Self.readers && shared.problems.withLock({ $0.isEmpty }) { usleep(1000) }

            // Appends go on while a rebuild of every view runs alongside from the third batch on.
            let rebuilt = DispatchGroup()
            for (index, batch) in batches.enumerated().dropFirst() {
                if index == 3 {
                    rebuilt.enter()
                    Thread {
                        defer { rebuilt.leave() }
                        do { try log.rebuild() } catch { report("rebuild: \(error)") }
                    }.start()
                }
                _ = try log.append(batch)
                usleep(10_000)
            }
            rebuilt.wait()
            shared.writing.store(false, ordering: .sequentiallyConsistent)
            finished.wait()

            #expect(shared.problems.withLock { $0 }.isEmpty, "seed \(seed): \(shared.problems.withLock { Array($0.prefix(5)) })")
            #expect(shared.midway.load(ordering: .relaxed) >= Self.readers, "most reads should overlap the appends")
            #expect(try log.head() == UInt64(Self.batches * Self.batchSize))
            #expect(try log.verify().isClean)
            // The rebuilt views, swapped in while appends went on, equal a rebuild from the log.
            var live: [String: CustomerProfile] = [:]
            try log.forEachProfile { live[$0] = $1 }
            try log.rebuild()
            var fresh: [String: CustomerProfile] = [:]
            try log.forEachProfile { fresh[$0] = $1 }
            #expect(live == fresh, "seed \(seed)")
        }
    }

    /// What the reader threads and the writer share.
    final class Shared: Sendable {
        let arrived = Atomic<Int>(0)
        let writing = Atomic<Bool>(true)
        /// Reads that saw the log before its last batch.
        let midway = Atomic<Int>(0)
        let problems = Mutex<[String]>([])
    }
}
