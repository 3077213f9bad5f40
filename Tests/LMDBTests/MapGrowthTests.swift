import LMDB
import Testing

@Suite("LMDB map growth")
struct MapGrowthTests {
    static let tinyMap = 64 * 1024
    static let valueSize = 32 * 1024

    static func value(_ index: Int) -> [UInt8] { pattern(seed: UInt64(index), count: valueSize) }

    /// Checks that `db` holds exactly `count` values written by `write(index:)`.
    static func expectIntact(_ env: Environment, _ db: Database, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try env.read { txn throws in
            #expect(try txn.statistics(db).entries == count, sourceLocation: sourceLocation)
            for index in 0..<count {
                guard sameBytes(try txn.get(db, key: bigEndian(UInt64(index))), value(index)) else {
                    Issue.record("value \(index) missing or damaged", sourceLocation: sourceLocation)
                    return
                }
            }
        }
    }

    @Test func tinyMapAcceptsMegabytesInOneTransaction() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap))
            #expect(env.mapSize == Self.tinyMap)
            let db = try #require(try env.openDatabase("blobs", flags: .create))
            let count = 256  // 8 MiB
            var attempts = 0
            let written = try env.write { txn throws in
                attempts += 1
                for index in 0..<count {
                    try txn.put(db, key: bigEndian(UInt64(index)), value: Self.value(index), flags: .append)
                }
                return count
            }
            #expect(written == count)
            // The closure ran again after each growth.
            #expect(attempts > 1)
            #expect(env.mapSize >= count * Self.valueSize)
            #expect(env.mapSize > Self.tinyMap)
            #expect(env.usedBytes <= env.mapSize)
            try Self.expectIntact(env, db, count: count)
        }
    }

    @Test func tinyMapAcceptsMegabytesAcrossTransactionsAndSurvivesReopening() throws {
        try withTemporaryDirectory { dir throws in
            let count = 192  // 6 MiB in 48 transactions of 4 values
            var grownTo = 0
            do {
                let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap))
                let db = try #require(try env.openDatabase("blobs", flags: .create))
                var sizes: Set<Int> = [env.mapSize]
                for start in stride(from: 0, to: count, by: 4) {
                    try env.write { txn throws in
                        for index in start..<start + 4 {
                            try txn.put(db, key: bigEndian(UInt64(index)), value: Self.value(index))
                        }
                    }
                    sizes.insert(env.mapSize)
                }
                #expect(sizes.count > 3, "the map grew in several steps: \(sizes.sorted())")
                #expect(env.mapSize >= count * Self.valueSize)
                grownTo = env.mapSize
                try Self.expectIntact(env, db, count: count)
            }

            // Reopen with the same tiny configured size: the data is all there, and the map is at
            // least as large as the data.
            let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap))
            #expect(env.mapSize >= env.usedBytes)
            #expect(env.mapSize <= grownTo)
            let db = try #require(try env.openDatabase("blobs"))
            try Self.expectIntact(env, db, count: count)
            // …and it keeps growing.
            try env.write { txn throws in
                for index in count..<count + 64 {
                    try txn.put(db, key: bigEndian(UInt64(index)), value: Self.value(index))
                }
            }
            try Self.expectIntact(env, db, count: count + 64)
        }
    }

    @Test func closureThatSwallowsMapFullIsStillRetried() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap))
            let db = try #require(try env.openDatabase("blobs", flags: .create))
            var swallowed = 0
            try env.write { txn throws in
                for index in 0..<32 {
                    do {
                        try txn.put(db, key: bigEndian(UInt64(index)), value: Self.value(index))
                    } catch LMDBError.mapFull {
                        swallowed += 1
                        return
                    }
                }
            }
            #expect(swallowed > 0)
            try Self.expectIntact(env, db, count: 32)
        }
    }

    @Test func reachingMaxMapSizeIsAnErrorAndKeepsCommittedData() throws {
        try withTemporaryDirectory { dir throws in
            // Not a power-of-two multiple of the initial size: the last step is capped, not doubled.
            let maxMapSize = 768 * 1024
            let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap, maxMapSize: maxMapSize))
            let db = try #require(try env.openDatabase("blobs", flags: .create))

            // Commit transactions until the map can grow no more.
            var committed = 0
            var failure: (any Error)?
            while committed < 100 {
                do {
                    try env.write { txn throws in
                        try txn.put(db, key: bigEndian(UInt64(committed)), value: Self.value(committed))
                    }
                    committed += 1
                } catch {
                    failure = error
                    break
                }
            }
            let error = try #require(failure as? LMDBError, "writing 3 MiB into a 768 KiB map must fail")
            #expect(error.code == LMDBError.mapFull.code)
            #expect(error.description.contains("MDB_MAP_FULL"))
            #expect(committed > 10)
            #expect(env.mapSize == maxMapSize)
            try Self.expectIntact(env, db, count: committed)

            // One big transaction fails the same way and leaves nothing behind.
            let big = #expect(throws: LMDBError.self) {
                try env.write { txn throws in
                    for index in 1000..<1064 {
                        try txn.put(db, key: bigEndian(UInt64(index)), value: Self.value(index))
                    }
                }
            }
            #expect(isLMDBError(big, .mapFull))
            try Self.expectIntact(env, db, count: committed)

            withExtendedLifetime(env) {}
        }
    }

    @Test func reopeningWithALargerMaximumLetsAFullMapGrowAgain() throws {
        try withTemporaryDirectory { dir throws in
            var committed = 0
            do {
                let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap, maxMapSize: 512 * 1024))
                let db = try #require(try env.openDatabase("blobs", flags: .create))
                while committed < 200 {
                    do {
                        try env.write { txn in
                            try txn.put(db, key: bigEndian(UInt64(committed)), value: Self.value(committed))
                        }
                        committed += 1
                    } catch LMDBError.mapFull {
                        break
                    }
                }
                #expect(committed < 200, "a 512 KiB map must fill up")
                #expect(env.mapSize == 512 * 1024)
            }
            let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap, maxMapSize: 4 << 20))
            let db = try #require(try env.openDatabase("blobs"))
            try Self.expectIntact(env, db, count: committed)
            try env.write { txn in
                for index in committed..<committed + 32 {
                    try txn.put(db, key: bigEndian(UInt64(index)), value: Self.value(index))
                }
            }
            #expect(env.mapSize > 512 * 1024)
            #expect(env.mapSize <= 4 << 20)
            try Self.expectIntact(env, db, count: committed + 32)
        }
    }

    @Test func mapSizeAboveMaximumFailsImmediatelyWhenFull() throws {
        try withTemporaryDirectory { dir throws in
            // maxMapSize below mapSize: the map never grows, but writes that fit work.
            let env = try Environment(path: dir, options: options(mapSize: Self.tinyMap, maxMapSize: 1024))
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { try $0.put(db, "small", "fits") }
            let error = #expect(throws: LMDBError.self) {
                try env.write { try $0.put(db, key: bytes("big"), value: Self.value(0) + Self.value(1)) }
            }
            #expect(isLMDBError(error, .mapFull))
            #expect(env.mapSize == Self.tinyMap)
            #expect(try env.read { try $0.string(db, "small") } == "fits")
        }
    }
}
