import Foundation
import Testing
import TouchlogAnalytics

@Suite("Churn rule low_p_alive")
struct LowPAliveRuleTests {
    func inputs(alive: Double?) -> ChurnInputs {
        ChurnInputs(purchaseDays: [100], purchaseSpend: [10], latestNPS: nil, openComplaintDays: [], meanSentiment: nil, probabilityAlive: alive)
    }

    @Test("Raised below the threshold with its weight, not at or above it, never without a model")
    func threshold() {
        let t = ChurnThresholds()
        #expect(t.lowPAliveThreshold == 0.3 && t.weights["low_p_alive"] == 0.3)
        let low = ChurnRules.evaluate(inputs(alive: 0.2), asOfDay: 110, thresholds: t)
        #expect(low.flags.map(\.reason) == [.lowPAlive] && low.flags.map(\.evidence) == ["P(alive) 0.2 below 0.3 (BG/NBD)"])
        #expect(abs(low.risk - 0.3) < 1e-12)
        #expect(ChurnRules.evaluate(inputs(alive: 0.3), asOfDay: 110, thresholds: t).flags.isEmpty)
        #expect(ChurnRules.evaluate(inputs(alive: 0.9), asOfDay: 110, thresholds: t).flags.isEmpty)
        #expect(ChurnRules.evaluate(inputs(alive: nil), asOfDay: 110, thresholds: t).flags.isEmpty)
    }

    @Test("The threshold and weight come from the configuration")
    func configured() throws {
        let custom = try JSONDecoder().decode(ChurnThresholds.self, from: Data(#"{"lowPAliveThreshold": 0.5, "weights": {"low_p_alive": 0.6}}"#.utf8))
        let result = ChurnRules.evaluate(inputs(alive: 0.4), asOfDay: 110, thresholds: custom)
        #expect(result.flags.map(\.reason) == [.lowPAlive] && abs(result.risk - 0.6) < 1e-12)
        #expect(custom.weights["overdue"] == 0.35)
    }
}
