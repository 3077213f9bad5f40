import Foundation
import Testing
import Touchlog
import TouchlogAnalytics

/// Time travel: reading the views as they were, on the event-time and recorded-time clocks.
struct TimeTravelTests {
    /// What a reader saw at one moment of an append stream.
    struct Capture {
        let position: UInt64
        let knownAt: Timestamp
        let profiles: [String: CustomerProfile]
        let trends: [TrendRow]
        let channelTrends: [TrendRow]
        let loyalty: [String]
    }

    static let fixedAsOf = Timestamp(rfc3339: "2025-07-01T00:00:00Z")!

    static func capture(_ log: EventLog, customers: [String]) throws -> Capture {
        let head = try log.head()
        var profiles: [String: CustomerProfile] = [:]
        for customer in customers { profiles[customer] = try log.profile(of: customer) }
        return Capture(
            position: head, knownAt: try log.event(at: head)!.recordedAt, profiles: profiles,
            trends: try log.satisfactionTrends(bucket: .day), channelTrends: try log.satisfactionTrends(bucket: .week, by: .channel),
            loyalty: try log.loyaltyOfAll(at: Horizon(asOf: fixedAsOf)).map { $0.jsonText() }
        )
    }

    @Test func viewsCapturedDuringAppendsAreReproducedAtTheirPositionAndRecordedTime() throws {
        let seed = testSeed()
        let (lines, _) = ProjectionTests.stream(seed: seed, count: 900, customers: 15)
        let customers = (1...15).map { "cust-\($0)" }
        var rng = SeededRandom(seed: seed &+ 1)
        try withTemporaryLog { log, _ in
            var captures: [Capture] = []
            var start = 0
            while start < lines.count {
                let end = min(lines.count, start + Int.random(in: 1...150, using: &rng))
                _ = try log.append(try lines[start..<end].map { try EventDecoder().decodeValid($0) })
                start = end
                if Bool.random(using: &rng) || end == lines.count {
                    captures.append(try Self.capture(log, customers: customers))
                    usleep(1000)  // the next batch is recorded strictly later
                }
            }
            #expect(captures.count >= 2, "seed \(seed)")
            for capture in captures {
                for horizon in [Horizon(position: capture.position), Horizon(knownAt: capture.knownAt)] {
                    let replay = try log.replay(at: horizon)
                    // Batches of a few events: each customer's events span many of them.
                    let inSmallBatches = try log.replay(at: horizon, batchBytes: 600)
                    #expect(replay.lastPosition == capture.position, "seed \(seed), \(horizon)")
                    #expect(inSmallBatches.profiles == replay.profiles, "seed \(seed), \(horizon)")
                    #expect(inSmallBatches.satisfactionTrends(bucket: .day) == capture.trends, "seed \(seed), \(horizon)")
                    for customer in customers {
                        #expect(replay.profiles[customer] == capture.profiles[customer], "seed \(seed), \(horizon), \(customer)")
                        #expect(try log.profile(of: customer, at: horizon) == capture.profiles[customer], "seed \(seed), \(horizon), \(customer)")
                    }
                    #expect(try log.satisfactionTrends(bucket: .day, at: horizon) == capture.trends, "seed \(seed), \(horizon)")
                    #expect(try log.satisfactionTrends(bucket: .week, by: .channel, at: horizon) == capture.channelTrends, "seed \(seed), \(horizon)")
                    #expect(replay.satisfactionTrends(bucket: .day) == capture.trends, "seed \(seed), \(horizon)")
                    var both = horizon
                    both.asOf = Self.fixedAsOf
                    #expect(try log.loyaltyOfAll(at: both).map { $0.jsonText() } == capture.loyalty, "seed \(seed), \(horizon)")
                }
            }
        }
    }

    @Test func theTwoClocksTellALatePurchaseApart() throws {
        let june = "2025-06-15T12:00:00Z"
        let july1 = Timestamp(rfc3339: "2025-07-01T00:00:00Z")!
        try withTemporaryLog { log, _ in
            _ = try log.append([
                try EventDecoder().decodeValid(TestEvents.purchase(id: "p1", subject: "ann", time: "2025-05-02T09:00:00Z", amount: 40)),
                try EventDecoder().decodeValid(TestEvents.survey(id: "s1", subject: "ann", time: "2025-06-10T09:00:00Z", score: 9)),
            ])
            let knownBefore = try log.event(at: try log.head())!.recordedAt
            usleep(1000)
            // Recorded later, but it happened in June: the late data.
            _ = try log.append([
                try EventDecoder().decodeValid(TestEvents.purchase(id: "p2", subject: "ann", time: june, amount: 60)),
                try EventDecoder().decodeValid(TestEvents.survey(id: "s2", subject: "ann", time: june, score: 3)),
            ])
            let knownNow = Timestamp.now

            let late = Horizon(asOf: july1, knownAt: knownNow)
            let early = Horizon(asOf: july1, knownAt: knownBefore)
            #expect(try log.profile(of: "ann", at: late)?.orders == 2)
            #expect(try log.profile(of: "ann", at: early)?.orders == 1)
            #expect(try log.profile(of: "ann", at: Horizon(asOf: Timestamp(rfc3339: "2025-05-01T00:00:00Z")!)) == nil)

            let juneLate = try log.satisfactionTrends(bucket: .month, at: late).first { $0.period == "2025-06" }
            let juneEarly = try log.satisfactionTrends(bucket: .month, at: early).first { $0.period == "2025-06" }
            #expect(juneLate?.counters.npsAnswers == 2 && juneLate?.nps == 0)
            #expect(juneEarly?.counters.npsAnswers == 1 && juneEarly?.nps == 100)

            // Values that depend on now are evaluated at the as-of time.
            let loyaltyLate = try #require(try log.loyalty(of: "ann", at: late))
            let loyaltyEarly = try #require(try log.loyalty(of: "ann", at: early))
            #expect(loyaltyLate.summary?.frequency == 1 && loyaltyLate.summary?.recency == 44 && loyaltyLate.summary?.age == 60)
            #expect(loyaltyEarly.summary?.frequency == 0 && loyaltyEarly.summary?.age == 60)
            #expect(loyaltyLate.latestNPS == 3 && loyaltyEarly.latestNPS == 9)
            // Known at the first batch, there is nothing in June but the promoter's answer.
            #expect(try log.churn(of: "ann", at: early)?.flags.contains { $0.reason == .detractor } == false)
            #expect(try log.churn(of: "ann", at: late)?.flags.contains { $0.reason == .detractor } == true)
        }
    }

    @Test func positionsAndRecordedTimesMapToTheSamePrefix() throws {
        try withTemporaryLog { log, _ in
            var knownAt: [Timestamp] = []
            for batch in 0..<5 {
                _ = try log.append((0..<3).map { try! EventDecoder().decodeValid(TestEvents.survey(id: "b\(batch)-\($0)", subject: "x", time: "2025-01-0\(batch + 1)T00:00:00Z", score: 5)) })
                knownAt.append(try log.event(at: try log.head())!.recordedAt)
                usleep(1000)
            }
            for (index, time) in knownAt.enumerated() {
                #expect(try log.lastPosition(at: Horizon(knownAt: time)) == UInt64(3 * (index + 1)))
                #expect(try log.lastPosition(at: Horizon(knownAt: time, position: 4)) == min(4, UInt64(3 * (index + 1))))
            }
            #expect(try log.lastPosition(at: Horizon(knownAt: Timestamp(microseconds: 0))) == 0)
            #expect(try log.lastPosition(at: .present) == 15)
            #expect(try log.replay(at: Horizon(knownAt: Timestamp(microseconds: 0))).profiles.isEmpty)
        }
    }
}
