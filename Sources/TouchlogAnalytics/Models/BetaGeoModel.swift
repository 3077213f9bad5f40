#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD model of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way": while
/// alive a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase the customer
/// drops out with probability p ~ Beta(a, b).
///
/// Times are in the periods the summaries were made in (α is per period). The formulas are those
/// of `lifetimes` 0.11.3's `BetaGeoFitter`; see Sources/TouchlogAnalytics/README.md.
public struct BetaGeoModel: RepeatPurchaseModel, BetaGeoFamily, Equatable {
    static let familyName = "BG/NBD"
    static let isModified = false

    /// Shape of the purchase-rate distribution.
    public let r: Double
    /// Scale of the purchase-rate distribution, in periods.
    public let alpha: Double
    /// First shape of the dropout-probability distribution.
    public let a: Double
    /// Second shape of the dropout-probability distribution.
    public let b: Double

    /// A model with given parameters.
    /// - Throws: ``ModelFitError`` `.invalidInput` unless every parameter is finite and positive.
    public init(r: Double, alpha: Double, a: Double, b: Double) throws(ModelFitError) {
        try Self.validate(r: r, alpha: alpha, a: a, b: b)
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The log-likelihood of one customer's pattern (FHL 2005, eq. 6, in the log-sum-exp form of
    /// `lifetimes`).
    public func logLikelihood(_ pattern: PurchasePattern) -> Double {
        let x = Double(pattern.frequency)
        let a1 = SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
        let a2 = SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b + x)
        let a3 = -(r + x) * log(alpha + pattern.age)
        guard pattern.frequency > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + pattern.recency)
        return a1 + a2 + SpecialFunctions.logAddExp(a3, a4)
    }

    /// P(alive | x, t_x, T): the probability that the customer has not dropped out by T
    /// (Fader, Hardie & Lee, "Computing P(alive) using the BG/NBD model", note 021). 1 when the
    /// customer made no repeat purchase, as the model has no dropout before the first repeat.
    public func probabilityAlive(_ pattern: PurchasePattern) -> Double {
        guard pattern.frequency > 0 else { return 1 }
        let x = Double(pattern.frequency)
        let logRatio = (r + x) * log((alpha + pattern.age) / (alpha + pattern.recency)) + log(a / (b + x - 1))
        return 1 / (1 + exp(logRatio))
    }

    /// E[Y(t) | x, t_x, T]: the expected number of purchases in the next `t` periods of a customer
    /// with this pattern (FHL 2005, eq. 10). NaN if `t` is negative.
    public func expectedPurchases(next t: Double, given pattern: PurchasePattern) -> Double {
        guard t >= 0 else { return .nan }
        guard t > 0 else { return 0 }
        let x = Double(pattern.frequency)
        let (hA, hB, hC) = (r + x, b + x, a + b + x - 1)
        let z = t / (alpha + pattern.age + t)
        let logHyp = SpecialFunctions.logHypergeometric2F1(hA, hB, hC, z)
        let numerator = (a + b + x - 1) / (a - 1) * -expm1(logHyp + (r + x) * log((alpha + pattern.age) / (alpha + t + pattern.age)))
        guard pattern.frequency > 0 else { return numerator }
        return numerator / (1 + a / (b + x - 1) * pow((alpha + pattern.age) / (alpha + pattern.recency), r + x))
    }

    /// E[X(t)]: the expected number of repeat purchases in the first `t` periods after a randomly
    /// chosen customer's first purchase (FHL 2005, eq. 9). NaN if `t` is negative.
    public func expectedRepeatPurchases(within t: Double) -> Double {
        guard t >= 0 else { return .nan }
        guard t > 0 else { return 0 }
        let logHyp = SpecialFunctions.logHypergeometric2F1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * -expm1(logHyp + r * log(alpha / (alpha + t)))
    }
}
