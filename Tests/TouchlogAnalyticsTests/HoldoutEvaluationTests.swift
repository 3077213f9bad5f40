import Testing
import TouchlogAnalytics

@Suite("Calibration/holdout evaluation")
struct HoldoutEvaluationTests {
    @Test("Groups by calibration frequency with an open last group; totals are the sums of the groups")
    func grouping() throws {
        let model = try BetaGeoModel(r: 0.5, alpha: 4, a: 0.8, b: 2.4)
        let customers: [(pattern: PurchasePattern, holdoutPurchases: Int)] = [
            (try PurchasePattern(frequency: 0, recency: 0, age: 30), 0),
            (try PurchasePattern(frequency: 0, recency: 0, age: 30), 2),
            (try PurchasePattern(frequency: 1, recency: 10, age: 30), 1),
            (try PurchasePattern(frequency: 3, recency: 25, age: 30), 4),
            (try PurchasePattern(frequency: 9, recency: 29, age: 30), 6),
        ]
        let evaluation = try HoldoutEvaluation(model: model, customers: customers, duration: 20, openGroupFrom: 3)
        #expect(evaluation.groups.map(\.label) == ["0", "1", "2", "3+"])
        #expect(evaluation.groups.map(\.customers) == [2, 1, 0, 2])
        #expect(evaluation.groups.map(\.actual) == [2, 1, 0, 10])
        #expect(evaluation.customers == 5 && evaluation.actual == 13)
        let expectedTotal = customers.reduce(0.0) { $0 + model.expectedPurchases(next: 20, given: $1.pattern) }
        #expect(isClose(evaluation.predicted, expectedTotal, 1e-12))
        #expect(isClose(evaluation.groups[0].meanPredicted, model.expectedPurchases(next: 20, given: customers[0].pattern), 1e-12))
        #expect(evaluation.groups[2].meanActual == 0 && evaluation.groups[2].meanPredicted == 0)
        #expect(evaluation.groups[3].meanActual == 5)
    }

    @Test("A negative holdout length or count is refused")
    func invalid() throws {
        let model = try BetaGeoModel(r: 0.5, alpha: 4, a: 0.8, b: 2.4)
        let pattern = try PurchasePattern(frequency: 1, recency: 1, age: 2)
        #expect(throws: ModelFitError.self) { try HoldoutEvaluation(model: model, customers: [(pattern, 1)], duration: -1) }
        #expect(throws: ModelFitError.self) { try HoldoutEvaluation(model: model, customers: [(pattern, -1)], duration: 3) }
        #expect(throws: ModelFitError.self) { try HoldoutEvaluation(model: model, customers: [(pattern, 1)], duration: 3, openGroupFrom: 0) }
    }
}
