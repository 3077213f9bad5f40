import Dispatch
import LMDB
import Synchronization
import Testing

/// What threads saw, gathered for the test's thread to check.
final class Observations: Sendable {
    private let failures = Mutex<[String]>([])
    private let values = Mutex<[String]>([])
    let reads = Atomic<Int>(0)
    let writes = Atomic<Int>(0)
    let distinct = Mutex<Set<UInt64>>([])
    let stop = Atomic<Bool>(false)

    /// Records a failed check (the first few are kept).
    func fail(_ message: String) {
        failures.withLock { if $0.count < 20 { $0.append(message) } }
    }

    func record(_ value: String) { values.withLock { $0.append(value) } }

    var failureList: [String] { failures.withLock { $0 } }
    var hasFailures: Bool { failures.withLock { !$0.isEmpty } }
    var recorded: [String] { values.withLock { $0 } }
}

@Suite("LMDB concurrency")
struct ConcurrencyTests {
    @Test func readTransactionStartedBeforeACommitDoesNotSeeIt() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { txn throws in
                try txn.put(db, "k", "old")
                try txn.put(db, "other", "x")
            }
            let seen = Observations()
            let started = DispatchSemaphore(value: 0)
            let committed = DispatchSemaphore(value: 0)
            let reader = startThread {
                do {
                    try env.read { txn throws in
                        seen.record("before: \(try txn.string(db, "k") ?? "nil") \(try txn.statistics(db).entries)")
                        started.signal()
                        try waitFor(committed, "the commit")
                        // Same transaction, after the commit: still the old snapshot.
                        seen.record("during: \(try txn.string(db, "k") ?? "nil") \(try txn.statistics(db).entries)")
                        seen.record("deleted: \(try txn.string(db, "other") ?? "nil")")
                        seen.record("added: \(try txn.string(db, "added") ?? "nil")")
                    }
                    try env.read { txn throws in
                        seen.record("after: \(try txn.string(db, "k") ?? "nil") \(try txn.statistics(db).entries)")
                    }
                } catch {
                    seen.fail("reader: \(error)")
                    started.signal()
                }
            }
            try waitFor(started, "the reader to start")
            try env.write { txn throws in
                try txn.put(db, "k", "new")
                try txn.put(db, "added", "yes")
                try txn.put(db, "more", "yes")
                try txn.delete(db, key: bytes("other"))
            }
            // Commits are visible to transactions that start afterwards, here too.
            #expect(try env.read { try $0.string(db, "k") } == "new")
            committed.signal()
            #expect(reader.wait(timeout: .now() + 30) == .success)

            #expect(seen.failureList.isEmpty)
            #expect(seen.recorded == ["before: old 2", "during: old 2", "deleted: x", "added: nil", "after: new 3"])
        }
    }

    @Test func uncommittedWritesAreInvisibleToReaders() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { try $0.put(db, "k", "old") }
            let seen = Observations()
            let written = DispatchSemaphore(value: 0)
            let checked = DispatchSemaphore(value: 0)
            let writer = startThread {
                do {
                    try env.write { txn throws in
                        try txn.put(db, "k", "new")
                        written.signal()
                        try waitFor(checked, "the reader's check")
                    }
                } catch {
                    seen.fail("writer: \(error)")
                    written.signal()
                }
            }
            try waitFor(written, "the writer's put")
            // A write transaction is open on another thread: readers are not blocked and see the old value.
            #expect(try env.read { try $0.string(db, "k") } == "old")
            checked.signal()
            #expect(writer.wait(timeout: .now() + 30) == .success)
            #expect(try env.read { try $0.string(db, "k") } == "new")
            #expect(seen.failureList.isEmpty)
        }
    }

    /// The writer keeps `a` and `b` equal and adds blob `a` in every transaction, starting from a
    /// tiny map so that the map grows while readers run. No reader may see a torn state.
    @Test func manyConcurrentReadersSeeConsistentSnapshots() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: 64 * 1024))
            let db = try #require(try env.openDatabase("counters", flags: .create))
            let blobs = try #require(try env.openDatabase("blobs", flags: .create))
            try env.write { txn throws in
                try txn.put(db, key: bytes("a"), value: bigEndian(0))
                try txn.put(db, key: bytes("b"), value: bigEndian(0))
                try txn.put(blobs, key: bigEndian(0), value: pattern(seed: 0, count: 4096))
            }
            let seen = Observations()
            let readerCount = 16
            let readsPerThread = 1000
            let minimumWrites = 300

            let writer = startThread {
                var i: UInt64 = 1
                while i <= UInt64(minimumWrites) || (!seen.stop.load(ordering: .acquiring) && i < 20_000) {
                    do {
                        try env.write { txn throws in
                            try txn.put(db, key: bytes("a"), value: bigEndian(i))
                            try txn.put(blobs, key: bigEndian(i), value: pattern(seed: i, count: 4096))
                            if i >= 200 { try txn.delete(blobs, key: bigEndian(i - 200)) }
                            try txn.put(db, key: bytes("b"), value: bigEndian(i))
                        }
                    } catch {
                        seen.fail("writer: \(error)")
                        return
                    }
                    seen.writes.store(Int(i), ordering: .releasing)
                    i += 1
                }
            }

            try runOnThreads(readerCount) { thread in
                // Start once the writer is under way, so that readers and writer overlap.
                waitUntil { seen.writes.load(ordering: .acquiring) > 0 || seen.hasFailures }
                var last: UInt64 = 0
                var observed: Set<UInt64> = []
                for _ in 0..<readsPerThread {
                    do {
                        try env.read { txn throws in
                            guard let a = try txn.get(db, key: bytes("a")).map(decodeBigEndian),
                                  let b = try txn.get(db, key: bytes("b")).map(decodeBigEndian)
                            else { return seen.fail("reader \(thread): counters missing") }
                            if a != b { seen.fail("reader \(thread): a = \(a) but b = \(b)") }
                            if a < last { seen.fail("reader \(thread): went back from \(last) to \(a)") }
                            last = a
                            observed.insert(a)
                            if !sameBytes(try txn.get(blobs, key: bigEndian(a)), pattern(seed: a, count: 4096)) {
                                seen.fail("reader \(thread): blob \(a) wrong")
                            }
                            let entries = try txn.statistics(blobs).entries
                            if entries != min(Int(a) + 1, 200) {
                                seen.fail("reader \(thread): \(entries) blobs at \(a)")
                            }
                        }
                        seen.reads.add(1, ordering: .relaxed)
                    } catch {
                        seen.fail("reader \(thread): \(error)")
                        return
                    }
                }
                seen.distinct.withLock { $0.formUnion(observed) }
            }
            seen.stop.store(true, ordering: .releasing)
            #expect(writer.wait(timeout: .now() + 30) == .success)

            #expect(seen.failureList.isEmpty)
            #expect(seen.reads.load(ordering: .relaxed) == readerCount * readsPerThread)
            let writes = seen.writes.load(ordering: .acquiring)
            #expect(writes >= minimumWrites)
            // Readers ran while the writer wrote: they saw more than one state.
            #expect(seen.distinct.withLock { $0.count } > 1)
            #expect(env.mapSize > 64 * 1024)
            try env.read { txn throws in
                #expect(try txn.value(db, bytes("a")) == bigEndian(UInt64(writes)))
                #expect(try txn.value(db, bytes("b")) == bigEndian(UInt64(writes)))
            }
            #expect(try env.checkStaleReaders() == 0)
        }
    }
}

/// A read-only `Environment` on the same directory as a writing one. LMDB asks for one environment
/// per path and process; these tests do it anyway, carefully (both stay open until the end), as
/// the stand-in for a reader in another process.
@Suite("LMDB read-only environment beside a writer")
struct ReadOnlyBesideWriterTests {
    static let tinyMap = 64 * 1024

    @Test func followsCommitsAndMapGrowthOfTheWriter() throws {
        try withTemporaryDirectory { dir throws in
            let writer = try Environment(path: dir, options: options(mapSize: Self.tinyMap))
            let db = try #require(try writer.openDatabase("events", flags: .create))
            try writer.write { try $0.put(db, "k", "v1") }

            let reader = try Environment(path: dir, options: options(mapSize: Self.tinyMap, readOnly: true))
            #expect(try reader.openDatabase("missing") == nil)
            let rdb = try #require(try reader.openDatabase("events"))
            #expect(try reader.read { try $0.string(rdb, "k") } == "v1")

            // A new commit is visible to the reader's next transaction.
            try writer.write { try $0.put(db, "k", "v2") }
            #expect(try reader.read { try $0.string(rdb, "k") } == "v2")

            // A reader transaction keeps its snapshot while the writer commits.
            try reader.read { txn throws in
                #expect(try txn.string(rdb, "k") == "v2")
                try writer.write { try $0.put(db, "k", "v3") }
                #expect(try txn.string(rdb, "k") == "v2")
            }
            #expect(try reader.read { try $0.string(rdb, "k") } == "v3")

            // A database created after the reader opened.
            let later = try #require(try writer.openDatabase("later", flags: .create))
            try writer.write { try $0.put(later, "x", "y") }
            let rlater = try #require(try reader.openDatabase("later"))
            #expect(try reader.read { try $0.string(rlater, "x") } == "y")

            // The writer grows the map far beyond the reader's map (MDB_MAP_RESIZED for the reader).
            let readerMapBefore = reader.mapSize
            let blob = pattern(seed: 7, count: 32 * 1024)
            try writer.write { txn throws in
                for index in 0..<128 { try txn.put(db, key: bigEndian(UInt64(index)), value: blob) }
                try txn.put(db, "k", "v4")
            }
            #expect(writer.usedBytes > readerMapBefore)
            try reader.read { txn throws in
                #expect(try txn.string(rdb, "k") == "v4")
                #expect(try txn.statistics(rdb).entries == 129)
                #expect(try txn.value(rdb, bigEndian(127)) == blob)
            }
            #expect(reader.mapSize >= writer.usedBytes)
            // Earlier handles still work, and so does opening more.
            #expect(try reader.read { try $0.string(rlater, "x") } == "y")
            #expect(try reader.openDatabase("events") == rdb)
            #expect(try reader.openDatabase("missing") == nil)

            // Growth in several steps, each followed by a read, and a copy made from the reader.
            for round in 0..<6 {
                let mapBefore = reader.mapSize
                try writer.write { txn throws in
                    for index in 0..<32 {
                        try txn.put(db, key: bigEndian(UInt64(1000 * (round + 1) + index)), value: blob)
                    }
                }
                let seenCount = try reader.read { try $0.statistics(rdb).entries }
                #expect(seenCount == 129 + 32 * (round + 1))
                #expect(reader.mapSize >= mapBefore)
            }
            let copyPath = try makeDirectory("copy", in: dir)
            try reader.copy(to: copyPath)
            do {
                let copy = try Environment(path: copyPath, options: options(readOnly: true))
                let cdb = try #require(try copy.openDatabase("events"))
                #expect(try copy.read { try $0.statistics(cdb).entries } == 129 + 32 * 6)
            }

            // The writer still works after all this.
            try writer.write { try $0.put(db, "k", "v5") }
            #expect(try reader.read { try $0.string(rdb, "k") } == "v5")
            withExtendedLifetime(writer) {}
            withExtendedLifetime(reader) {}
        }
    }

    /// Reader threads on a read-only environment while a writer thread commits and grows the map:
    /// several threads hit MDB_MAP_RESIZED at once.
    @Test func readerThreadsKeepUpWithAGrowingWriter() throws {
        try withTemporaryDirectory { dir throws in
            let writer = try Environment(path: dir, options: options(mapSize: Self.tinyMap))
            let db = try #require(try writer.openDatabase("counters", flags: .create))
            let blobs = try #require(try writer.openDatabase("blobs", flags: .create))
            try writer.write { txn throws in
                try txn.put(db, key: bytes("a"), value: bigEndian(0))
                try txn.put(db, key: bytes("b"), value: bigEndian(0))
            }
            let reader = try Environment(path: dir, options: options(mapSize: Self.tinyMap, readOnly: true))
            let rdb = try #require(try reader.openDatabase("counters"))
            let rblobs = try #require(try reader.openDatabase("blobs"))

            let seen = Observations()
            let total: UInt64 = 150  // 150 × 16 KiB: the map grows 64 KiB → 4 MiB
            let writerDone = startThread {
                // Start once every reader has read the initial state, so that they overlap.
                waitUntil { seen.reads.load(ordering: .acquiring) >= 4 || seen.hasFailures }
                for i in 1...total {
                    do {
                        try writer.write { txn throws in
                            try txn.put(db, key: bytes("a"), value: bigEndian(i))
                            try txn.put(blobs, key: bigEndian(i), value: pattern(seed: i, count: 16 * 1024))
                            try txn.put(db, key: bytes("b"), value: bigEndian(i))
                        }
                    } catch {
                        seen.fail("writer: \(error)")
                        break
                    }
                }
                seen.stop.store(true, ordering: .releasing)
            }
            try runOnThreads(4) { thread in
                var last: UInt64 = 0
                while true {
                    let finished = seen.stop.load(ordering: .acquiring)
                    do {
                        try reader.read { txn throws in
                            guard let a = try txn.get(rdb, key: bytes("a")).map(decodeBigEndian),
                                  let b = try txn.get(rdb, key: bytes("b")).map(decodeBigEndian)
                            else { return seen.fail("reader \(thread): counters missing") }
                            if a != b { seen.fail("reader \(thread): a = \(a) but b = \(b)") }
                            if a < last { seen.fail("reader \(thread): went back from \(last) to \(a)") }
                            last = a
                            seen.distinct.withLock { _ = $0.insert(a) }
                            if a > 0, !sameBytes(try txn.get(rblobs, key: bigEndian(a)), pattern(seed: a, count: 16 * 1024)) {
                                seen.fail("reader \(thread): blob \(a) wrong")
                            }
                            if try txn.statistics(rblobs).entries != Int(a) {
                                seen.fail("reader \(thread): blob count differs from \(a)")
                            }
                        }
                        seen.reads.add(1, ordering: .releasing)
                    } catch {
                        seen.fail("reader \(thread): \(error)")
                        return
                    }
                    if finished {
                        if last != total { seen.fail("reader \(thread): ended at \(last)") }
                        return
                    }
                }
            }
            #expect(writerDone.wait(timeout: .now() + 30) == .success)
            #expect(seen.failureList.isEmpty)
            #expect(seen.distinct.withLock { $0.count } > 1)
            #expect(reader.mapSize > Self.tinyMap)
            #expect(reader.mapSize >= writer.usedBytes)
            withExtendedLifetime(writer) {}
            withExtendedLifetime(reader) {}
        }
    }
}
