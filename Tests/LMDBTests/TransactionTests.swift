import LMDB
import Testing

@Suite("LMDB transactions")
struct TransactionTests {
    @Test func putGetOverwriteDelete() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))

            #expect(try env.read { try $0.value(db, bytes("k")) } == nil)
            try env.write { txn throws in
                try txn.put(db, "k", "first")
                // A write transaction sees its own writes.
                #expect(try txn.string(db, "k") == "first")
            }
            #expect(try env.read { try $0.string(db, "k") } == "first")

            try env.write { try $0.put(db, "k", "second, and longer than the first") }
            #expect(try env.read { try $0.string(db, "k") } == "second, and longer than the first")
            try env.write { try $0.put(db, "k", "3") }
            #expect(try env.read { try $0.string(db, "k") } == "3")
            #expect(try env.read { try $0.statistics(db).entries } == 1)

            let deleted = try env.write { try $0.delete(db, key: bytes("k")) }
            #expect(deleted)
            #expect(try env.read { try $0.value(db, bytes("k")) } == nil)
            let deletedAgain = try env.write { try $0.delete(db, key: bytes("k")) }
            #expect(!deletedAgain)
            #expect(try env.read { try $0.statistics(db).entries } == 0)
        }
    }

    @Test func keysAndValuesAreBinaryAndExact() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            let binaryKey: [UInt8] = [0, 255, 0, 1]
            let binaryValue: [UInt8] = [0, 0, 0, 200, 0]
            let big = pattern(seed: 9, count: 100_000)  // overflow pages
            try env.write { txn throws in
                try txn.put(db, key: binaryKey, value: binaryValue)
                try txn.put(db, key: [0, 255, 0], value: [1])  // a prefix is another key
                try txn.put(db, key: bytes("empty"), value: [])
                try txn.put(db, key: bytes("big"), value: big)
            }
            try env.read { txn throws in
                #expect(try txn.value(db, binaryKey) == binaryValue)
                #expect(try txn.value(db, [0, 255, 0]) == [1])
                #expect(try txn.value(db, [0, 255]) == nil)
                let empty = try #require(try txn.get(db, key: bytes("empty")))
                #expect(empty.count == 0)
                #expect(try txn.value(db, bytes("big")) == big)
            }
        }
    }

    @Test func oversizedKeyIsAnErrorNotACrash() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            let error = #expect(throws: LMDBError.self) {
                try env.write { try $0.put(db, key: [UInt8](repeating: 1, count: 600), value: [1]) }
            }
            #expect(error?.code == LMDBCode.badValueSize)
            #expect(error?.description.contains("MDB_BAD_VALSIZE") == true)
        }
    }

    @Test func noOverwriteGivesKeyExistsAndKeepsTheValue() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { try $0.put(db, "k", "original", flags: .noOverwrite) }

            let error = #expect(throws: LMDBError.self) {
                try env.write { try $0.put(db, "k", "replacement", flags: .noOverwrite) }
            }
            #expect(error?.code == LMDBError.keyExists.code)
            #expect(isLMDBError(error, .keyExists))
            #expect(error?.operation == "mdb_put")
            #expect(try env.read { try $0.string(db, "k") } == "original")

            // keyExists does not spoil the transaction: it can go on and commit.
            try env.write { txn throws in
                do {
                    try txn.put(db, "k", "replacement", flags: .noOverwrite)
                    Issue.record("noOverwrite replaced an existing key")
                } catch LMDBError.keyExists {
                    // expected
                }
                try txn.put(db, "other", "new", flags: .noOverwrite)
            }
            try env.read { txn throws in
                #expect(try txn.string(db, "k") == "original")
                #expect(try txn.string(db, "other") == "new")
            }
        }
    }

    @Test func appendWithBigEndianKeys() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: 4 << 20))
            let db = try #require(try env.openDatabase("log", flags: .create))
            // 0..<300 crosses the byte boundary at 256, where little-endian keys would sort wrongly.
            let keys: [UInt64] = Array(0..<300) + [1 << 10, 1 << 16, 1 << 32, UInt64.max - 1]
            try env.write { txn throws in
                for key in keys where key < 300 {
                    try txn.put(db, key: bigEndian(key), value: bytes("v\(key)"), flags: .append)
                }
            }
            try env.write { txn throws in
                for key in keys where key >= 300 {
                    try txn.put(db, key: bigEndian(key), value: bytes("v\(key)"), flags: .append)
                }
            }
            let stored = try env.read { txn in try txn.allPairs(db).map { decodeBigEndian($0.key) } }
            #expect(stored == keys)
            #expect(try env.read { try $0.value(db, bigEndian(257)) } == bytes("v257"))

            // Out of order: a smaller key, and the last key again.
            for key: UInt64 in [5, UInt64.max] {
                let error = #expect(throws: LMDBError.self) {
                    try env.write { txn throws in
                        try txn.put(db, key: bigEndian(UInt64.max), value: [1], flags: .append)  // legal append first…
                        try txn.put(db, key: bigEndian(key), value: [2], flags: .append)  // …then not
                    }
                }
                #expect(isLMDBError(error, .keyExists), "append of \(key)")
            }
            // The failed transactions left nothing behind, not even their first put.
            try env.read { txn throws in
                #expect(try txn.value(db, bigEndian(UInt64.max)) == nil)
                #expect(try txn.value(db, bigEndian(5)) == bytes("v5"))
                #expect(try txn.statistics(db).entries == keys.count)
            }
        }
    }

    @Test func putReservingFillsInPlace() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            let small = pattern(seed: 1, count: 37)
            let large = pattern(seed: 2, count: 20_000)
            var filledCounts: [Int] = []
            try env.write { txn throws in
                for (key, value) in [("small", small), ("large", large)] {
                    try bytes(key).withUnsafeBytes { k in
                        try txn.put(db, key: k, reserving: value.count) { buffer in
                            filledCounts.append(buffer.count)
                            buffer.copyBytes(from: value)
                        }
                    }
                }
                #expect(try txn.value(db, bytes("small")) == small)
            }
            #expect(filledCounts == [37, 20_000])
            try env.read { txn throws in
                #expect(try txn.value(db, bytes("small")) == small)
                #expect(try txn.value(db, bytes("large")) == large)
            }

            // Reserving honours write flags too.
            let error = #expect(throws: LMDBError.self) {
                try env.write { txn throws in
                    try bytes("small").withUnsafeBytes { k in
                        try txn.put(db, key: k, reserving: 4, flags: .noOverwrite) { _ in
                            Issue.record("fill called although the key exists")
                        }
                    }
                }
            }
            #expect(isLMDBError(error, .keyExists))
            #expect(try env.read { try $0.value(db, bytes("small")) } == small)
        }
    }

    @Test func throwingWriteClosureLeavesNothingBehind() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            let dups = try #require(try env.openDatabase("dups", flags: [.create, .duplicateSort]))
            try env.write { txn throws in
                try txn.put(db, "keep", "original")
                try txn.put(db, "doomed", "still here")
                try txn.put(dups, "k", "1")
            }
            let before = try env.read { try ($0.allPairs(db), $0.allPairs(dups)) }

            var attempts = 0
            #expect(throws: DeliberateAbort.self) {
                try env.write { txn throws in
                    attempts += 1
                    try txn.put(db, "keep", "changed")
                    try txn.delete(db, key: bytes("doomed"))
                    for i in 0..<100 { try txn.put(db, key: bigEndian(UInt64(i)), value: [1]) }
                    try txn.put(dups, "k", "2")
                    try txn.removeAll(dups)
                    throw DeliberateAbort()
                }
            }
            #expect(attempts == 1)
            let after = try env.read { try ($0.allPairs(db), $0.allPairs(dups)) }
            #expect(after.0 == before.0)
            #expect(after.1 == before.1)

            // The environment is fine afterwards, and write returns the closure's value.
            let result = try env.write { txn throws in
                try txn.put(db, "next", "ok")
                return 42
            }
            #expect(result == 42)
            #expect(try env.read { try $0.string(db, "next") } == "ok")
        }
    }

    @Test func readTransactionCannotWrite() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            let error = #expect(throws: LMDBError.self) { try env.read { try $0.put(db, "k", "v") } }
            #expect(isLMDBError(error, .accessDenied))
            #expect(try env.read { try $0.string(db, "k") } == nil)
            // read passes errors of its closure through and returns its value.
            #expect(throws: DeliberateAbort.self) { try env.read { _ in throw DeliberateAbort() } }
            #expect(try env.read { _ in "value" } == "value")
        }
    }

    @Test func removeAllEmptiesButKeepsTheDatabase() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            let other = try #require(try env.openDatabase("other", flags: .create))
            try env.write { txn throws in
                for i in 0..<1000 { try txn.put(db, key: bigEndian(UInt64(i)), value: [UInt8(i & 0xFF)]) }
                try txn.put(other, "k", "v")
            }
            try env.write { try $0.removeAll(db) }
            try env.read { txn throws in
                #expect(try txn.statistics(db).entries == 0)
                #expect(try txn.allPairs(db).isEmpty)
                #expect(try txn.string(other, "k") == "v")
            }
            #expect(try env.openDatabase("db") == db)
            try env.write { try $0.put(db, "again", "yes") }
            #expect(try env.read { try $0.string(db, "again") } == "yes")
        }
    }
}
