import Foundation
import Testing
import Touchlog

/// Bytes of the data file changed where no checksum covers them (a B-tree key, the customer
/// index): reads fail with a corruption error instead of returning events that are not what was
/// stored there. Tools/reliability flips random bytes by the hundred.
struct ReliabilityCorruptionTests {
    /// A log of 20 purchases, alternately of cust-a (odd positions) and cust-b (even), closed.
    func withDamagedLog(replacing pattern: [UInt8], with replacement: [UInt8], _ body: (EventLog) throws -> Void) throws {
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
            try body(try EventLog(path: path, options: EventLog.Options(readOnly: true)))
        }
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    static func littleEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    @Test func aDamagedPositionKeyIsAnErrorNotAnEventUnderAnotherPosition() throws {
        // A leaf node of `events`: key size 8, the key (position 7, big-endian), the record (version 1).
        let node = [8, 0] + Self.bigEndian(7) + [1]
        try withDamagedLog(replacing: node, with: [8, 0] + Self.bigEndian(87) + [1]) { (log: EventLog) throws in
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

    @Test func aDamagedCustomerIndexIsAnErrorNotAnotherCustomersEvents() throws {
        // cust-a's index entry: last event 19, 10 events; pointed at cust-b's event 20 instead.
        let entry = Array("cust-a".utf8) + Self.littleEndian(19) + Self.littleEndian(10)
        try withDamagedLog(replacing: entry, with: Array("cust-a".utf8) + Self.littleEndian(20) + Self.littleEndian(10)) { (log: EventLog) throws in
            #expect(throws: TouchlogError.self) { try log.events(ofCustomer: "cust-a") }
            #expect(try log.events(ofCustomer: "cust-b").map(\.position) == Array(stride(from: 2, through: 20, by: 2)))
            #expect(try !log.verify().isClean)
        }
    }
}
