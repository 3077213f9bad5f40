#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The MBG/NBD model of Batislam, Denizel & Filiztekin (2007): BG/NBD where a customer may also
/// drop out right at the first purchase, so that P(alive) is below 1 even without repeats. The
/// formulas are those of `lifetimes` 0.11.3's `ModifiedBetaGeoFitter`.
public struct ModifiedBetaGeoModel: RepeatPurchaseModel, BetaGeoFamily, Equatable {
    static let familyName = "MBG/NBD"
    static let isModified = true

    public let r: Double
    public let alpha: Double
    public let a: Double
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

    /// ln L = A1 + A2 + A3 + ln(1 + e^A4), A2 and A4 with b + x + 1 (`lifetimes`' form).
    public func logLikelihood(_ pattern: PurchasePattern) -> Double {
        let x = Double(pattern.frequency)
        let a1 = SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
        let a2 = SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x + 1) - SpecialFunctions.logGamma(b)
            - SpecialFunctions.logGamma(a + b + x + 1)
        let a3 = -(r + x) * log(alpha + pattern.age)
        let a4 = log(a) - log(b + x) + (r + x) * (log(alpha + pattern.age) - log(alpha + pattern.recency))
        return a1 + a2 + a3 + SpecialFunctions.logAddExp(a4, 0)
    }

    /// 1 / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r + x)), for every x.
    public func probabilityAlive(_ pattern: PurchasePattern) -> Double {
        let x = Double(pattern.frequency)
        return 1 / (1 + a / (b + x) * pow((alpha + pattern.age) / (alpha + pattern.recency), r + x))
    }

    /// (a + b + x)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) ₂F₁(r + x, b + x + 1; a + b + x; z)]
    /// / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r + x)), z = t/(α + T + t).
    public func expectedPurchases(next t: Double, given pattern: PurchasePattern) -> Double {
        guard t >= 0 else { return .nan }
        guard t > 0 else { return 0 }
        let x = Double(pattern.frequency)
        let z = t / (alpha + pattern.age + t)
        let logHyp = SpecialFunctions.logHypergeometric2F1(r + x, b + x + 1, a + b + x, z)
        let numerator = (a + b + x) / (a - 1) * -expm1(logHyp + (r + x) * log((alpha + pattern.age) / (alpha + t + pattern.age)))
        return numerator / (1 + a / (b + x) * pow((alpha + pattern.age) / (alpha + pattern.recency), r + x))
    }

    /// b/(a − 1) · [1 − (α/(α + t))^r ₂F₁(r, b + 1; a + b; t/(α + t))].
    public func expectedRepeatPurchases(within t: Double) -> Double {
        guard t >= 0 else { return .nan }
        guard t > 0 else { return 0 }
        let logHyp = SpecialFunctions.logHypergeometric2F1(r, b + 1, a + b, t / (alpha + t))
        return b / (a - 1) * -expm1(logHyp + r * log(alpha / (alpha + t)))
    }

    /// Fits r, α, a, b by maximum likelihood as `ModifiedBetaGeoFitter.fit` does (the same
    /// procedure as ``BetaGeoModel/fit(_:minimizer:)``).
    public static func fit(
        _ patterns: [PurchasePattern], minimizer: Minimizer = Minimizer()
    ) throws(ModelFitError) -> PurchaseModelFit<ModifiedBetaGeoModel> {
        try fitBetaGeo(rows: PurchasePattern.aggregate(patterns), minimizer: minimizer)
    }
}
