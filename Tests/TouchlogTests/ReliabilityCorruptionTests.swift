import Foundation
import Testing
import Touchlog
import TouchlogAnalytics

/// Bytes of the data file changed where no checksum covers them (a B-tree key, the customer
/// index): reads fail with a corruption error instead of returning events that are not what was
/// stored there. Tools/reliability flips random bytes by the hundred.
struct ReliabilityCorruptionTests {
    /// A log of 20 purchases, alternately of cust-a (odd positions) and cust-b (even), closed.
    func withDamagedLog(replacing pattern: [UInt8], with replacement: [UInt8], _ body: (String) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/log.db"
            do {
                let log = try EventLog(path: path, options: EventLog.Options(create: true, durable: false))
                let decoder = EventDecoder()
                _ = try log.append((1...20).map { index in
                    try decoder.decodeValid(TestEvents.purchase(
                        id: "e\(index)", subject: index % 2 == 1 ? "cust-a" : "cust-b", time: "2025-03-\(10 + index)T10:00:00Z"
                    ))
                })
            }
            let file = URL(fileURLWithPath: path + "/data.mdb")
            var data = try Data(contentsOf: file)
            let found = data.ranges(of: Data(pattern))
            try #require(found.count == 1, "the pattern occurs \(found.count) times in the data file")
            data.replaceSubrange(found[0], with: replacement)
            try data.write(to: file)
            try body(path)
        }
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    static func littleEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    @Test func aDamagedPositionKeyIsAnErrorNotAnEventUnderAnotherPosition() throws {
        // A leaf node of `events`: key size 8, the key (position 7, big-endian), the record (version 1).
        let node = [8, 0] + Self.bigEndian(7) + [1]
        try withDamagedLog(replacing: node, with: [8, 0] + Self.bigEndian(87) + [1]) { (path: String) throws in
            let log = try EventLog(path: path, options: EventLog.Options(readOnly: true))
            let error = #expect(throws: TouchlogError.self) { try log.events(limit: .max) }
            #expect(error?.code == .corruption)
            #expect(error?.message.contains("position 7") == true, "\(String(describing: error))")
            #expect(throws: TouchlogError.self) { try log.events(direction: .backward, limit: .max) }
            #expect(throws: TouchlogError.self) { try log.event(at: 7) }
            #expect(try log.event(at: 87) == nil)
            #expect(try log.events(limit: 6).map(\.position) == Array(1...6))
            let report = try log.verify()
            #expect(report.problems.contains { $0.contains("gap in positions") })
        }
    }

    @Test func aHugeDamagedPositionKeyIsReportedByVerify() throws {
        let node = [8, 0] + Self.bigEndian(7) + [1]
        try withDamagedLog(replacing: node, with: [8, 0] + Self.bigEndian(1 << 62) + [1]) { (path: String) throws in
            let log = try EventLog(path: path, options: EventLog.Options(readOnly: true))
            let report = try log.verify()
            #expect(report.problems.contains { $0.contains("gap in positions: expected 7, found 4611686018427387904") }, "\(report.problems)")
        }
    }

    @Test func aDamagedHeadIsReportedByVerifyAndFailsAppends() throws {
        // The `meta` entry "log": key size 3, the key, the head (20, little-endian).
        let node = [3, 0] + Array("log".utf8) + Self.littleEndian(20)
        try withDamagedLog(replacing: node, with: [3, 0] + Array("log".utf8) + Self.littleEndian(1 << 62)) { (path: String) throws in
            do {
                let log = try EventLog(path: path, options: EventLog.Options(readOnly: true))
                let report = try log.verify()
                #expect(report.problems.contains { $0.contains("head is recorded as 4611686018427387904 but the last event is at 20") }, "\(report.problems)")
                // Nothing sizes work by the damaged head (a replay would run for ever).
                #expect(throws: TouchlogError.self) { try log.replay(at: Horizon(asOf: .now)) }
                #expect(throws: TouchlogError.self) { try log.head() }
            }
            let error = #expect(throws: TouchlogError.self) {
                let writable = try EventLog(path: path)
                _ = try writable.append([EventDecoder().decodeValid(TestEvents.purchase(id: "e21", subject: "cust-a", time: "2025-04-01T10:00:00Z"))])
            }
            #expect(error?.code == .corruption)
        }
    }

    @Test func aDamagedCustomerIndexIsAnErrorNotAnotherCustomersEvents() throws {
        // cust-a's index entry: last event 19, 10 events; pointed at cust-b's event 20 instead.
        let entry = Array("cust-a".utf8) + Self.littleEndian(19) + Self.littleEndian(10)
        try withDamagedLog(replacing: entry, with: Array("cust-a".utf8) + Self.littleEndian(20) + Self.littleEndian(10)) { (path: String) throws in
            let log = try EventLog(path: path, options: EventLog.Options(readOnly: true))
            #expect(throws: TouchlogError.self) { try log.events(ofCustomer: "cust-a") }
            #expect(try log.events(ofCustomer: "cust-b").map(\.position) == Array(stride(from: 2, through: 20, by: 2)))
            #expect(try !log.verify().isClean)
        }
    }

    /// A trends counter changed in the data file: the entry's checksum refuses it, so a report
    /// fails instead of showing other numbers.
    @Test func aDamagedTrendsEntryIsAnErrorNotOtherCounts() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/log.db"
            do {
                let log = try EventLog(path: path, options: EventLog.Options(create: true, durable: false))
                let survey = #"{"specversion":"1.0","id":"s1","source":"test/survey","type":"touch.survey","subject":"cust-a","time":"2025-03-10T10:00:00Z","data":{"surveyId":"q1","metric":"csat","score":5}}"#
                _ = try log.append([try EventDecoder().decodeValid(survey)])
                #expect(try log.satisfactionTrends(bucket: .day).first?.csatMean == 5)
            }
            // The overall row of that day: 1 survey, 1 CSAT answer summing 5, 1 satisfied.
            func counters(csatSum: UInt8) -> [UInt8] {
                [1] + [UInt8](repeating: 0, count: 31) + [1] + [UInt8](repeating: 0, count: 7) + [csatSum] + [UInt8](repeating: 0, count: 7) + [1]
            }
            let file = URL(fileURLWithPath: path + "/data.mdb")
            var data = try Data(contentsOf: file)
            let found = data.ranges(of: Data(counters(csatSum: 5)))
            try #require(found.count == 1, "the counters occur \(found.count) times in the data file")
            data.replaceSubrange(found[0], with: counters(csatSum: 4))
            try data.write(to: file)
            let log = try EventLog(path: path, options: EventLog.Options(readOnly: true))
            let error = #expect(throws: TouchlogError.self) { try log.satisfactionTrends(bucket: .day) }
            #expect(error?.code == .corruption)
        }
    }

    /// A customer's kept churn list entry changed in the data file (their rule day moved a day
    /// back): the entry's checksum refuses it, so `churn list` fails instead of listing other flags.
    @Test func aDamagedKeptChurnEntryIsAnErrorNotOtherFlags() throws {
        // cust-a's latest purchase is e19, on 2025-03-29.
        let ruleDay = Int32(try #require(Timestamp(rfc3339: "2025-03-29T00:00:00Z")).microseconds / 86_400_000_000)
        func entryStart(ruleDay: Int32) -> [UInt8] {
            [0, UInt8(ascii: "c")] + Array("cust-a".utf8) + [2] + withUnsafeBytes(of: ruleDay.littleEndian) { Array($0) }
        }
        try withDamagedLog(replacing: entryStart(ruleDay: ruleDay), with: entryStart(ruleDay: ruleDay - 1)) { path in
            let log = try EventLog(path: path, options: EventLog.Options(readOnly: true))
            let asOf = try #require(Timestamp(rfc3339: "2026-01-01T00:00:00Z"))
            let error = #expect(throws: TouchlogError.self) {
                try log.churnList(presentAt: asOf, thresholds: ChurnThresholds(), flag: nil, minimumRisk: 0, limit: 10, source: .keptStrictly)
            }
            #expect(error?.code == .corruption)
        }
    }
}
