import Testing
import Touchlog

/// Satisfaction trends: hand-checked periods, and the same rows whatever the arrival order.
struct TrendsTests {
    static func complaint(_ id: String, _ status: String, _ time: String, channel: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"crm","type":"touch.complaint","subject":"c","time":"\#(time)","data":{"complaintId":"k-\#(id)","status":"\#(status)","channel":"\#(channel)"}}"#
    }

    static let lines = [
        TestEvents.survey(id: "s1", subject: "a", time: "2025-03-03T10:00:00Z", score: 10),  // Monday, week 10
        TestEvents.survey(id: "s2", subject: "b", time: "2025-03-04T10:00:00Z", score: 9),
        TestEvents.survey(id: "s3", subject: "c", time: "2025-03-09T23:00:00Z", score: 3),  // Sunday, week 10
        TestEvents.survey(id: "s4", subject: "d", time: "2025-03-10T00:30:00Z", score: 8),  // Monday, week 11
        TestEvents.survey(id: "s5", subject: "a", time: "2025-04-01T10:00:00Z", score: 2),
        complaint("1", "opened", "2025-03-05T10:00:00Z", channel: "phone"),
        complaint("2", "opened", "2025-03-06T10:00:00Z", channel: "email"),
        complaint("1b", "resolved", "2025-04-02T10:00:00Z", channel: "phone"),
    ]

    @Test func periodsAreHandChecked() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append(try Self.lines.map { try EventDecoder().decodeValid($0) })
            let months = try log.satisfactionTrends(bucket: .month)
            #expect(months.map(\.period) == ["2025-03", "2025-04"])
            // March: 4 NPS answers, 2 promoters, 1 detractor → +25; April: 1 detractor → −100.
            #expect(months[0].nps == 25 && months[1].nps == -100 && months[1].npsChange == -125)
            #expect(months[0].counters.complaintsOpened == 2 && months[1].counters.complaintsResolved == 1)
            let weeks = try log.satisfactionTrends(bucket: .week, to: Timestamp(rfc3339: "2025-03-31T00:00:00Z"))
            #expect(weeks.map(\.period) == ["2025-W10", "2025-W11"])
            #expect(weeks[0].counters.npsAnswers == 3 && weeks[1].counters.npsAnswers == 1)
            let days = try log.satisfactionTrends(bucket: .day, from: Timestamp(rfc3339: "2025-03-09T00:00:00Z"), to: Timestamp(rfc3339: "2025-03-11T00:00:00Z"))
            #expect(days.map(\.period) == ["2025-03-09", "2025-03-10"])
            let channels = try log.satisfactionTrends(bucket: .month, by: .channel)
            #expect(channels.map(\.group) == ["email", "phone", "phone"])
            #expect(channels.map(\.counters.complaintsOpened) == [1, 1, 0])
        }
    }

    @Test func arrivalOrderAndRebuildDoNotChangeTheRows() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        let lines = (0..<600).map { TestEvents.random(index: $0, customers: 30, using: &rng) }
        try withTemporaryDirectory { directory in
            let a = try EventLog(path: directory + "/a.db", options: .init(create: true, durable: false))
            let b = try EventLog(path: directory + "/b.db", options: .init(create: true, durable: false))
            for start in stride(from: 0, to: lines.count, by: 50) {
                _ = try a.append(try lines[start..<min(start + 50, lines.count)].map { try EventDecoder().decodeValid($0) })
            }
            _ = try b.append(try lines.shuffled(using: &rng).map { try EventDecoder().decodeValid($0) })
            for bucket in TrendBucket.allCases {
                #expect(try a.satisfactionTrends(bucket: bucket) == b.satisfactionTrends(bucket: bucket), "seed \(seed) \(bucket)")
            }
            let before = try a.satisfactionTrends(bucket: .week, by: .channel)
            try a.rebuild(["trends"])
            #expect(try a.satisfactionTrends(bucket: .week, by: .channel) == before, "seed \(seed)")
        }
    }
}
