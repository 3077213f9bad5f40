import Foundation
import LMDB
import Testing
import Touchlog

/// A batch's view writes recorded over a read snapshot (`ViewWrites`): reads see each key's
/// latest write, its own or else its base's (the batch in front), and a replay makes exactly the
/// latest writes, whatever the order and repetition of keys, through the growth of its index
/// (values that grow, shrink and spill onto overflow pages).
struct ViewWritesTests {
    /// Keys of different lengths, some prefixes of others (`k1`, `k10`, `k100`).
    static func key(_ number: Int) -> [UInt8] { Array("k\(number)".utf8) }

    /// Random puts and deletes into `writes`, noted in `model` (`nil` for a delete); some reads
    /// on the way are checked against `model` over `below`.
    static func record(
        _ count: Int, keys: Int, into writes: ViewWrites, model: inout [[UInt8]: [UInt8]?], below: [[UInt8]: [UInt8]?],
        using rng: inout SeededRandom, context: String
    ) {
        for _ in 0..<count {
            let key = key(Int.random(in: 0..<keys, using: &rng))
            // Some values larger than a page holds (LMDB keeps them on overflow pages).
            let size = Int.random(in: 0..<20, using: &rng) == 0 ? Int.random(in: 2_000...9_000, using: &rng) : Int.random(in: 0...40, using: &rng)
            let value = Int.random(in: 0..<5, using: &rng) == 0 ? nil : (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            writes.record(key, value)
            model[key] = .some(value)
            let probe = Self.key(Int.random(in: 0..<keys, using: &rng))
            #expect(read(writes, probe) == (model[probe] ?? below[probe]), "\(context): \(String(decoding: probe, as: UTF8.self))")
        }
    }

    /// What `writes` holds for `key`: `nil` if nothing, `.some(nil)` for a delete.
    static func read(_ writes: ViewWrites, _ key: [UInt8]) -> [UInt8]?? {
        switch writes.recorded(key) {
        case .value(let bytes)?: .some(Array(bytes))
        case .deleted?: .some(nil)
        case nil: nil
        }
    }

    /// A new database at `path` whose view holds the entries of `numbers` (key `k<n>`, value the
    /// low byte of n), and those entries.
    static func view(at path: String, holding numbers: some Sequence<Int>) throws -> (Environment, Database, [[UInt8]: [UInt8]]) {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var options = Environment.Options()
        options.durable = false
        let environment = try Environment(path: path, options: options)
        let view = try #require(try environment.openDatabase("view", flags: .create))
        var stored: [[UInt8]: [UInt8]] = [:]
        try environment.write { txn in
            for number in numbers {
                stored[key(number)] = [UInt8(number & 0xff)]
                try txn.put(view, key: key(number), value: [UInt8(number & 0xff)])
            }
        }
        return (environment, view, stored)
    }

    /// Every entry of `view`.
    static func entries(of view: Database, in environment: Environment) throws -> [[UInt8]: [UInt8]] {
        try environment.read { txn in
            try txn.withCursor(view) { cursor in
                var found: [[UInt8]: [UInt8]] = [:]
                var entry = try cursor.first()
                while let current = entry {
                    found[Array(current.key)] = Array(current.value)
                    entry = try cursor.next()
                }
                return found
            }
        }
    }

    @Test func readsAndReplaySeeEachKeysLatestWrite() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        try withTemporaryDirectory { directory in
            for round in 0..<12 {
                let context = "seed \(seed) (TOUCHLOG_TEST_SEED=\(seed)), round \(round)"
                // Few keys, rewritten often; or many, which grow the index past what was reserved.
                let keys = round.isMultiple(of: 2) ? Int.random(in: 1...30, using: &rng) : Int.random(in: 500...4_000, using: &rng)
                // Entries already in the view, which a replayed delete must remove.
                let (environment, view, stored) = try Self.view(at: directory + "/\(round)", holding: stride(from: 0, to: keys, by: 3))
                let base = ViewWrites(expectedWrites: Int.random(in: 0...64, using: &rng))
                var front: [[UInt8]: [UInt8]?] = [:]
                Self.record(Int.random(in: 0...(keys * 3), using: &rng), keys: keys, into: base, model: &front, below: [:], using: &rng, context: context + ", base")
                base.sortForReplay()
                let writes = ViewWrites(expectedWrites: Int.random(in: 0...64, using: &rng), over: base)
                var own: [[UInt8]: [UInt8]?] = [:]
                Self.record(Int.random(in: 0...(keys * 3), using: &rng), keys: keys, into: writes, model: &own, below: front, using: &rng, context: context)
                writes.sortForReplay()

                try environment.write { txn in
                    try ViewWrites.replay([base], in: txn, database: view)
                    try ViewWrites.replay([writes], in: txn, database: view)
                }
                var expected = stored
                for (key, value) in front.merging(own, uniquingKeysWith: { $1 }) { expected[key] = value }
                let found = try Self.entries(of: view, in: environment)
                #expect(found == expected, "\(context): \(found.count) entries against \(expected.count)")
            }
        }
    }

    /// The shares of one view, replayed together in one pass in key order, make the same writes
    /// as each replayed alone: keys apart between shares, and a settings-like key that every
    /// share writes with the same value.
    @Test func sharesReplayedTogetherMakeEachSharesWrites() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        try withTemporaryDirectory { directory in
            for round in 0..<8 {
                let context = "seed \(seed) (TOUCHLOG_TEST_SEED=\(seed)), round \(round)"
                let keys = Int.random(in: 1...3_000, using: &rng)
                let shareCount = Int.random(in: 1...4, using: &rng)
                let (environment, view, stored) = try Self.view(at: directory + "/\(round)", holding: stride(from: 0, to: keys, by: 2))
                var expected = stored
                let shares = (0..<shareCount).map { _ in ViewWrites(expectedWrites: Int.random(in: 0...64, using: &rng)) }
                for _ in 0..<Int.random(in: 0...(keys * 2), using: &rng) {
                    let number = Int.random(in: 0..<keys, using: &rng)
                    let value = Int.random(in: 0..<5, using: &rng) == 0 ? nil : (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    shares[number % shareCount].record(Self.key(number), value)
                    expected[Self.key(number)] = value
                }
                let settings = Array("settings".utf8)
                for share in shares where Bool.random(using: &rng) {
                    share.record(settings, [7])
                    expected[settings] = [7]
                }
                try environment.write { txn in try ViewWrites.replay(shares, in: txn, database: view) }
                let found = try Self.entries(of: view, in: environment)
                #expect(found == expected, "\(context): \(shareCount) shares")
            }
        }
    }
}
