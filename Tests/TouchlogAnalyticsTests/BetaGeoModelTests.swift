import Foundation
import Testing
import TouchlogAnalytics

/// Reference values were computed with `lifetimes` 0.11.3 (scipy 1.17, pandas 1.5.3) on the same
/// fixture: `BetaGeoFitter().fit(frequency, recency, T)` and its prediction methods.
@Suite("BG/NBD model")
struct BetaGeoModelTests {
    static let lifetimesParameters = (r: 0.2425929282798216, alpha: 4.413532265271803, a: 0.7928859664405851, b: 2.42575238262545)

    static func lifetimesModel() throws -> BetaGeoModel {
        let p = lifetimesParameters
        return try BetaGeoModel(r: p.r, alpha: p.alpha, a: p.a, b: p.b)
    }

    @Test("Log-likelihood, P(alive) and E[X(t)] of small cases worked by hand")
    func handChecked() throws {
        // x = 0, T = 5, r = 2, α = 3: ln L = r ln(α/(α + T)) = 2 ln(3/8).
        let model = try BetaGeoModel(r: 2, alpha: 3, a: 1.5, b: 2)
        #expect(isClose(model.logLikelihood(try PurchasePattern(frequency: 0, recency: 0, age: 5)), 2 * log(3.0 / 8), 1e-14))
        // x = 1, t_x = 2, T = 5, r = α = a = b = 1: A1 = 0, A2 = −ln 2, e^A3 = 1/36, e^A4 = 1/9,
        // so ln L = −ln 2 + ln(5/36) = ln(5/72); P(alive) = 1/(1 + (6/3)² · 1/1) = 1/5.
        let ones = try BetaGeoModel(r: 1, alpha: 1, a: 1, b: 1)
        let pattern = try PurchasePattern(frequency: 1, recency: 2, age: 5)
        #expect(isClose(ones.logLikelihood(pattern), log(5.0 / 72), 1e-14))
        #expect(isClose(ones.probabilityAlive(pattern), 0.2, 1e-14))
        // r = α = b = 1, a = 2: E[X(t)] = 2 (1 − ₂F₁(1, 1; 2; z)/(1 + t)) with z = t/(1 + t),
        // and ₂F₁(1, 1; 2; z) = −ln(1 − z)/z = (1 + t) ln(1 + t)/t, so E[X(t)] = 2 (1 − ln(1 + t)/t).
        let model2 = try BetaGeoModel(r: 1, alpha: 1, a: 2, b: 1)
        for t in [0.5, 1, 10, 100] {
            #expect(isClose(model2.expectedRepeatPurchases(within: t), 2 * (1 - log1p(t) / t), 1e-12))
        }
        #expect(model2.expectedRepeatPurchases(within: 0) == 0)
        #expect(model2.expectedRepeatPurchases(within: -1).isNaN)
    }

    @Test("The published CDNOW fit: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4 (FHL 2005), and lifetimes' parameters")
    func cdnowFit() throws {
        let fixture = CDNOWSummaryFixture.shared
        try #require(fixture.rows.count == 2357)
        let fit = try BetaGeoModel.fit(fixture.rows.map(\.pattern))
        #expect(fit.optimization.converged)
        #expect(fit.customers == 2357)
        #expect(fit.distinctPatterns < 2357)
        let m = fit.model
        #expect(abs(m.r - 0.243) < 5e-4 && abs(m.alpha - 4.414) < 5e-4 && abs(m.a - 0.793) < 5e-4 && abs(m.b - 2.426) < 5e-4)
        #expect(abs(fit.logLikelihood - -9582.4) < 0.05)
        let p = Self.lifetimesParameters
        #expect(isClose(m.r, p.r, 1e-5) && isClose(m.alpha, p.alpha, 1e-5) && isClose(m.a, p.a, 1e-5) && isClose(m.b, p.b, 1e-5))
    }

    @Test("Fitting counted patterns equals fitting every customer")
    func aggregation() throws {
        let patterns = CDNOWSummaryFixture.shared.rows.map(\.pattern)
        try #require(!patterns.isEmpty)
        let counted = PurchasePattern.aggregate(patterns)
        #expect(counted.reduce(0) { $0 + $1.count } == patterns.count)
        let a = try BetaGeoModel.fit(patterns), b = try BetaGeoModel.fit(aggregated: counted)
        #expect(a.model == b.model)
        let direct = patterns.reduce(0.0) { $0 + a.model.logLikelihood($1) }
        #expect(isClose(a.logLikelihood, direct, 1e-10))
    }

    @Test("Per-customer P(alive), E[Y(39)] and E[X(t)] equal lifetimes' at lifetimes' parameters")
    func predictions() throws {
        let model = try Self.lifetimesModel()
        let fixture = CDNOWSummaryFixture.shared
        // (id, P(alive), E[Y(39) | x, t_x, T]) from lifetimes 0.11.3.
        let expected: [(Int, Double, Double)] = [
            (1, 0.726609136799, 1.225910424174), (2, 0.212227388072, 0.203250624256),
            (3, 1.0, 0.194780857939), (18, 0.310915280966, 0.297764230721), (1516, 0.968919715969, 20.750570498763),
        ]
        for (id, alive, purchases) in expected {
            let row = try #require(fixture.row(id))
            #expect(isClose(model.probabilityAlive(row.pattern), alive, 1e-10), "customer \(id)")
            #expect(isClose(model.expectedPurchases(next: 39, given: row.pattern), purchases, 1e-10), "customer \(id)")
        }
        // expected_number_of_purchases_up_to_time(t).
        for (t, value) in [(1.0, 0.053184736896), (10, 0.431760989523), (39, 1.195016228446), (78, 1.857971703528), (200, 3.139832560899)] {
            #expect(isClose(model.expectedRepeatPurchases(within: t), value, 1e-10), "t = \(t)")
        }
    }

    @Test("The analytic gradient matches central differences")
    func gradient() throws {
        let counted = PurchasePattern.aggregate(CDNOWSummaryFixture.shared.rows.map(\.pattern))
        try #require(!counted.isEmpty)
        let likelihood = BetaGeoLikelihood(rows: counted, timeScale: 1 / 38.86)
        for theta in [[0.1, 0.1, 0.1, 0.1], [-1.4, -0.5, -0.2, 0.9], [0.5, 1, 1.5, -0.3]] {
            let analytic = likelihood.objective(theta).gradient
            for i in 0..<4 {
                var up = theta, down = theta
                up[i] += 1e-6
                down[i] -= 1e-6
                let numeric = (likelihood.objective(up).value - likelihood.objective(down).value) / 2e-6
                #expect(abs(analytic[i] - numeric) < 1e-6, "θ \(theta), component \(i)")
            }
        }
    }

    @Test("Properties: P(alive) is 1 without repeats, rises with recency, falls with T; expectations grow with t", arguments: propertySeeds)
    func properties(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let model = try BetaGeoModel(
            r: Double.random(in: 0.1...3, using: &random), alpha: Double.random(in: 0.5...20, using: &random),
            a: Double.random(in: 0.2...3, using: &random), b: Double.random(in: 0.2...5, using: &random))
        for _ in 0..<50 {
            let age = Double(Int.random(in: 1...80, using: &random))
            let x = Int.random(in: 0...30, using: &random)
            let recency = x == 0 ? 0 : Double(Int.random(in: 1...Int(age), using: &random))
            let pattern = try PurchasePattern(frequency: x, recency: recency, age: age)
            let alive = model.probabilityAlive(pattern)
            #expect(alive > 0 && alive <= 1, "seed \(seed) \(model) \(pattern)")
            if x == 0 {
                #expect(alive == 1, "seed \(seed)")
            } else {
                let later = try PurchasePattern(frequency: x, recency: age, age: age)
                let older = try PurchasePattern(frequency: x, recency: recency, age: age + 10)
                #expect(model.probabilityAlive(later) >= alive, "seed \(seed) \(model) \(pattern)")
                #expect(model.probabilityAlive(older) <= alive, "seed \(seed) \(model) \(pattern)")
            }
            var previous = 0.0
            for t in [1.0, 5, 20, 52, 104] {
                let expected = model.expectedPurchases(next: t, given: pattern)
                #expect(expected.isFinite && expected >= previous - 1e-12, "seed \(seed) \(model) \(pattern) t \(t)")
                previous = expected
            }
        }
    }

    @Test("Invalid patterns, parameters and populations are refused with a reason")
    func invalidInput() throws {
        #expect(throws: ModelFitError.self) { try PurchasePattern(frequency: -1, recency: 0, age: 3) }
        #expect(throws: ModelFitError.self) { try PurchasePattern(frequency: 2, recency: 5, age: 3) }
        #expect(throws: ModelFitError.self) { try PurchasePattern(frequency: 0, recency: 1, age: 3) }
        #expect(throws: ModelFitError.self) { try PurchasePattern(frequency: 1, recency: .nan, age: 3) }
        #expect(throws: ModelFitError.self) { try BetaGeoModel(r: 0, alpha: 1, a: 1, b: 1) }
        #expect(throws: ModelFitError.self) { try BetaGeoModel(r: 1, alpha: .infinity, a: 1, b: 1) }
        do {
            _ = try BetaGeoModel.fit([])
            Issue.record("fitting nobody succeeded")
        } catch {
            #expect(error.code == .invalidInput)
        }
        do {
            _ = try BetaGeoModel.fit([try PurchasePattern(frequency: 0, recency: 0, age: 4), try PurchasePattern(frequency: 0, recency: 0, age: 9)])
            Issue.record("fitting without repeat purchases succeeded")
        } catch {
            #expect(error.code == .invalidInput && error.message.contains("repeat"))
        }
    }
}
