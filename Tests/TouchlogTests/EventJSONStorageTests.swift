import Foundation
import LMDB
import Testing
import Touchlog

/// Where an event's JSON lives: format 2 keeps it in `event_json`, apart from the compact record
/// that folds read; format 1 logs hold it inline in the record and keep working.
struct EventJSONStorageTests {
    static let lines = ProjectionTests.stream(seed: 31, count: 240, customers: 7).distinct

    /// Rewrites a log into the format 1 layout: every record with its JSON inline, no
    /// `event_json`, format 1 in `meta`.
    static func downgradeToFormatOne(_ path: String) throws {
        let environment = try Environment(path: path)
        let events = try #require(try environment.openDatabase("events"))
        let eventJSON = try #require(try environment.openDatabase("event_json"))
        let meta = try #require(try environment.openDatabase("meta"))
        try environment.write { txn in
            var rewritten: [(key: [UInt8], value: [UInt8])] = []
            try txn.withCursor(events) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let position = UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self))
                    let apart = try #require(try txn.get(eventJSON, key: Array(current.key)))
                    let json = Array(apart[8...])
                    let stored = try RecordCodec.decode(current.value, position: position, includingJSON: false)
                    #expect(stored.json.isEmpty)
                    let previous = current.value.loadUnaligned(fromByteOffset: 28, as: UInt64.self)
                    let record = RecordCodec.encode(
                        DecodedEvent(event: stored.event, json: json), recordedAt: stored.recordedAt,
                        previousOfCustomer: UInt64(littleEndian: previous), jsonInline: true
                    )
                    rewritten.append((Array(current.key), record))
                    entry = try cursor.next()
                }
            }
            for (key, value) in rewritten { try txn.put(events, key: key, value: value) }
            try txn.removeAll(eventJSON)
            try txn.put(meta, key: Array("format".utf8), value: withUnsafeBytes(of: UInt32(1).littleEndian) { Array($0) })
        }
    }

    static func storedFormat(_ path: String) throws -> UInt32 {
        let environment = try Environment(path: path, options: { var o = Environment.Options(); o.readOnly = true; return o }())
        let meta = try #require(try environment.openDatabase("meta"))
        return try environment.read { txn in try #require(try txn.get(meta, key: Array("format".utf8))).loadUnaligned(as: UInt32.self) }
    }

    @Test func formatOneLogsAreReadAsTheyAreAndUpgradedOnAWritableOpen() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/one.db"
            let (first, second) = (Array(Self.lines[..<160]), Array(Self.lines[160...]))
            let expected: [StoredEvent] = try {
                let log = try EventLog(path: path, options: .init(create: true, durable: false))
                try ProjectionTests.append(first, to: log, seed: 1)
                return try log.events(limit: .max)
            }()
            try Self.downgradeToFormatOne(path)
            #expect(try Self.storedFormat(path) == 1)

            do {  // one environment per path and process: each open in its own scope
                let readOnly = try EventLog(path: path, options: .init(readOnly: true))
                #expect(try readOnly.events(limit: .max) == expected)
                #expect(try readOnly.verify().isClean)
            }
            do {
                let log = try EventLog(path: path, options: .init(durable: false))
                try ProjectionTests.append(second, to: log, seed: 2)
                let all = try log.events(limit: .max)
                #expect(Array(all.prefix(expected.count)) == expected)
                #expect(all.count == Self.lines.count)
                for (stored, line) in zip(all.dropFirst(expected.count), second) { #expect(stored.jsonText == line) }
                #expect(try log.verify().isClean)
                // A re-send of an event stored inline, and of one kept apart, is still a duplicate.
                let resent = try log.append([try EventDecoder().decodeValid(first[3]), try EventDecoder().decodeValid(second[3])])
                #expect(resent.outcomes == [.duplicate(4), .duplicate(UInt64(first.count + 4))])
                #expect(try log.profile(of: "cust-1") == ProjectionTests.reference(Self.lines)["cust-1"])
            }
            #expect(try Self.storedFormat(path) == EventLog.formatVersion)
        }
    }

    @Test func aMissingOrDamagedJSONIsReportedAndNeverRead() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/j.db"
            do {
                let log = try EventLog(path: path, options: .init(create: true, durable: false))
                try ProjectionTests.append(Array(Self.lines.prefix(50)), to: log, seed: 1)
            }
            func key(_ position: UInt64) -> [UInt8] { withUnsafeBytes(of: position.bigEndian) { Array($0) } }
            do {
                let environment = try Environment(path: path)
                let eventJSON = try #require(try environment.openDatabase("event_json"))
                try environment.write { txn in
                    _ = try key(7).withUnsafeBytes { try txn.delete(eventJSON, key: $0) }
                    var damaged = Array(try #require(try txn.get(eventJSON, key: key(9))))
                    damaged[damaged.count - 2] ^= 0x01
                    try txn.put(eventJSON, key: key(9), value: damaged)
                }
            }
            let log = try EventLog(path: path, options: .init(readOnly: true))
            #expect { try log.event(at: 7) } throws: { ($0 as? TouchlogError)?.code == .corruption && "\($0)".contains("position 7 is missing") }
            #expect { try log.event(at: 9) } throws: { ($0 as? TouchlogError)?.code == .corruption && "\($0)".contains("checksum") }
            #expect(try log.event(at: 8)?.jsonText == Self.lines[7])
            let report = try log.verify()
            #expect(report.problems.contains("position 7: its JSON is missing from event_json"))
            #expect(report.problems.contains("position 9: damaged JSON (checksum mismatch)"))
            #expect(report.problems.contains("event_json holds 49 entries for 50 events whose JSON is kept apart"))
        }
    }
}
