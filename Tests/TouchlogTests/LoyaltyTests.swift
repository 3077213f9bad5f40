import Testing
import Touchlog
import TouchlogAnalytics

/// The loyalty view on a small hand-checked population.
struct LoyaltyTests {
    static let lines = [
        TestEvents.purchase(id: "p1", subject: "c1", time: "2025-01-01T09:00:00Z", amount: 10),
        TestEvents.purchase(id: "p2", subject: "c1", time: "2025-01-01T18:00:00Z", amount: 5),
        TestEvents.purchase(id: "p3", subject: "c1", time: "2025-01-11T12:00:00Z", amount: 20),
        TestEvents.purchase(id: "p4", subject: "c1", time: "2025-01-31T23:59:59Z", amount: 30),
        TestEvents.survey(id: "s1", subject: "c1", time: "2025-02-01T10:00:00Z", score: 10),
        TestEvents.purchase(id: "p5", subject: "c2", time: "2025-01-20T10:00:00Z", amount: 100),
        TestEvents.survey(id: "s2", subject: "c3", time: "2024-12-15T10:00:00Z", score: 3),
    ]

    @Test func frequencyRecencyTAndMonetaryFollowTheCLVDefinitions() throws {
        try withTemporaryLog { log, _ in
            // Arrival order is not time order.
            _ = try log.append(try Self.lines.reversed().map { try EventDecoder().decodeValid($0) })
            let asOf = Timestamp(rfc3339: "2025-02-10T12:00:00Z")!
            let c1 = try #require(try log.loyalty(of: "c1", asOf: asOf))
            let s1 = try #require(c1.summary)
            #expect(s1.frequency == 2)
            #expect(s1.recency == 30)
            #expect(s1.age == 40)
            #expect(s1.monetary == 25)
            #expect(s1.totalSpend == 65)
            #expect(c1.isRepeatCustomer && c1.npsClass == .promoter && c1.tenureDays == 40)
            let c2 = try #require(try log.loyalty(of: "c2", asOf: asOf))
            let s2 = try #require(c2.summary)
            #expect(s2.frequency == 0 && s2.recency == 0 && s2.age == 21 && s2.monetary == 0 && s2.totalSpend == 100)
            #expect(!c2.isRepeatCustomer)
            let r1 = try #require(c1.rfm), r2 = try #require(c2.rfm)
            #expect(r1.recency > r2.recency && r1.frequency > r2.frequency)
            let c3 = try #require(try log.loyalty(of: "c3", asOf: asOf))
            #expect(c3.summary == nil && c3.rfm == nil && c3.npsClass == .detractor && c3.historicalValue == 0)
            #expect(try log.loyalty(of: "nobody", asOf: asOf) == nil)

            // As of an earlier day only the purchases by then count.
            let early = Timestamp(rfc3339: "2025-01-05T00:00:00Z")!
            let c1Early = try #require(try log.loyalty(of: "c1", asOf: early)?.summary)
            #expect(c1Early.frequency == 0 && c1Early.age == 4 && c1Early.totalSpend == 15)
            #expect(try log.loyalty(of: "c2", asOf: early)?.summary == nil)
            #expect(c1.jsonText().contains(#""frequency":2,"recency":30,"T":40,"monetary":25"#))

            // The whole population in one pass agrees with the one-customer reads.
            let all = try log.loyaltyOfAll(asOf: asOf)
            #expect(all.map(\.customer) == ["c1", "c2", "c3"])
            for loyalty in all {
                #expect(loyalty.jsonText() == (try log.loyalty(of: loyalty.customer, asOf: asOf))?.jsonText())
            }
        }
    }
}
