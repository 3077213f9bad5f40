import Foundation
import Testing
import TouchlogAnalytics

/// Fits on customers simulated from the BG/NBD story itself: the fit must find a likelihood at
/// least as high as the true parameters' and land near them.
@Suite("BG/NBD on simulated customers")
struct BetaGeoSimulationTests {
    /// Gamma(shape, scale 1) by Marsaglia & Tsang (2000), with the shape < 1 boost.
    static func gamma(_ shape: Double, using random: inout SplitMix64) -> Double {
        if shape < 1 {
            return gamma(shape + 1, using: &random) * pow(Double.random(in: Double.ulpOfOne..<1, using: &random), 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            // Box–Muller normal.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random), u2 = Double.random(in: 0..<1, using: &random)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let v = pow(1 + c * z, 3)
            guard v > 0 else { continue }
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            if log(u) < 0.5 * z * z + d - d * v + d * log(v) { return d * v }
        }
    }

    /// One customer observed for `age` periods: Poisson purchases at rate λ ~ Gamma(r, α) while
    /// alive, dropping out after each repeat purchase with p ~ Beta(a, b).
    static func customer(r: Double, alpha: Double, a: Double, b: Double, age: Double, using random: inout SplitMix64) throws -> PurchasePattern {
        let rate = gamma(r, using: &random) / alpha
        let (ga, gb) = (gamma(a, using: &random), gamma(b, using: &random))
        let dropout = ga / (ga + gb)
        var time = 0.0, purchases = 0, last = 0.0
        while true {
            time += -log(Double.random(in: Double.ulpOfOne..<1, using: &random)) / rate
            guard time <= age else { break }
            purchases += 1
            last = time
            if Double.random(in: 0..<1, using: &random) < dropout { break }
        }
        return try PurchasePattern(frequency: purchases, recency: last, age: age)
    }

    @Test("The fit recovers the parameters it was simulated from", arguments: [UInt64(7), 2_026])
    func recovery(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let truth = try BetaGeoModel(r: 0.6, alpha: 4, a: 0.8, b: 2.5)
        let patterns = try (0..<4_000).map { _ in
            try Self.customer(r: truth.r, alpha: truth.alpha, a: truth.a, b: truth.b, age: Double(Int.random(in: 26...52, using: &random)), using: &random)
        }
        let fit = try BetaGeoModel.fit(patterns)
        let atTruth = patterns.reduce(0.0) { $0 + truth.logLikelihood($1) }
        #expect(fit.optimization.converged, "seed \(seed)")
        #expect(fit.logLikelihood >= atTruth - 1e-6, "seed \(seed): \(fit.logLikelihood) < \(atTruth)")
        let m = fit.model
        #expect(abs(m.r / truth.r - 1) < 0.1 && abs(m.alpha / truth.alpha - 1) < 0.15, "seed \(seed): \(m)")
        #expect(abs(m.a / truth.a - 1) < 0.25 && abs(m.b / truth.b - 1) < 0.3, "seed \(seed): \(m)")
        // The fitted model predicts the observed repeat purchases of the population closely.
        let observed = patterns.reduce(0.0) { $0 + Double($1.frequency) }
        let expected = patterns.reduce(0.0) { $0 + m.expectedRepeatPurchases(within: $1.age) }
        #expect(abs(expected / observed - 1) < 0.02, "seed \(seed): \(expected) vs \(observed)")
    }
}
