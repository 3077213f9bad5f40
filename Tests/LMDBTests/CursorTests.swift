import LMDB
import Testing

@Suite("LMDB cursors")
struct CursorTests {
    /// Keys 10, 20, …, 200 as big-endian UInt64, each with the value "v<key>".
    static let keys: [UInt64] = (1...20).map { UInt64($0 * 10) }

    static func pair(_ key: UInt64) -> Pair { Pair(bigEndian(key), bytes("v\(key)")) }

    /// Runs `body` with a cursor over a database holding `keys`.
    func withRange(_ body: (Cursor) throws -> Void) throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("range", flags: .create))
            try env.write { txn throws in
                for key in Self.keys.shuffled() { try txn.put(db, key: bigEndian(key), value: bytes("v\(key)")) }
            }
            try env.read { txn in try txn.withCursor(db, body) }
        }
    }

    @Test func firstNextWalksForwardAndEndsWithNil() throws {
        try withRange { cursor throws in
            var seen: [Pair] = []
            var entry = try cursor.first()
            while let current = entry {
                seen.append(Pair(current))
                entry = try cursor.next()
            }
            #expect(seen == Self.keys.map(Self.pair))
            #expect(try cursor.next() == nil)
        }
    }

    @Test func lastPreviousWalksBackwardAndEndsWithNil() throws {
        try withRange { cursor throws in
            var seen: [Pair] = []
            var entry = try cursor.last()
            while let current = entry {
                seen.append(Pair(current))
                entry = try cursor.previous()
            }
            #expect(seen == Self.keys.reversed().map(Self.pair))
            #expect(try cursor.previous() == nil)
        }
    }

    @Test func firstAndLastThenStepPastTheEnds() throws {
        try withRange { cursor throws in
            #expect(try cursor.first().map(Pair.init) == Self.pair(10))
            #expect(try cursor.previous() == nil)
            #expect(try cursor.last().map(Pair.init) == Self.pair(200))
            #expect(try cursor.next() == nil)
            // The cursor can be repositioned after running off an end.
            #expect(try cursor.first().map(Pair.init) == Self.pair(10))
            #expect(try cursor.next().map(Pair.init) == Self.pair(20))
            #expect(try cursor.previous().map(Pair.init) == Self.pair(10))
        }
    }

    @Test func seekExactKey() throws {
        try withRange { cursor throws in
            #expect(try cursor.seek(bigEndian(70)) == Self.pair(70))
            #expect(try cursor.next().map(Pair.init) == Self.pair(80))
            #expect(try cursor.seek(bigEndian(200)) == Self.pair(200))
            #expect(try cursor.next() == nil)
            #expect(try cursor.seek(bigEndian(10)) == Self.pair(10))
            #expect(try cursor.previous() == nil)
            #expect(try cursor.seek(bigEndian(15)) == nil)
            #expect(try cursor.seek(bigEndian(0)) == nil)
            #expect(try cursor.seek(bigEndian(1000)) == nil)
            // A prefix of a key is not the key.
            #expect(try cursor.seek(Array(bigEndian(70).prefix(7))) == nil)
        }
    }

    @Test func seekAtOrAfter() throws {
        try withRange { cursor throws in
            #expect(try cursor.seek(atOrAfter: bigEndian(70)) == Self.pair(70))
            #expect(try cursor.seek(atOrAfter: bigEndian(71)) == Self.pair(80))
            #expect(try cursor.seek(atOrAfter: bigEndian(0)) == Self.pair(10))
            // LMDB rejects an empty key; the wrapper reports it instead of crashing.
            let error = #expect(throws: LMDBError.self) { _ = try cursor.seek(atOrAfter: []) }
            #expect(error?.code == LMDBCode.badValueSize)
            #expect(try cursor.seek(atOrAfter: bigEndian(199)) == Self.pair(200))
            #expect(try cursor.seek(atOrAfter: bigEndian(201)) == nil)
            #expect(try cursor.seek(atOrAfter: bigEndian(UInt64.max)) == nil)
            // Moving on from a seek.
            #expect(try cursor.seek(atOrAfter: bigEndian(15)) == Self.pair(20))
            #expect(try cursor.next().map(Pair.init) == Self.pair(30))
            #expect(try cursor.previous().map(Pair.init) == Self.pair(20))
            #expect(try cursor.previous().map(Pair.init) == Self.pair(10))
        }
    }

    @Test func rangeScanWithSeekAndNext() throws {
        try withRange { cursor throws in
            // Keys in [35, 95).
            var found: [UInt64] = []
            var entry = try bigEndian(35).withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry, decodeBigEndian(current.key) < 95 {
                found.append(decodeBigEndian(current.key))
                #expect(String(decoding: current.value, as: UTF8.self) == "v\(decodeBigEndian(current.key))")
                entry = try cursor.next()
            }
            #expect(found == [40, 50, 60, 70, 80, 90])

            // An empty range.
            let afterGap = try cursor.seek(atOrAfter: bigEndian(41))
            #expect(afterGap.map { decodeBigEndian($0.key) } == 50)
        }
    }

    @Test func emptyDatabaseGivesNilEverywhere() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("empty", flags: .create))
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.first() == nil)
                    #expect(try cursor.last() == nil)
                    #expect(try cursor.next() == nil)
                    #expect(try cursor.previous() == nil)
                    #expect(try cursor.seek(bytes("k")) == nil)
                    #expect(try cursor.seek(atOrAfter: bytes("a")) == nil)
                }
            }
        }
    }

    @Test func cursorInWriteTransactionSeesUncommittedWrites() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { txn throws in
                try txn.put(db, "b", "2")
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.first().map(Pair.init) == Pair(bytes("b"), bytes("2")))
                }
                try txn.put(db, "a", "1")
                let keys = try txn.allPairs(db).map { String(decoding: $0.key, as: UTF8.self) }
                #expect(keys == ["a", "b"])
            }
        }
    }

    @Test func putsAndDeletesThroughACursor() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { txn throws in
                for key in [UInt64(20), 40] { try txn.put(db, key: bigEndian(key), value: bytes("old")) }
                try txn.withCursor(db) { cursor throws in
                    for key in [UInt64(10), 20, 30, 40, 50] {  // in key order, over and between stored keys
                        try bigEndian(key).withUnsafeBytes { k in try bytes("v\(key)").withUnsafeBytes { try cursor.put(k, $0) } }
                    }
                    #expect(try bigEndian(30).withUnsafeBytes { try cursor.delete($0) })
                    #expect(try !bigEndian(35).withUnsafeBytes { try cursor.delete($0) })
                }
            }
            try env.read { txn throws in
                #expect(try txn.allPairs(db) == [10, 20, 40, 50].map(CursorTests.pair))
            }
        }
    }

    @Test func withCursorPassesErrorsAndValuesThrough() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.read { txn throws in
                #expect(try txn.withCursor(db) { _ in 7 } == 7)
                #expect(throws: DeliberateAbort.self) { try txn.withCursor(db) { _ in throw DeliberateAbort() } }
                // Cursors can be opened again after one failed.
                #expect(try txn.withCursor(db) { try $0.first() } == nil)
            }
        }
    }
}

@Suite("LMDB duplicate-sorted databases")
struct DuplicateSortTests {
    /// Values per key, given out of order; stored sorted.
    static let content: [(String, [UInt64])] = [("a", [5, 1, 3, 9]), ("b", [2]), ("c", [8, 7])]

    static func pair(_ key: String, _ value: UInt64) -> Pair { Pair(bytes(key), bigEndian(value)) }

    /// Runs `body` with an environment and a duplicate-sorted, duplicate-fixed database holding `content`.
    func withDuplicates(_ body: (Environment, Database) throws -> Void) throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("dups", flags: [.create, .duplicateSort, .duplicateFixed]))
            try env.write { txn throws in
                for (key, values) in Self.content {
                    for value in values { try txn.put(db, key: bytes(key), value: bigEndian(value)) }
                }
            }
            try body(env, db)
        }
    }

    @Test func severalValuesPerKeyStoredSorted() throws {
        try withDuplicates { env, db throws in
            try env.read { txn throws in
                #expect(try txn.statistics(db).entries == 7)
                // get returns the smallest value of the key.
                #expect(try txn.value(db, bytes("a")) == bigEndian(1))
                #expect(try txn.value(db, bytes("c")) == bigEndian(7))
                #expect(try txn.value(db, bytes("d")) == nil)
                let all = try txn.allPairs(db)
                #expect(all == [
                    Self.pair("a", 1), Self.pair("a", 3), Self.pair("a", 5), Self.pair("a", 9),
                    Self.pair("b", 2), Self.pair("c", 7), Self.pair("c", 8),
                ])
            }
        }
    }

    @Test func nextDuplicateDuplicateCountAndNextKey() throws {
        try withDuplicates { env, db throws in
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.seek(bytes("a")) == Self.pair("a", 1))
                    #expect(try cursor.duplicateCount() == 4)
                    var values: [UInt64] = [1]
                    while let entry = try cursor.nextDuplicate() {
                        #expect(Array(entry.key) == bytes("a"))
                        values.append(decodeBigEndian(entry.value))
                    }
                    #expect(values == [1, 3, 5, 9])

                    #expect(try cursor.nextKey().map(Pair.init) == Self.pair("b", 2))
                    #expect(try cursor.duplicateCount() == 1)
                    #expect(try cursor.nextDuplicate() == nil)
                    #expect(try cursor.nextKey().map(Pair.init) == Self.pair("c", 7))
                    #expect(try cursor.duplicateCount() == 2)
                    #expect(try cursor.nextKey() == nil)

                    // nextKey skips the remaining duplicates of a key.
                    #expect(try cursor.first().map(Pair.init) == Self.pair("a", 1))
                    #expect(try cursor.nextDuplicate().map(Pair.init) == Self.pair("a", 3))
                    #expect(try cursor.nextKey().map(Pair.init) == Self.pair("b", 2))

                    // Walking keys only.
                    var keys: [String] = []
                    var entry = try cursor.first()
                    while let current = entry {
                        keys.append(String(decoding: current.key, as: UTF8.self))
                        entry = try cursor.nextKey()
                    }
                    #expect(keys == ["a", "b", "c"])
                }
            }
        }
    }

    @Test func lastAndPreviousDuplicate() throws {
        try withDuplicates { env, db throws in
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.seek(bytes("a")) == Self.pair("a", 1))
                    #expect(try cursor.lastDuplicate().map(Pair.init) == Self.pair("a", 9))
                    #expect(try cursor.previousDuplicate().map(Pair.init) == Self.pair("a", 5))
                    #expect(try cursor.previousDuplicate().map(Pair.init) == Self.pair("a", 3))
                    #expect(try cursor.previousDuplicate().map(Pair.init) == Self.pair("a", 1))
                    #expect(try cursor.previousDuplicate() == nil)
                    // last lands on the last value of the last key.
                    #expect(try cursor.last().map(Pair.init) == Self.pair("c", 8))
                }
            }
        }
    }

    @Test func seekValueAtOrAfter() throws {
        try withDuplicates { env, db throws in
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.seek(bytes("a"), valueAtOrAfter: bigEndian(0)) == Self.pair("a", 1))
                    #expect(try cursor.seek(bytes("a"), valueAtOrAfter: bigEndian(3)) == Self.pair("a", 3))
                    #expect(try cursor.seek(bytes("a"), valueAtOrAfter: bigEndian(4)) == Self.pair("a", 5))
                    #expect(try cursor.nextDuplicate().map(Pair.init) == Self.pair("a", 9))
                    #expect(try cursor.nextDuplicate() == nil)
                    #expect(try cursor.seek(bytes("a"), valueAtOrAfter: bigEndian(9)) == Self.pair("a", 9))
                    // No value that large under "a": nil, not the next key's value.
                    #expect(try cursor.seek(bytes("a"), valueAtOrAfter: bigEndian(10)) == nil)
                    #expect(try cursor.seek(bytes("b"), valueAtOrAfter: bigEndian(0)) == Self.pair("b", 2))
                    #expect(try cursor.seek(bytes("c"), valueAtOrAfter: bigEndian(8)) == Self.pair("c", 8))
                    #expect(try cursor.duplicateCount() == 2)
                    #expect(try cursor.seek(bytes("bb"), valueAtOrAfter: bigEndian(0)) == nil)
                    #expect(try cursor.seek(bytes("z"), valueAtOrAfter: bigEndian(0)) == nil)
                }
            }
        }
    }

    /// The entry's key must be the stored key, valid for the whole transaction like every buffer a
    /// cursor returns, not an alias of the caller's (possibly short-lived) key buffer.
    @Test func seekValueAtOrAfterReturnsTheStoredKey() throws {
        try withDuplicates { env, db throws in
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
                    defer { scratch.deallocate() }
                    scratch[0] = UInt8(ascii: "a")
                    let entry = try bigEndian(4).withUnsafeBytes { value in
                        try cursor.seek(UnsafeRawBufferPointer(scratch), valueAtOrAfter: value)
                    }
                    scratch[0] = UInt8(ascii: "x")  // the caller reuses its buffer
                    let found = try #require(entry)
                    #expect(Array(found.key) == bytes("a"))
                    #expect(found.key.baseAddress != UnsafeRawPointer(scratch.baseAddress))
                    #expect(decodeBigEndian(found.value) == 5)
                }
            }
        }
    }

    @Test func duplicatePairsAndNoDuplicateData() throws {
        try withDuplicates { env, db throws in
            // Storing an existing pair again changes nothing.
            try env.write { try $0.put(db, key: bytes("a"), value: bigEndian(3)) }
            #expect(try env.read { try $0.statistics(db).entries } == 7)

            let error = #expect(throws: LMDBError.self) {
                try env.write { try $0.put(db, key: bytes("a"), value: bigEndian(3), flags: .noDuplicateData) }
            }
            #expect(isLMDBError(error, .keyExists))
            try env.write { try $0.put(db, key: bytes("a"), value: bigEndian(4), flags: .noDuplicateData) }
            #expect(try env.read { try $0.statistics(db).entries } == 8)
        }
    }

    @Test func appendDuplicateInOrderAndOutOfOrder() throws {
        try withDuplicates { env, db throws in
            try env.write { txn throws in
                for value: UInt64 in [10, 11, 12] {
                    try txn.put(db, key: bytes("a"), value: bigEndian(value), flags: .appendDuplicate)
                }
            }
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    _ = try cursor.seek(bytes("a"))
                    #expect(try cursor.duplicateCount() == 7)
                    #expect(try cursor.lastDuplicate().map { decodeBigEndian($0.value) } == 12)
                }
            }
            let error = #expect(throws: LMDBError.self) {
                try env.write { try $0.put(db, key: bytes("a"), value: bigEndian(2), flags: .appendDuplicate) }
            }
            #expect(isLMDBError(error, .keyExists))
        }
    }

    @Test func deleteOnePairOrAllValuesOfAKey() throws {
        try withDuplicates { env, db throws in
            try env.write { txn throws in
                #expect(try txn.delete(db, key: bytes("a"), value: bigEndian(5)))
                #expect(try !txn.delete(db, key: bytes("a"), value: bigEndian(6)))
                #expect(try !txn.delete(db, key: bytes("zz"), value: bigEndian(1)))
            }
            try env.read { txn throws in
                let values = try txn.allPairs(db).filter { $0.key == bytes("a") }.map { decodeBigEndian($0.value) }
                #expect(values == [1, 3, 9])
            }
            try env.write { txn throws in #expect(try txn.delete(db, key: bytes("a"))) }
            try env.read { txn throws in
                #expect(try txn.value(db, bytes("a")) == nil)
                #expect(try txn.statistics(db).entries == 3)
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.first().map(Pair.init) == Self.pair("b", 2))
                }
            }
        }
    }

    @Test func duplicateCountOnAPlainDatabaseIsAnError() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("plain", flags: .create))
            try env.write { try $0.put(db, "k", "v") }
            try env.read { txn throws in
                try txn.withCursor(db) { cursor throws in
                    _ = try cursor.first()
                    let error = #expect(throws: LMDBError.self) { _ = try cursor.duplicateCount() }
                    #expect(error?.code == LMDBCode.incompatible)
                    #expect(error?.operation == "mdb_cursor_count")
                }
            }
        }
    }

    @Test func manyDuplicatesSpanSeveralPages() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: 4 << 20))
            let db = try #require(try env.openDatabase("dups", flags: [.create, .duplicateSort, .duplicateFixed]))
            try env.write { txn throws in
                for key in ["x", "y"] {
                    for value in stride(from: UInt64(0), to: 20_000, by: 2) {
                        try txn.put(db, key: bytes(key), value: bigEndian(value), flags: .appendDuplicate)
                    }
                }
            }
            try env.read { txn throws in
                #expect(try txn.statistics(db).entries == 20_000)
                try txn.withCursor(db) { cursor throws in
                    #expect(try cursor.seek(bytes("x"), valueAtOrAfter: bigEndian(12_345)) == Pair(bytes("x"), bigEndian(12_346)))
                    #expect(try cursor.duplicateCount() == 10_000)
                    var count = 1
                    var previous: UInt64 = 12_346
                    while let entry = try cursor.nextDuplicate() {
                        let value = decodeBigEndian(entry.value)
                        #expect(value == previous + 2)
                        previous = value
                        count += 1
                    }
                    #expect(count == (20_000 - 12_346) / 2)
                    #expect(try cursor.nextKey().map(Pair.init) == Pair(bytes("y"), bigEndian(0)))
                }
            }
        }
    }
}
