import Foundation
import Testing
import Touchlog

/// A fresh temporary directory, removed when the value is dropped by `withTemporaryDirectory`.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchlog-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Opens a fresh log in a temporary directory.
func withTemporaryLog<R>(_ body: (EventLog, String) throws -> R) throws -> R {
    try withTemporaryDirectory { directory in
        let path = directory + "/log.db"
        let log = try EventLog(path: path, options: EventLog.Options(create: true, durable: false))
        return try body(log, path)
    }
}

/// A seeded generator (SplitMix64) so that every random test can be replayed from its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `TOUCHLOG_TEST_SEED`, set to replay a random test whose failure message named the seed.
let replaySeed: UInt64? = ProcessInfo.processInfo.environment["TOUCHLOG_TEST_SEED"].flatMap { UInt64($0) }

/// The seed of a random test: the replay seed when set, else a fresh one (printed on failure).
func testSeed() -> UInt64 {
    replaySeed ?? UInt64.random(in: 1...UInt64.max)
}

/// Builds CloudEvent JSON lines for tests.
enum TestEvents {
    static func purchase(id: String, subject: String, time: String, amount: Double = 10, source: String = "test/pos") -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"\#(source)","type":"touch.purchase","subject":"\#(subject)","time":"\#(time)","data":{"orderId":"o-\#(id)","amount":\#(amount),"currency":"EUR","channel":"online"}}"#
    }

    static func survey(id: String, subject: String, time: String, score: Int, source: String = "test/survey") -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"\#(source)","type":"touch.survey","subject":"\#(subject)","time":"\#(time)","data":{"surveyId":"s1","metric":"nps","score":\#(score)}}"#
    }

    /// A random valid event of any type.
    static func random(index: Int, customers: Int, using rng: inout SeededRandom) -> String {
        let subject = "cust-\(Int.random(in: 1...customers, using: &rng))"
        let day = Int.random(in: 1...28, using: &rng)
        let month = Int.random(in: 1...12, using: &rng)
        let time = String(format: "2025-%02d-%02dT%02d:%02d:00Z", month, day, Int.random(in: 0...23, using: &rng), Int.random(in: 0...59, using: &rng))
        let envelope = #""specversion":"1.0","id":"r-\#(index)","source":"test/random","subject":"\#(subject)","time":"\#(time)""#
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            let amount = Double(Int.random(in: 0...50_000, using: &rng)) / 100
            return #"{\#(envelope),"type":"touch.purchase","data":{"orderId":"o\#(index)","amount":\#(amount),"currency":"EUR","items":[{"sku":"sku-1","category":"music","quantity":2,"unitPrice":\#(amount / 2)}],"discount":1.5}}"#
        case 1:
            return #"{\#(envelope),"type":"touch.survey","data":{"surveyId":"q\#(index)","metric":"csat","score":\#(Int.random(in: 1...5, using: &rng)),"comment":"très bien 👍"}}"#
        case 2:
            let status = Bool.random(using: &rng) ? "opened" : "resolved"
            return #"{\#(envelope),"type":"touch.complaint","data":{"complaintId":"c\#(index % 7)","status":"\#(status)","severity":"high","category":"delivery"}}"#
        case 3:
            return #"{\#(envelope),"type":"touch.social_mention","data":{"platform":"reddit","sentiment":-0.25,"reach":120,"text":"meh"}}"#
        case 4:
            return #"{\#(envelope),"type":"touch.visit","data":{"channel":"store","location":"Lyon","durationSeconds":300}}"#
        default:
            return #"{\#(envelope),"type":"customer.profile_updated","data":{"attributes":{"region":"north","vip":true,"score":3.5,"city":null}}}"#
        }
    }
}

extension EventDecoder {
    /// Decodes a test line, failing the test with the rejection if it is invalid.
    func decodeValid(_ line: String, location: String = "test") throws -> DecodedEvent {
        try decode(Array(line.utf8), location: location, now: .now)
    }
}
