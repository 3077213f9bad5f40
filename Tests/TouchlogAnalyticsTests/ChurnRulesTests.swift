import Foundation
import Testing
import TouchlogAnalytics

/// Each churn rule on hand-made inputs, at and around its threshold, and the risk score.
struct ChurnRulesTests {
    let t = ChurnThresholds()

    func reasons(_ inputs: ChurnInputs, day: Int) -> [ChurnFlag.Reason] {
        ChurnRules.evaluate(inputs, asOfDay: day, thresholds: t).flags.map(\.reason)
    }

    func inputs(days: [Int] = [], spend: [Double]? = nil, nps: (Int, Int)? = nil, complaints: [Int] = [], sentiment: Double? = nil) -> ChurnInputs {
        ChurnInputs(
            purchaseDays: days, purchaseSpend: spend ?? days.map { _ in 10 },
            latestNPS: nps.map { (score: $0.0, day: $0.1) }, openComplaintDays: complaints, meanSentiment: sentiment
        )
    }

    @Test func overdueAgainstTheCustomersOwnCycleWithAFloor() {
        // Cycle 50 days: limit max(90, 2 × 50) = 100 days after the last purchase (day 100).
        let regular = inputs(days: [0, 50, 100])
        #expect(!reasons(regular, day: 200).contains(.overdue))
        #expect(reasons(regular, day: 201).contains(.overdue))
        // Cycle 10 days: the floor of 90 days applies.
        let frequent = inputs(days: [0, 10, 20])
        #expect(!reasons(frequent, day: 110).contains(.overdue))
        #expect(reasons(frequent, day: 111).contains(.overdue))
        // One purchase day: the floor alone.
        #expect(reasons(inputs(days: [5]), day: 96).contains(.overdue))
        #expect(reasons(inputs(), day: 1000).isEmpty)
    }

    @Test func detractorOnlyWhenRecent() {
        #expect(reasons(inputs(nps: (6, 100)), day: 190).contains(.detractor))
        #expect(!reasons(inputs(nps: (6, 100)), day: 191).contains(.detractor))
        #expect(!reasons(inputs(nps: (7, 100)), day: 101).contains(.detractor))
    }

    @Test func openComplaintAfterItsAllowance() {
        #expect(!reasons(inputs(complaints: [100]), day: 114).contains(.openComplaint))
        let flags = ChurnRules.evaluate(inputs(complaints: [100, 110]), asOfDay: 115, thresholds: t).flags
        #expect(flags.map(\.reason) == [.openComplaint])
        #expect(flags[0].evidence.contains("2 open complaint(s), the oldest open for 15 days"))
    }

    @Test func decliningComparesTwoWindows() {
        // Window before (days 11…100): 4 purchase days; last window (101…190): 1 → declining.
        let slowing = inputs(days: [20, 40, 60, 80, 150], spend: [10, 10, 10, 10, 10])
        #expect(reasons(slowing, day: 190).contains(.declining))
        // Same count, much less spend → declining on spend.
        let cheaper = inputs(days: [20, 60, 120, 150], spend: [100, 100, 10, 10])
        #expect(reasons(cheaper, day: 190).contains(.declining))
        // Steady → not declining.
        let steady = inputs(days: [20, 60, 120, 150], spend: [10, 10, 10, 10])
        #expect(!reasons(steady, day: 190).contains(.declining))
    }

    @Test func negativeSentimentAndRisk() {
        let all = inputs(days: [0], nps: (2, 200), complaints: [150], sentiment: -0.5)
        let result = ChurnRules.evaluate(all, asOfDay: 200, thresholds: t)
        #expect(Set(result.flags.map(\.reason)) == [.overdue, .detractor, .openComplaint, .negativeSentiment])
        #expect(abs(result.risk - 0.85) < 1e-12)
        #expect(ChurnRules.evaluate(inputs(sentiment: -0.2), asOfDay: 0, thresholds: t).flags.isEmpty)
    }

    @Test func configurationOverridesOnlyWhatItNames() throws {
        let json = Data(#"{"overdueFloorDays": 30, "weights": {"overdue": 1}}"#.utf8)
        let custom = try JSONDecoder().decode(ChurnThresholds.self, from: json)
        #expect(custom.overdueFloorDays == 30 && custom.overdueFactor == 2.0)
        #expect(custom.weights["overdue"] == 1 && custom.weights["detractor"] == 0.25)
        let result = ChurnRules.evaluate(inputs(days: [0]), asOfDay: 31, thresholds: custom)
        #expect(result.flags.map(\.reason) == [.overdue] && result.risk == 1)
    }
}
