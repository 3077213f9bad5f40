import Foundation
import LMDB
import Testing
import Touchlog

/// The projection engine: inline views equal a fold of the plain event list, whatever the batch
/// sizes, arrival order, re-sends or rebuilds; rebuilds run beside appends and readers.
struct ProjectionTests {
    /// A random stream: events of a few customers at random 2025 times (so arrival order is not
    /// time order), with some exact re-sends mixed in.
    static func stream(seed: UInt64, count: Int, customers: Int) -> (lines: [String], distinct: [String]) {
        var rng = SeededRandom(seed: seed)
        let distinct = (0..<count).map { TestEvents.random(index: $0, customers: customers, using: &rng) }
        var lines = distinct
        for _ in 0..<(count / 20) { lines.insert(distinct.randomElement(using: &rng)!, at: Int.random(in: 0...lines.count, using: &rng)) }
        return (lines, distinct)
    }

    static func append(_ lines: [String], to log: EventLog, seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let decoder = EventDecoder()
        var start = 0
        while start < lines.count {
            let end = min(lines.count, start + Int.random(in: 1...120, using: &rng))
            let result = try log.append(try lines[start..<end].map { try decoder.decodeValid($0) })
            #expect(result.isComplete)
            start = end
        }
    }

    /// The reference: each customer's profile folded directly from the distinct events.
    static func reference(_ distinct: [String]) throws -> [String: CustomerProfile] {
        var profiles: [String: CustomerProfile] = [:]
        for (index, line) in distinct.enumerated() {
            let event = try EventDecoder().decodeValid(line).event
            profiles[event.subject, default: CustomerProfile()].apply(event, position: UInt64(index + 1))
        }
        return profiles
    }

    @Test func batchesShuffledArrivalAndRebuildGiveTheSameProfiles() throws {
        let seed = testSeed()
        let (lines, distinct) = Self.stream(seed: seed, count: 700, customers: 12)
        let expected = try Self.reference(distinct)
        try withTemporaryDirectory { directory in
            let inOrder = try EventLog(path: directory + "/a.db", options: .init(create: true, durable: false))
            try Self.append(lines, to: inOrder, seed: seed &+ 1)
            var rng = SeededRandom(seed: seed &+ 2)
            let shuffled = try EventLog(path: directory + "/b.db", options: .init(create: true, durable: false))
            try Self.append(lines.shuffled(using: &rng), to: shuffled, seed: seed &+ 3)
            for (customer, profile) in expected {
                #expect(try inOrder.profile(of: customer) == profile, "seed \(seed), \(customer), in order")
                #expect(try shuffled.profile(of: customer) == profile, "seed \(seed), \(customer), shuffled")
                #expect(try shuffled.profileSummary(of: customer) == profile.summary, "seed \(seed), \(customer), summary")
            }
            try inOrder.rebuild(chunkSize: 97)
            for (customer, profile) in expected {
                #expect(try inOrder.profile(of: customer) == profile, "seed \(seed), \(customer), after rebuild")
                #expect(try inOrder.profileSummary(of: customer) == profile.summary, "seed \(seed), \(customer), summary after rebuild")
            }
            #expect(try inOrder.profile(of: "nobody") == nil)
            #expect(try inOrder.profileSummary(of: "nobody") == nil)
        }
    }

    @Test func readersAndAppendsGoOnDuringARebuild() async throws {
        let seed = testSeed()
        let (lines, distinct) = Self.stream(seed: seed, count: 900, customers: 8)
        let expected = try Self.reference(distinct)
        try await withTemporaryLogAsync { log in
            try Self.append(Array(distinct[..<600]), to: log, seed: seed)
            let before = try Self.reference(Array(distinct[..<600]))
            let rebuild = Task.detached { try log.rebuild(chunkSize: 50) }
            let appender = Task.detached { try Self.append(Array(distinct[600...]), to: log, seed: seed &+ 1) }
            // Readers always get a view that reflects their snapshot of the log: never an error,
            // never a half-built view (every customer's order count only grows).
            var lastOrders: [String: Int] = [:]
            for _ in 0..<200 {
                for customer in before.keys {
                    let profile = try #require(try log.profile(of: customer))
                    let orders = profile.orders
                    #expect(orders >= lastOrders[customer, default: 0], "seed \(seed): \(customer) went back")
                    lastOrders[customer] = orders
                }
            }
            try await rebuild.value
            try await appender.value
            _ = lines
            for (customer, profile) in expected {
                #expect(try log.profile(of: customer) == profile, "seed \(seed), \(customer)")
            }
        }
    }

    /// Every entry of every view (profiles, history snapshots and open blocks, kept churn entries,
    /// trends) is the same byte for byte whether appends of random sizes (folded in the
    /// transaction or beside it) built it or a rebuild did. Customers with hundreds of late
    /// events each, so that history blocks close and their earliest times move back.
    @Test func inlineViewsEqualARebuildByteForByte() throws {
        let seed = testSeed()
        let (lines, _) = Self.stream(seed: seed, count: 4_000, customers: 9)
        try withTemporaryLog { log, _ in
            var rng = SeededRandom(seed: seed &+ 1)
            let decoder = EventDecoder()
            var start = 0
            while start < lines.count {
                let size = Bool.random(using: &rng) ? Int.random(in: 1...60, using: &rng) : Int.random(in: EventLog.backgroundFoldMinimum...1_500, using: &rng)
                let end = min(lines.count, start + size)
                #expect(try log.append(try lines[start..<end].map { try decoder.decodeValid($0) }).isComplete)
                start = end
            }
            let inline = try log.viewNames.map { try log.viewEntries($0) }
            // Snapshot keys are 0x00 'h', the subject, 0x00 and a big-endian position; about 6 per
            // customer here.
            let snapshots = inline[log.viewNames.firstIndex(of: "profile")!].filter { $0.key.starts(with: [0, UInt8(ascii: "h")]) && $0.key[$0.key.count - 9] == 0 }
            #expect(snapshots.count > 9 * 3, "seed \(seed): history snapshots expected")
            try log.rebuild()
            for (index, view) in log.viewNames.enumerated() {
                let rebuilt = try log.viewEntries(view)
                #expect(rebuilt.count == inline[index].count, "seed \(seed), \(view) view")
                for (a, b) in zip(inline[index], rebuilt) where a.key != b.key || a.value != b.value {
                    Issue.record("seed \(seed), \(view) view: entry \(a.key) differs from the rebuild's \(b.key)")
                    break
                }
            }
        }
    }

    /// A rebuild in several groups reports its progress in positions of the log: never
    /// backwards, never past the head, ending at the head.
    @Test func rebuildProgressRisesToTheHead() throws {
        let seed = testSeed()
        let (lines, _) = Self.stream(seed: seed, count: 2_000, customers: 300)
        try withTemporaryDirectory { directory in
            var options = EventLog.Options(create: true, durable: false)
            options.rebuildPassBytes = 32 << 10  // several groups
            let log = try EventLog(path: directory + "/p.db", options: options)
            try Self.append(lines, to: log, seed: seed &+ 1)
            let head = try log.head()
            var reports: [(view: String, reached: UInt64, head: UInt64)] = []
            try log.rebuild(progress: { reports.append(($0, $1, $2)) })
            #expect(reports.count > 2, "seed \(seed)")
            #expect(reports.allSatisfy { $0.head == head && $0.reached <= head }, "seed \(seed): \(reports)")
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.view != $1.view || $0.reached <= $1.reached }, "seed \(seed): \(reports)")
            #expect(reports.last?.reached == head, "seed \(seed)")
        }
    }

    /// Many passes, and a map so small that the rebuild's transactions fill it and run again.
    @Test func aRebuildInManyPassesThroughMapGrowthGivesTheSameViews() throws {
        let seed = testSeed()
        // Many customers, so that the views outweigh the pages the log's appends left free.
        let (lines, distinct) = Self.stream(seed: seed, count: 3_000, customers: 2_000)
        let expected = try Self.reference(distinct)
        try withTemporaryDirectory { directory in
            var options = EventLog.Options(create: true, durable: false)
            options.initialMapSize = 64 << 10
            options.rebuildPassBytes = 64 << 10  // several passes
            options.inlineViews = false  // the log alone: the rebuild writes every view afresh
            // Opened again with a map smaller than the data, LMDB maps exactly the pages in use.
            let usedBefore = try {
                let logOnly = try EventLog(path: directory + "/a.db", options: options)
                try Self.append(lines, to: logOnly, seed: seed &+ 1)
                return try logOnly.statistics().bytesUsed
            }()
            options.inlineViews = true
            let log = try EventLog(path: directory + "/a.db", options: options)  // rebuilds the stale views
            #expect(try log.statistics().mapSize > usedBefore, "seed \(seed): the rebuild did not need the map to grow")
            for (customer, profile) in expected {
                #expect(try log.profile(of: customer) == profile, "seed \(seed), \(customer)")
            }
            let reference = try EventLog(path: directory + "/b.db", options: EventLog.Options(create: true, durable: false))
            try Self.append(lines, to: reference, seed: seed &+ 2)
            #expect(try log.satisfactionTrends(bucket: .day, by: .channel) == reference.satisfactionTrends(bucket: .day, by: .channel), "seed \(seed)")
            #expect(try log.verify().isClean)
        }
    }

    /// A rebuild reads the log itself, not the customer index (which only sizes its groups): a
    /// customer missing from the index still has every event in the rebuilt views, whether the
    /// rebuild takes one group or many.
    @Test(arguments: [144 << 20, 2 << 10])
    func aRebuildDoesNotDependOnTheCustomerIndex(passBytes: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/i.db"
            let (_, distinct) = Self.stream(seed: 11, count: 300, customers: 6)
            let expected = try Self.reference(distinct)
            do {
                let log = try EventLog(path: path, options: .init(create: true, durable: false))
                try Self.append(distinct, to: log, seed: 1)
            }
            do {  // the damage: one customer's index entry gone
                let environment = try Environment(path: path)
                let customers = try #require(try environment.openDatabase("customers"))
                try environment.write { txn in _ = try Array("cust-2".utf8).withUnsafeBytes { try txn.delete(customers, key: $0) } }
            }
            var options = EventLog.Options()
            options.rebuildPassBytes = passBytes
            let log = try EventLog(path: path, options: options)
            try log.rebuild()
            for (customer, profile) in expected {
                #expect(try log.profile(of: customer) == profile, "\(customer), \(passBytes) bytes a group")
            }
        }
    }

    /// Positions run without gaps: a rebuild that finds a record missing stops with an error
    /// instead of swapping in views without that event, and the live views stay as they were.
    @Test(arguments: [144 << 20, 2 << 10])
    func aRebuildRefusesALogWithAMissingRecord(passBytes: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/g.db"
            let (_, distinct) = Self.stream(seed: 12, count: 300, customers: 6)
            do {
                let log = try EventLog(path: path, options: .init(create: true, durable: false))
                try Self.append(distinct, to: log, seed: 1)
            }
            let before = try EventLog(path: path).profile(of: "cust-1")
            do {  // the damage: the record at position 150 moved past the head (the count stays right)
                let environment = try Environment(path: path)
                let events = try #require(try environment.openDatabase("events"))
                try environment.write { txn in
                    let key = withUnsafeBytes(of: UInt64(150).bigEndian) { Array($0) }
                    let record = try #require(try txn.get(events, key: key)).map { $0 }
                    _ = try key.withUnsafeBytes { try txn.delete(events, key: $0) }
                    try txn.put(events, key: withUnsafeBytes(of: UInt64(301).bigEndian) { Array($0) }, value: record)
                }
            }
            var options = EventLog.Options()
            options.rebuildPassBytes = passBytes
            let log = try EventLog(path: path, options: options)
            #expect {
                try log.rebuild()
            } throws: { error in
                (error as? TouchlogError)?.code == .corruption && "\(error)".contains("records up to its head")
            }
            #expect(try log.profile(of: "cust-1") == before, "the live views were left as they were")
        }
    }

    /// Large appends fold into the views on a thread of their own, beside the write transaction:
    /// the views are byte for byte those of small appends (folded in the transaction) of the same
    /// lines, re-sends inside a batch included, and the profiles equal the reference.
    @Test func largeAppendsFoldedBesideTheWriteGiveTheSameViews() throws {
        let seed = testSeed()
        let (lines, distinct) = Self.stream(seed: seed, count: 6_000, customers: 300)
        let expected = try Self.reference(distinct)
        try withTemporaryDirectory { directory in
            let large = try EventLog(path: directory + "/large.db", options: .init(create: true, durable: false))
            var rng = SeededRandom(seed: seed &+ 3)
            let decoder = EventDecoder()
            var start = 0
            while start < lines.count {
                let size = Int.random(in: EventLog.backgroundFoldMinimum...(2 * EventLog.backgroundFoldMinimum), using: &rng)
                let end = min(lines.count, start + size)
                #expect(try large.append(try lines[start..<end].map { try decoder.decodeValid($0) }).isComplete)
                start = end
            }
            let small = try EventLog(path: directory + "/small.db", options: .init(create: true, durable: false))
            try Self.append(lines, to: small, seed: seed &+ 4)
            for view in large.viewNames {
                let (a, b) = (try large.viewEntries(view), try small.viewEntries(view))
                #expect(a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }, "seed \(seed), \(view) view")
            }
            for (customer, profile) in expected {
                #expect(try large.profile(of: customer) == profile, "seed \(seed), \(customer)")
            }
        }
    }

    /// A projector folding a large append beside the write reads back what it wrote earlier in
    /// the same batch (here a count per customer, read and written once per event).
    @Test func aLargeAppendFoldedBesideTheWriteReadsItsOwnWrites() throws {
        try withTemporaryDirectory { directory in
            let (_, distinct) = Self.stream(seed: 14, count: 2 * EventLog.backgroundFoldMinimum, customers: 5)
            let log = try EventLog(path: directory + "/c.db", options: .init(create: true, durable: false), projectors: [CountingProjector(version: 2)])
            let decoder = EventDecoder()
            #expect(try log.append(try distinct.map { try decoder.decodeValid($0) }).isComplete)
            for customer in 1...5 {
                let expected = distinct.filter { $0.contains("\"subject\":\"cust-\(customer)\"") }.count
                #expect(try log.count(of: "cust-\(customer)", view: "count") == expected, "cust-\(customer)")
            }
        }
    }

    /// A large append's recorded writes are replayed as each key's latest write, in key order: with
    /// puts, overwrites and deletes of the same keys in one batch, the view equals the one that
    /// small appends (which write in their transaction, in fold order) leave.
    @Test func aLargeAppendsRecordedOverwritesAndDeletesLeaveWhatDirectWritesLeave() throws {
        try withTemporaryDirectory { directory in
            let (_, distinct) = Self.stream(seed: 15, count: 3 * EventLog.backgroundFoldMinimum, customers: 9)
            let (before, batch) = (Array(distinct.prefix(300)), Array(distinct.dropFirst(300)))
            let decoder = EventDecoder()
            let large = try EventLog(path: directory + "/large.db", options: .init(create: true, durable: false), projectors: [ScramblingProjector()])
            try Self.append(before, to: large, seed: 16)  // so that the batch's deletes find keys
            #expect(try large.append(try batch.map { try decoder.decodeValid($0) }).isComplete)
            let small = try EventLog(path: directory + "/small.db", options: .init(create: true, durable: false), projectors: [ScramblingProjector()])
            try Self.append(distinct, to: small, seed: 16)
            let (a, b) = (try large.viewEntries("scramble"), try small.viewEntries("scramble"))
            #expect(!a.isEmpty && a.count < ScramblingProjector.keys)
            #expect(a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value })
        }
    }

    /// A group of customers is written while the next one is folded: a write that fails stops
    /// the rebuild with its error, and the live view stays as it was.
    @Test func aRebuildWhoseGroupWriteFailsReportsItAndKeepsTheLiveView() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/w.db"
            let (_, distinct) = Self.stream(seed: 13, count: 300, customers: 6)
            do {
                let log = try EventLog(path: path, options: .init(create: true, durable: false), projectors: [CountingProjector(version: 2)])
                try Self.append(distinct, to: log, seed: 1)
            }
            var options = EventLog.Options(durable: false)
            options.rebuildPassBytes = 2 << 10  // a group per customer
            let log = try EventLog(path: path, options: options, projectors: [FailingRebuildProjector(failingCustomer: "cust-4")])
            let before = try log.count(of: "cust-1", view: "count")
            #expect(before > 0)
            #expect {
                try log.rebuild()
            } throws: { error in
                (error as? TouchlogError)?.code == .io && "\(error)".contains("disk full")
            }
            #expect(try log.count(of: "cust-1", view: "count") == before, "the live view was left as it was")
        }
    }

    @Test func aChangedProjectorVersionIsRebuiltOnOpen() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/v.db"
            let (_, distinct) = Self.stream(seed: 5, count: 200, customers: 5)
            do {
                let log = try EventLog(path: path, options: .init(create: true, durable: false), projectors: [CountingProjector(version: 1)])
                try Self.append(distinct, to: log, seed: 1)
                #expect(try log.count(of: "cust-1", view: "count") == 1)  // version 1 counts every customer as 1
            }
            let upgraded = try EventLog(path: path, projectors: [CountingProjector(version: 2)])
            let expected = distinct.filter { $0.contains("\"subject\":\"cust-1\"") }.count
            #expect(try upgraded.count(of: "cust-1", view: "count") == expected)
            // A view this log never had is built on open too.
            let withProfile = try EventLog(path: path, projectors: [CountingProjector(version: 2), ProfileProjector()])
            #expect(try withProfile.profile(of: "cust-1")?.eventCount == expected)
        }
    }
}

/// A test projector: per customer, version 1 stores 1, version 2 counts the events.
struct CountingProjector: Projector {
    let name = "count"
    let version: UInt32

    func apply(_ event: StoredEvent, to view: ViewStore) throws {
        let key = Array(event.event.subject.utf8)
        let current = try view.get(key).map { $0.loadUnaligned(as: UInt64.self) } ?? 0
        let next: UInt64 = version == 1 ? 1 : current + 1
        try view.put(key, withUnsafeBytes(of: next) { Array($0) })
    }
}

extension EventLog {
    func count(of customer: String, view: String) throws -> Int {
        try rawViewValue(view, key: Array(customer.utf8)).map { $0.withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) } } ?? 0
    }
}

/// Puts, overwrites and deletes a few keys chosen by each event's position: the view depends on
/// the order of the writes within a batch, not only on each key's last one.
struct ScramblingProjector: Projector {
    static let keys = 40
    let name = "scramble"
    let version: UInt32 = 1

    func apply(_ event: StoredEvent, to view: ViewStore) throws {
        let mixed = event.position &* 0x9E37_79B9_7F4A_7C15
        let key = [UInt8(truncatingIfNeeded: mixed >> 40) % UInt8(Self.keys)]
        if mixed >> 62 == 0 {
            try view.delete(key)
        } else {
            // Reads its own earlier writes: the count of puts so far, and the latest position.
            let puts = try view.get(key).map { $0.loadUnaligned(as: UInt64.self) } ?? 0
            try view.put(key, withUnsafeBytes(of: (puts + 1, event.position)) { Array($0) })
        }
    }
}

/// Counts events per customer like `CountingProjector` version 2, with an in-memory rebuild whose
/// write of the group holding `failingCustomer` fails as a full disk would.
struct FailingRebuildProjector: Projector {
    let name = "count"
    let version: UInt32 = 2
    let failingCustomer: String

    func apply(_ event: StoredEvent, to view: ViewStore) throws {
        try CountingProjector(version: 2).apply(event, to: view)
    }

    func makeRebuildFolder() -> (any ViewFolder)? { Folder(failingCustomer: failingCustomer) }

    struct Folder: ViewFolder {
        let failingCustomer: String
        var counts: [String: UInt64] = [:]

        mutating func fold(_ event: StoredEvent) throws { counts[event.event.subject, default: 0] += 1 }

        mutating func merge(_ other: any ViewFolder) {
            if let other = other as? Folder { counts.merge(other.counts, uniquingKeysWith: +) }
        }

        func writeFinal(to view: ViewStore) throws {
            if counts[failingCustomer] != nil { throw TouchlogError(.io, "disk full while writing \(failingCustomer)") }
            try write(to: view)
        }

        mutating func dropFinal() { counts = [:] }

        func write(to view: ViewStore) throws {
            for (subject, count) in counts { try view.put(Array(subject.utf8), withUnsafeBytes(of: count) { Array($0) }) }
        }
    }
}
