import Foundation
import Testing
import TouchlogAnalytics

/// Reference values from `lifetimes` 0.11.3 on the same fixture: `GammaGammaFitter().fit` on the
/// 946 repeat customers, `conditional_expected_average_profit` and `customer_lifetime_value(bgf,
/// …, time=12, discount_rate=0.01, freq='W')`.
@Suite("Gamma-Gamma spend model and CLV")
struct GammaGammaModelTests {
    static let lifetimesParameters = (p: 6.248802496074264, q: 3.744588460923312, v: 15.447748064932831)

    static func repeatCustomers() -> [(frequency: Int, monetary: Double)] {
        CDNOWSummaryFixture.shared.rows.filter { $0.pattern.frequency > 0 }.map { ($0.pattern.frequency, $0.monetary) }
    }

    @Test("The CDNOW fit: lifetimes' p, q, v and log-likelihood; the documented p 6.25, q 3.74, v 15.45")
    func cdnowFit() throws {
        let customers = Self.repeatCustomers()
        try #require(customers.count == 946)
        let fit = try GammaGammaModel.fit(customers)
        let p = Self.lifetimesParameters
        #expect(isClose(fit.model.p, p.p, 1e-5) && isClose(fit.model.q, p.q, 1e-5) && isClose(fit.model.v, p.v, 1e-5))
        #expect(abs(fit.model.p - 6.25) < 0.005 && abs(fit.model.q - 3.74) < 0.005 && abs(fit.model.v - 15.45) < 0.005)
        #expect(isClose(fit.logLikelihood, -4055.9232435028634, 1e-7))
        #expect(fit.customers == 946 && fit.optimization.converged)
    }

    @Test("Expected average spend: lifetimes' values, and the population mean v·p/(q − 1) without repeats")
    func expectedAverageSpend() throws {
        let p = Self.lifetimesParameters
        let model = try GammaGammaModel(p: p.p, q: p.q, v: p.v)
        #expect(isClose(model.expectedAverageSpend(frequency: 2, monetary: 22.35), 24.658616189236923, 1e-12))
        #expect(isClose(model.expectedAverageSpend(frequency: 1, monetary: 11.77), 18.911479869930286, 1e-12))
        #expect(isClose(model.expectedAverageSpend(frequency: 0, monetary: 0), 35.171002152506624, 1e-12))
        #expect(isClose(model.populationMeanSpend, p.v * p.p / (p.q - 1), 1e-15))
        // More repeat purchases pull the estimate towards the customer's own mean.
        let few = model.expectedAverageSpend(frequency: 1, monetary: 100), many = model.expectedAverageSpend(frequency: 20, monetary: 100)
        #expect(few < many && many < 100)
    }

    @Test("The analytic gradient matches central differences")
    func gradient() throws {
        let likelihood = GammaGammaLikelihood(Self.repeatCustomers())
        for theta in [[0.1, 0.1, 0.1], [1.8, 1.3, 2.7], [-0.5, 2, 1]] {
            let analytic = likelihood.objective(theta).gradient
            for i in 0..<3 {
                var up = theta, down = theta
                up[i] += 1e-6
                down[i] -= 1e-6
                let numeric = (likelihood.objective(up).value - likelihood.objective(down).value) / 2e-6
                #expect(abs(analytic[i] - numeric) < 1e-6, "θ \(theta), component \(i)")
            }
        }
    }

    @Test("CLV over 12 months at 1% a month in weeks equals lifetimes' customer_lifetime_value")
    func lifetimeValue() throws {
        let b = BetaGeoModelTests.lifetimesParameters, g = Self.lifetimesParameters
        let purchases = try BetaGeoModel(r: b.r, alpha: b.alpha, a: b.a, b: b.b)
        let spend = try GammaGammaModel(p: g.p, q: g.q, v: g.v)
        let expected: [(Int, Double)] = [(1, 36.278495763626665), (2, 4.63746632856977), (3, 8.344093121809948), (18, 6.349622110038554), (1516, 972.1255634234096)]
        for (id, value) in expected {
            let row = try #require(CDNOWSummaryFixture.shared.row(id))
            let clv = CustomerLifetimeValue.value(
                purchases: purchases, spend: spend, pattern: row.pattern, monetary: row.monetary,
                months: 12, monthlyDiscountRate: 0.01, periodsPerMonth: PurchasePeriod.calendarWeek.periodsPerMonth)
            #expect(isClose(clv, value, 1e-9), "customer \(id)")
        }
    }

    @Test("CLV grows with the horizon, shrinks with the discount rate, is 0 for no months", arguments: propertySeeds)
    func lifetimeValueProperties(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let purchases = try BetaGeoModel(r: 0.3, alpha: 5, a: 0.8, b: 2.5)
        let spend = try GammaGammaModel(p: 6, q: 4, v: 15)
        let x = Int.random(in: 0...20, using: &random)
        let age = Double(Int.random(in: 1...60, using: &random))
        let pattern = try PurchasePattern(frequency: x, recency: x == 0 ? 0 : Double(Int.random(in: 1...Int(age), using: &random)), age: age)
        let monetary = x == 0 ? 0 : Double.random(in: 1...200, using: &random)
        func clv(_ months: Int, _ rate: Double) -> Double {
            CustomerLifetimeValue.value(purchases: purchases, spend: spend, pattern: pattern, monetary: monetary, months: months, monthlyDiscountRate: rate, periodsPerMonth: 4.345)
        }
        #expect(clv(0, 0.01) == 0)
        #expect(clv(6, 0.01) < clv(12, 0.01), "seed \(seed)")
        #expect(clv(12, 0.05) < clv(12, 0.01), "seed \(seed)")
        // Undiscounted, CLV is E[M] · E[Y(12 months)].
        let undiscounted = spend.expectedAverageSpend(frequency: x, monetary: monetary) * purchases.expectedPurchases(next: 12 * 4.345, given: pattern)
        #expect(isClose(clv(12, 0), undiscounted, 1e-10), "seed \(seed)")
        #expect(clv(-1, 0.01).isNaN)
    }

    @Test("Non-repeat customers and non-positive spend are refused")
    func invalidInput() {
        #expect(throws: ModelFitError.self) { try GammaGammaModel.fit([]) }
        #expect(throws: ModelFitError.self) { try GammaGammaModel.fit([(0, 10), (2, 5)]) }
        #expect(throws: ModelFitError.self) { try GammaGammaModel.fit([(1, 0), (2, 5)]) }
        #expect(throws: ModelFitError.self) { try GammaGammaModel(p: 1, q: -1, v: 1) }
    }
}
