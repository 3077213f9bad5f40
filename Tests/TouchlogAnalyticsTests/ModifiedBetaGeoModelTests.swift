import Foundation
import Testing
import TouchlogAnalytics

/// Reference values from `lifetimes` 0.11.3's `ModifiedBetaGeoFitter` on the same fixture.
@Suite("MBG/NBD model")
struct ModifiedBetaGeoModelTests {
    static let lifetimesParameters = (r: 0.5248377255677019, alpha: 6.182988479134203, a: 0.8913562809310627, b: 1.614000025671838)

    @Test("The CDNOW fit and predictions equal lifetimes'")
    func cdnow() throws {
        let fixture = CDNOWSummaryFixture.shared
        try #require(fixture.rows.count == 2357)
        let fit = try ModifiedBetaGeoModel.fit(fixture.rows.map(\.pattern))
        let p = Self.lifetimesParameters
        #expect(fit.optimization.converged && fit.customers == 2357)
        #expect(isClose(fit.model.r, p.r, 1e-5) && isClose(fit.model.alpha, p.alpha, 1e-5))
        #expect(isClose(fit.model.a, p.a, 1e-5) && isClose(fit.model.b, p.b, 1e-5))
        // MBG/NBD nests no worse than BG/NBD on these data: its likelihood is at least close.
        let bgnbd = try BetaGeoModel.fit(fixture.rows.map(\.pattern))
        #expect(fit.logLikelihood > bgnbd.logLikelihood - 10)

        let model = try ModifiedBetaGeoModel(r: p.r, alpha: p.alpha, a: p.a, b: p.b)
        let expected: [(Int, Double, Double)] = [
            (1, 0.706126258715, 1.262670778714), (2, 0.170819630092, 0.188789240370),
            (3, 0.389716442050, 0.153953644367), (1516, 0.965552868862, 19.448037119463),
        ]
        for (id, alive, purchases) in expected {
            let row = try #require(fixture.row(id))
            #expect(isClose(model.probabilityAlive(row.pattern), alive, 1e-10), "customer \(id)")
            #expect(isClose(model.expectedPurchases(next: 39, given: row.pattern), purchases, 1e-10), "customer \(id)")
        }
        for (t, value) in [(1.0, 0.053060629447), (39, 1.182283795288), (200, 2.932947834755)] {
            #expect(isClose(model.expectedRepeatPurchases(within: t), value, 1e-10), "t = \(t)")
        }
    }

    @Test("Without repeats P(alive) is below 1, and the gradient matches central differences")
    func dropoutAtFirstPurchase() throws {
        let model = try ModifiedBetaGeoModel(r: 0.5, alpha: 6, a: 0.9, b: 1.6)
        let once = try PurchasePattern(frequency: 0, recency: 0, age: 30)
        // 1 / (1 + a/b · ((α + T)/α)^r).
        #expect(isClose(model.probabilityAlive(once), 1 / (1 + 0.9 / 1.6 * pow(36.0 / 6, 0.5)), 1e-14))
        let counted = PurchasePattern.aggregate(CDNOWSummaryFixture.shared.rows.map(\.pattern))
        try #require(!counted.isEmpty)
        let likelihood = BetaGeoLikelihood(rows: counted, timeScale: 1 / 38.86, modified: true)
        let theta = [-0.6, -0.4, -0.1, 0.5]
        let analytic = likelihood.objective(theta).gradient
        for i in 0..<4 {
            var up = theta, down = theta
            up[i] += 1e-6
            down[i] -= 1e-6
            #expect(abs(analytic[i] - (likelihood.objective(up).value - likelihood.objective(down).value) / 2e-6) < 1e-6, "component \(i)")
        }
        // The likelihood's value is the mean of the per-customer log-likelihoods (times scaled).
        let scaled = try ModifiedBetaGeoModel(r: exp(theta[0]), alpha: exp(theta[1]) * 38.86, a: exp(theta[2]), b: exp(theta[3]))
        let patterns = CDNOWSummaryFixture.shared.rows.map(\.pattern)
        let mean = patterns.reduce(0.0) { $0 + scaled.logLikelihood($1) } / Double(patterns.count)
        // Scaling times by 1/38.86 shifts each customer's log-likelihood by x · ln 38.86.
        let shift = patterns.reduce(0.0) { $0 + Double($1.frequency) } / Double(patterns.count) * log(38.86)
        #expect(isClose(-likelihood.objective(theta).value, mean + shift, 1e-10))
    }
}
