import Foundation
import Testing
import Touchlog

/// A customer's profile at a past horizon, answered from history snapshots, equals the fold of
/// every event of theirs that counts then — for random streams, both clocks, appends in random
/// batches, a rebuild, and a log whose views were left behind.
struct ProfileHistoryTests {
    /// Every third event of a customer leaves a snapshot, so that short streams cross many.
    static let projectors: [any Projector] = [ProfileProjector(snapshotInterval: 3), TrendsProjector()]

    /// The random stream in nearly time order: a tenth of the events arrive later than they happened.
    static func mostlyInOrder(seed: UInt64, count: Int, customers: Int) throws -> [String] {
        let (_, distinct) = ProjectionTests.stream(seed: seed, count: count, customers: customers)
        let decoder = EventDecoder()
        var lines = try distinct.map { (line: $0, time: try decoder.decodeValid($0).event.time) }.sorted { $0.time < $1.time }.map(\.line)
        var rng = SeededRandom(seed: seed &+ 7)
        for _ in 0..<(count / 10) {
            let from = Int.random(in: 0..<lines.count, using: &rng)
            let line = lines.remove(at: from)
            lines.insert(line, at: min(lines.count, from + Int.random(in: 1...60, using: &rng)))
        }
        return lines
    }

    /// Random horizons: as-of times, recorded times and positions of this log, alone and together.
    static func horizons(of log: EventLog, count: Int, using rng: inout SeededRandom) throws -> [Horizon] {
        let head = try log.head()
        let events = try (1...head).compactMap { try log.event(at: $0) }
        let times = events.map(\.event.time).sorted()
        return (0..<count).map { index in
            let time = times[Int.random(in: 0..<times.count, using: &rng)]
            let recorded = events[Int.random(in: 0..<events.count, using: &rng)].recordedAt
            let position = UInt64.random(in: 1...head, using: &rng)
            switch index % 5 {
            case 0: return Horizon(asOf: time)
            case 1: return Horizon(knownAt: recorded)
            case 2: return Horizon(position: position)
            case 3: return Horizon(asOf: time, knownAt: recorded)
            default: return Horizon(asOf: time, position: position)
            }
        }
    }

    /// The reference: a fold of the customer's events that count at the horizon.
    static func reference(_ log: EventLog, _ customer: String, at horizon: Horizon) throws -> CustomerProfile? {
        let events = try log.history(of: customer, at: horizon)
        guard !events.isEmpty else { return nil }
        var profile = CustomerProfile()
        for event in events { profile.apply(event.event, position: event.position) }
        return profile
    }

    static func expectAnswersMatch(_ log: EventLog, customers: Int, horizons: [Horizon], _ context: String) throws {
        for horizon in horizons {
            for index in 0...customers {  // one more customer than the stream has: never seen
                let customer = "cust-\(index)"
                let expected = try reference(log, customer, at: horizon)
                #expect(try log.profile(of: customer, at: horizon) == expected, "\(context), \(customer), \(horizon)")
            }
        }
    }

    @Test(arguments: [false, true])
    func snapshotsAnswerLikeAFoldOfTheCountingEvents(mostlyInOrder: Bool) throws {
        let seed = testSeed()
        let lines = mostlyInOrder
            ? try Self.mostlyInOrder(seed: seed, count: 400, customers: 5)
            : ProjectionTests.stream(seed: seed, count: 400, customers: 5).lines
        try withTemporaryDirectory { directory in
            let log = try EventLog(path: directory + "/a.db", options: .init(create: true, durable: false), projectors: Self.projectors)
            try ProjectionTests.append(lines, to: log, seed: seed &+ 1)
            var rng = SeededRandom(seed: seed &+ 2)
            let horizons = try Self.horizons(of: log, count: 60, using: &rng)
            try Self.expectAnswersMatch(log, customers: 5, horizons: horizons, "seed \(seed), appended")

            // A rebuild leaves the same snapshots the appends did, byte for byte.
            let head = try log.head()
            let keys = try (1...head).compactMap { position -> [UInt8]? in
                guard let event = try log.event(at: position) else { return nil }
                return [0, UInt8(ascii: "h")] + Array(event.event.subject.utf8) + [0] + withUnsafeBytes(of: position.bigEndian) { Array($0) }
            }
            let appended = try keys.map { try log.rawViewValue("profile", key: $0) }
            #expect(appended.compactMap { $0 }.count >= 400 / 3 - 5, "seed \(seed): too few snapshots")
            try log.rebuild(chunkSize: 37)
            #expect(try keys.map { try log.rawViewValue("profile", key: $0) } == appended, "seed \(seed): the rebuild's snapshots differ")
            try Self.expectAnswersMatch(log, customers: 5, horizons: horizons, "seed \(seed), rebuilt")
        }
    }

    @Test func withoutAnUpToDateViewTheLogIsFoldedInstead() throws {
        let seed = testSeed()
        let lines = try Self.mostlyInOrder(seed: seed, count: 200, customers: 4)
        try withTemporaryDirectory { directory in
            var options = EventLog.Options(create: true, durable: false)
            options.inlineViews = false
            let log = try EventLog(path: directory + "/a.db", options: options, projectors: Self.projectors)
            try ProjectionTests.append(lines, to: log, seed: seed &+ 1)
            #expect(throws: TouchlogError.self) { try log.profile(of: "cust-1") }
            var rng = SeededRandom(seed: seed &+ 2)
            try Self.expectAnswersMatch(log, customers: 4, horizons: try Self.horizons(of: log, count: 20, using: &rng), "seed \(seed)")
        }
    }
}
