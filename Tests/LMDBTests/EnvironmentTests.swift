#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LMDB
import Testing

/// LMDB return codes that `LMDBError` has no named constant for (values from lmdb.h).
enum LMDBCode {
    static let incompatible: Int32 = -30784
    static let badValueSize: Int32 = -30781
}

@Suite("LMDB environment")
struct EnvironmentTests {
    @Test func createsEnvironmentInDirectory() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: 1 << 20))
            #expect(env.path == dir)
            #expect(!env.isReadOnly)
            #expect(env.mapSize == 1 << 20)
            #expect(env.usedBytes > 0)
            #expect(FileManager.default.fileExists(atPath: "\(dir)/data.mdb"))
            #expect(FileManager.default.fileExists(atPath: "\(dir)/lock.mdb"))
        }
    }

    @Test func defaultOptions() {
        let defaults = Environment.Options()
        #expect(defaults.mapSize == 256 << 20)
        #expect(defaults.maxMapSize == 1 << 40)
        #expect(!defaults.readOnly)
        #expect(defaults.durable)
    }

    @Test func openingMissingDirectoryFails() throws {
        try withTemporaryDirectory { dir throws in
            for readOnly in [false, true] {
                let error = #expect(throws: LMDBError.self) {
                    _ = try Environment(path: "\(dir)/missing", options: options(readOnly: readOnly))
                }
                #expect(error?.code == ENOENT)
                #expect(error?.operation.hasPrefix("mdb_env_open") == true)
                #expect(error?.description.contains("No such file or directory") == true)
            }
        }
    }

    @Test func readOnlyOpenOfEmptyDirectoryFailsAndCreatesNothing() throws {
        try withTemporaryDirectory { dir throws in
            let error = #expect(throws: LMDBError.self) {
                _ = try Environment(path: dir, options: options(readOnly: true))
            }
            #expect(error?.code == ENOENT)
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/data.mdb"))
        }
    }

    @Test func fileThatIsNotLMDBIsInvalid() throws {
        try withTemporaryDirectory { dir throws in
            let garbage = Data(repeating: 0x5A, count: 16 * 1024)
            try garbage.write(to: URL(fileURLWithPath: "\(dir)/data.mdb"))
            for readOnly in [false, true] {
                let error = #expect(throws: LMDBError.self) {
                    _ = try Environment(path: dir, options: options(readOnly: readOnly))
                }
                #expect(isLMDBError(error, .invalid))
            }
        }
    }

    @Test func opensAndCreatesNamedDatabases() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            #expect(try env.openDatabase("events") == nil)

            let events = try #require(try env.openDatabase("events", flags: .create))
            let other = try #require(try env.openDatabase("other", flags: .create))
            #expect(events != other)
            // Opening an existing database without `.create` gives the same handle.
            #expect(try env.openDatabase("events") == events)
            #expect(try env.openDatabase("events", flags: .create) == events)
            #expect(try env.openDatabase("still-missing") == nil)

            try env.write { txn throws in
                try txn.put(events, "k", "in events")
                try txn.put(other, "k", "in other")
            }
            try env.read { txn throws in
                #expect(try txn.string(events, "k") == "in events")
                #expect(try txn.string(other, "k") == "in other")
            }
        }
    }

    @Test func databaseHandlesSurviveReopening() throws {
        try withTemporaryDirectory { dir throws in
            do {
                let env = try Environment(path: dir, options: options())
                let db = try #require(try env.openDatabase("persisted", flags: .create))
                try env.write { try $0.put(db, "key", "value") }
            }
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("persisted"))
            #expect(try env.read { try $0.string(db, "key") } == "value")
        }
    }

    @Test func tooManyDatabasesIsAnError() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(maxDatabases: 2))
            _ = try #require(try env.openDatabase("one", flags: .create))
            _ = try #require(try env.openDatabase("two", flags: .create))
            let error = #expect(throws: LMDBError.self) { _ = try env.openDatabase("three", flags: .create) }
            #expect(isLMDBError(error, .databasesFull))
        }
    }

    @Test func readOnlyEnvironmentOpensExistingDatabasesAndReportsMissingOnes() throws {
        try withTemporaryDirectory { dir throws in
            do {
                let writer = try Environment(path: dir, options: options())
                let db = try #require(try writer.openDatabase("events", flags: .create))
                let dups = try #require(try writer.openDatabase("dups", flags: [.create, .duplicateSort]))
                try writer.write { txn throws in
                    for i in 0..<100 { try txn.put(db, key: bigEndian(UInt64(i)), value: bytes("value \(i)")) }
                    try txn.put(dups, "k", "1")
                    try txn.put(dups, "k", "2")
                }
            }

            let reader = try Environment(path: dir, options: options(readOnly: true))
            #expect(reader.isReadOnly)
            #expect(try reader.openDatabase("missing") == nil)
            let db = try #require(try reader.openDatabase("events"))
            #expect(try reader.openDatabase("missing-too") == nil)
            let dups = try #require(try reader.openDatabase("dups", flags: .duplicateSort))

            // The handles were opened in transactions that have ended; they must stay usable in
            // later transactions, however many.
            for round in 0..<3 {
                try reader.read { txn throws in
                    #expect(try txn.string(db, "nope") == nil)
                    #expect(try txn.value(db, bigEndian(42)) == bytes("value 42"), "round \(round)")
                    #expect(try txn.statistics(db).entries == 100)
                    #expect(try txn.allPairs(dups).map(\.value) == [bytes("1"), bytes("2")])
                }
            }
            #expect(try reader.openDatabase("events") == db)

            // Nothing can be written or created.
            let createError = #expect(throws: LMDBError.self) { _ = try reader.openDatabase("new", flags: .create) }
            #expect(isLMDBError(createError, .accessDenied))
            let writeError = #expect(throws: LMDBError.self) { try reader.write { try $0.put(db, "k", "v") } }
            #expect(isLMDBError(writeError, .accessDenied))
            #expect(try reader.read { try $0.statistics(db).entries } == 100)
        }
    }

    @Test func readOnlyEnvironmentOpenedBeforeAnyDatabaseExists() throws {
        try withTemporaryDirectory { dir throws in
            _ = try Environment(path: dir, options: options())
            let reader = try Environment(path: dir, options: options(readOnly: true))
            #expect(try reader.openDatabase("events") == nil)
            #expect(try reader.openDatabase("events") == nil)
        }
    }

    @Test func statisticsCountEntriesAndPages() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("stats", flags: .create))
            let empty = try env.read { try $0.statistics(db) }
            #expect(empty.entries == 0)
            #expect(empty.depth == 0)
            #expect(empty.pages == 0)

            try env.write { txn throws in
                for i in 0..<2000 { try txn.put(db, key: bigEndian(UInt64(i)), value: [UInt8](repeating: 1, count: 100)) }
            }
            let full = try env.read { try $0.statistics(db) }
            #expect(full.entries == 2000)
            #expect(full.depth >= 2)
            // 2000 × ~116 bytes cannot fit in fewer than ~57 pages of 4 KiB.
            #expect(full.pages >= 50)

            try env.write { txn throws in
                #expect(try txn.delete(db, key: bigEndian(7)))
            }
            #expect(try env.read { try $0.statistics(db).entries } == 1999)
        }
    }

    @Test func checkStaleReadersFindsNoneOnACleanEnvironment() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            #expect(try env.checkStaleReaders() == 0)
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { try $0.put(db, "k", "v") }
            try env.read { txn throws in
                #expect(env.readersInUse >= 1)
                #expect(try env.checkStaleReaders() == 0)
                _ = try txn.get(db, key: bytes("k"))
            }
            #expect(try env.checkStaleReaders() == 0)
        }
    }

    @Test func usedBytesGrowWithData() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options(mapSize: 4 << 20))
            let db = try #require(try env.openDatabase("db", flags: .create))
            let before = env.usedBytes
            try env.write { txn throws in
                for i in 0..<64 { try txn.put(db, key: bigEndian(UInt64(i)), value: pattern(seed: UInt64(i), count: 8192)) }
            }
            #expect(env.usedBytes >= before + 64 * 8192)
            #expect(env.usedBytes <= env.mapSize)
        }
    }

    @Test(arguments: [true, false])
    func copyProducesAnEnvironmentHoldingTheData(compact: Bool) throws {
        try withTemporaryDirectory { dir throws in
            let source = try makeDirectory("source", in: dir)
            let destination = try makeDirectory("copy", in: dir)
            let env = try Environment(path: source, options: options())
            let db = try #require(try env.openDatabase("events", flags: .create))
            let dups = try #require(try env.openDatabase("dups", flags: [.create, .duplicateSort]))
            try env.write { txn throws in
                for i in 0..<500 { try txn.put(db, key: bigEndian(UInt64(i)), value: pattern(seed: UInt64(i), count: 300)) }
                for i in 0..<10 { try txn.put(dups, key: bytes("k"), value: bigEndian(UInt64(i))) }
            }
            // Free some pages so that compacting has something to leave out.
            try env.write { txn throws in
                for i in stride(from: 0, to: 500, by: 2) { try txn.delete(db, key: bigEndian(UInt64(i))) }
            }
            let expected = try env.read { try $0.allPairs(db) }
            let expectedDups = try env.read { try $0.allPairs(dups) }

            try env.copy(to: destination, compact: compact)
            // The source goes on working.
            try env.write { try $0.put(db, "after", "copy") }

            let copy = try Environment(path: destination, options: options())
            let copiedDB = try #require(try copy.openDatabase("events"))
            let copiedDups = try #require(try copy.openDatabase("dups", flags: .duplicateSort))
            try copy.read { txn throws in
                #expect(try txn.statistics(copiedDB).entries == 250)
                #expect(try txn.allPairs(copiedDB) == expected)
                #expect(try txn.allPairs(copiedDups) == expectedDups)
                #expect(try txn.string(copiedDB, "after") == nil)
            }
            if compact { #expect(copy.usedBytes <= env.usedBytes) }
            // The copy is an independent, writable environment.
            try copy.write { try $0.put(copiedDB, "new", "in copy") }
            #expect(try copy.read { try $0.string(copiedDB, "new") } == "in copy")
            #expect(try env.read { try $0.string(db, "new") } == nil)
        }
    }

    @Test func copyIntoDirectoryThatHoldsAnEnvironmentFails() throws {
        try withTemporaryDirectory { dir throws in
            let source = try makeDirectory("source", in: dir)
            let destination = try makeDirectory("copy", in: dir)
            let env = try Environment(path: source, options: options())
            try env.copy(to: destination)
            let error = #expect(throws: LMDBError.self) { try env.copy(to: destination) }
            #expect(error?.code == EEXIST)
            #expect(error?.operation.contains(destination) == true)
        }
    }

    @Test func syncMakesNonDurableWritesPersistent() throws {
        try withTemporaryDirectory { dir throws in
            do {
                let env = try Environment(path: dir, options: options())
                let db = try #require(try env.openDatabase("db", flags: .create))
                try env.write { try $0.put(db, "k", "v") }
                try env.sync()
            }
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db"))
            #expect(try env.read { try $0.string(db, "k") } == "v")
        }
    }

    @Test func durableEnvironmentCommitsAndReopens() throws {
        try withTemporaryDirectory { dir throws in
            var durable = Environment.Options()
            durable.mapSize = 1 << 20
            do {
                let env = try Environment(path: dir, options: durable)
                let db = try #require(try env.openDatabase("db", flags: .create))
                try env.write { try $0.put(db, "k", "durable") }
            }
            let env = try Environment(path: dir, options: durable)
            let db = try #require(try env.openDatabase("db"))
            #expect(try env.read { try $0.string(db, "k") } == "durable")
        }
    }
}

@Suite("LMDBError")
struct LMDBErrorTests {
    @Test func descriptionContainsLMDBMessageOperationAndCode() throws {
        try withTemporaryDirectory { dir throws in
            let env = try Environment(path: dir, options: options())
            let db = try #require(try env.openDatabase("db", flags: .create))
            try env.write { try $0.put(db, "k", "v") }
            let error = #expect(throws: LMDBError.self) {
                try env.write { try $0.put(db, "k", "again", flags: .noOverwrite) }
            }
            let description = try #require(error?.description)
            #expect(description.contains("MDB_KEYEXIST: Key/data pair already exists"))
            #expect(description.contains("mdb_put"))
            #expect(description.contains("-30799"))
            #expect(error?.message == "MDB_KEYEXIST: Key/data pair already exists")
        }
    }

    @Test func messagesOfNamedErrors() {
        #expect(LMDBError.mapFull.message.contains("MDB_MAP_FULL"))
        #expect(LMDBError.mapResized.message.contains("MDB_MAP_RESIZED"))
        #expect(LMDBError.invalid.message.contains("MDB_INVALID"))
        #expect(LMDBError.readersFull.message.contains("MDB_READERS_FULL"))
        #expect(LMDBError.databasesFull.message.contains("MDB_DBS_FULL"))
        // errno codes get the system's text.
        #expect(LMDBError.accessDenied.message == String(cString: strerror(EACCES)))
        #expect(LMDBError.noSpace.code == ENOSPC)
        #expect(LMDBError.accessDenied.code == EACCES)
        let custom = LMDBError(code: ENOENT, operation: "mdb_env_open(/x)")
        #expect(custom.description == "mdb_env_open(/x): No such file or directory (\(ENOENT))")
        #expect("\(custom)" == custom.description)
    }

    @Test func patternMatchingComparesCodesOnly() {
        let thrown: any Error = LMDBError(code: LMDBError.keyExists.code, operation: "mdb_put")
        #expect(LMDBError.keyExists ~= thrown)
        #expect(!(LMDBError.mapFull ~= thrown))
        #expect(!(LMDBError.keyExists ~= DeliberateAbort()))

        switch thrown {
        case LMDBError.mapFull: Issue.record("matched the wrong code")
        case LMDBError.keyExists: break
        default: Issue.record("did not match keyExists")
        }
    }
}
