#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The special functions the purchase models need: log-gamma, digamma and the Gaussian
/// hypergeometric function ₂F₁. Log-gamma comes from the C math library; the others are
/// implemented here.
package enum SpecialFunctions {
    /// ln Γ(x) for x > 0.
    package static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// The digamma function ψ(x) = d/dx ln Γ(x), for x > 0 (NaN otherwise).
    ///
    /// Shifts x to 10 or more with ψ(x) = ψ(x + 1) − 1/x, then uses the asymptotic series
    /// ψ(x) ≈ ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ), which is accurate to about 1e-15 there.
    package static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
        var x = x
        var shift = 0.0
        while x < 10 {
            shift -= 1 / x
            x += 1
        }
        let inverseSquare = 1 / (x * x)
        let series = inverseSquare * (1.0 / 12 - inverseSquare * (1.0 / 120 - inverseSquare * (1.0 / 252
            - inverseSquare * (1.0 / 240 - inverseSquare * (1.0 / 132 - inverseSquare * (691.0 / 32760
            - inverseSquare / 12))))))
        return shift + log(x) - 0.5 / x - series
    }

    /// ₂F₁(a, b; c; z) for 0 ≤ z < 1 and c not 0 or a negative integer, by its power series.
    ///
    /// When c − a − b < 0 the terms of the series first grow (the function behaves like
    /// (1 − z)^(c−a−b) near 1), so Euler's transformation
    /// ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z) is summed instead, whose terms
    /// shrink from the start. Returns NaN outside the domain or if the series has not converged
    /// after 200,000 terms (z within about 1e-4 of 1).
    package static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard z >= 0, z < 1, a.isFinite, b.isFinite, c.isFinite, c > 0 || c != c.rounded() else { return .nan }
        if z == 0 { return 1 }
        let excess = c - a - b
        if excess < 0 {
            return exp(excess * log1p(-z)) * series2F1(c - a, c - b, c, z)
        }
        return series2F1(a, b, c, z)
    }

    /// ln ₂F₁(a, b; c; z), avoiding overflow of the (1 − z)^(c−a−b) factor; see
    /// ``hypergeometric2F1(_:_:_:_:)``.
    package static func logHypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard z >= 0, z < 1, a.isFinite, b.isFinite, c.isFinite, c > 0 || c != c.rounded() else { return .nan }
        if z == 0 { return 0 }
        let excess = c - a - b
        if excess < 0 {
            return excess * log1p(-z) + log(series2F1(c - a, c - b, c, z))
        }
        return log(series2F1(a, b, c, z))
    }

    /// Σₙ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, summed until a term no longer changes the sum.
    private static func series2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        for n in 0..<200_000 {
            let k = Double(n)
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            sum += term
            if term == 0 || (abs(term) <= 1e-17 * abs(sum) && k > abs(a) + abs(b) + abs(c)) { return sum }
            if !sum.isFinite { return .nan }
        }
        return .nan
    }

    /// ln(eᵘ + eᵛ) without overflow.
    package static func logAddExp(_ u: Double, _ v: Double) -> Double {
        let high = max(u, v)
        if high == -.infinity { return -.infinity }
        return high + log(exp(u - high) + exp(v - high))
    }
}
