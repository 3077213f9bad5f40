#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fitted BG/NBD model and how the fit went.
public typealias BetaGeoFit = PurchaseModelFit<BetaGeoModel>

/// A fitted repeat-purchase model and how the fit went.
public struct PurchaseModelFit<Model: RepeatPurchaseModel>: Sendable {
    /// The maximum-likelihood parameters.
    public let model: Model
    /// The total log-likelihood of the customers at those parameters (times in periods).
    public let logLikelihood: Double
    /// Customers fitted on.
    public let customers: Int
    /// Distinct (x, t_x, T) patterns among them: the rows the likelihood was summed over.
    public let distinctPatterns: Int
    /// The optimisation of the mean negative log-likelihood over log-parameters.
    public let optimization: MinimizationResult
}

extension BetaGeoModel {
    /// Fits r, α, a, b by maximum likelihood, as `lifetimes`' `BetaGeoFitter.fit` does
    /// (no penalizer): the mean negative log-likelihood over log-parameters, with times scaled
    /// by 1/max(T) while optimising. Identical patterns are summed once with their count.
    ///
    /// - Throws: ``ModelFitError`` `.invalidInput` when there are no customers or none was
    ///   observed for any time; `.notConverged` when no start reaches a vanishing gradient.
    public static func fit(_ patterns: [PurchasePattern], minimizer: Minimizer = Minimizer()) throws(ModelFitError) -> BetaGeoFit {
        try fit(aggregated: PurchasePattern.aggregate(patterns), minimizer: minimizer)
    }

    /// Fits the model to patterns already counted (see ``PurchasePattern/aggregate(_:)``).
    public static func fit(
        aggregated rows: [(pattern: PurchasePattern, count: Int)], minimizer: Minimizer = Minimizer()
    ) throws(ModelFitError) -> BetaGeoFit {
        try fitBetaGeo(rows: rows, minimizer: minimizer)
    }
}

/// The BG/NBD family: models with r, α, a, b that `minimizeBetaGeo` fits.
protocol BetaGeoFamily: RepeatPurchaseModel {
    /// "BG/NBD" or "MBG/NBD", for messages.
    static var familyName: String { get }
    /// Whether a customer may drop out at the first purchase (MBG/NBD).
    static var isModified: Bool { get }
    init(r: Double, alpha: Double, a: Double, b: Double) throws(ModelFitError)
}

extension BetaGeoFamily {
    /// Checks that every parameter is finite and positive.
    static func validate(r: Double, alpha: Double, a: Double, b: Double) throws(ModelFitError) {
        for (name, value) in [("r", r), ("alpha", alpha), ("a", a), ("b", b)] where !(value > 0 && value.isFinite) {
            throw ModelFitError(.invalidInput, "\(familyName) parameter \(name) must be finite and positive, not \(value)")
        }
    }

    /// Fits r, α, a, b by maximum likelihood to counted patterns (rows with no customers dropped).
    static func fitBetaGeo(
        rows: [(pattern: PurchasePattern, count: Int)], minimizer: Minimizer
    ) throws(ModelFitError) -> PurchaseModelFit<Self> {
        let rows = rows.filter { $0.count > 0 }
        let (point, result) = try minimizeBetaGeo(rows: rows, modified: isModified, minimizer: minimizer)
        let model: Self
        do {
            model = try Self(r: point.r, alpha: point.alpha, a: point.a, b: point.b)
        } catch {
            throw ModelFitError(.notConverged, "the \(familyName) fit ended at degenerate parameters (\(error.message)); the data may not support the model")
        }
        let total = rows.reduce(0.0) { $0 + Double($1.count) * model.logLikelihood($1.pattern) }
        return PurchaseModelFit(
            model: model, logLikelihood: total, customers: rows.reduce(0) { $0 + $1.count },
            distinctPatterns: rows.count, optimization: result)
    }
}

/// Checks the rows and minimises the (M)BG/NBD mean negative log-likelihood; returns r, α, a, b
/// in the callers' time unit.
func minimizeBetaGeo(
    rows: [(pattern: PurchasePattern, count: Int)], modified: Bool, minimizer: Minimizer
) throws(ModelFitError) -> (point: (r: Double, alpha: Double, a: Double, b: Double), result: MinimizationResult) {
    let name = modified ? "MBG/NBD" : "BG/NBD"
    guard !rows.isEmpty else { throw ModelFitError(.invalidInput, "no customers to fit the \(name) model on") }
    let maximumAge = rows.map(\.pattern.age).max() ?? 0
    guard maximumAge > 0 else {
        throw ModelFitError(.invalidInput, "every customer has T = 0: nobody has been observed after the first purchase")
    }
    guard rows.contains(where: { $0.pattern.frequency > 0 }) else {
        throw ModelFitError(.invalidInput, "no customer made a repeat purchase: the \(name) parameters are not identified")
    }
    let likelihood = BetaGeoLikelihood(rows: rows, timeScale: 1 / maximumAge, modified: modified)
    let starts: [[Double]] = [[0.1, 0.1, 0.1, 0.1], [0, 0, 0, 0], [-1, 0, -1, 1], [1, 1, 1, 1]]
    let result = minimizer.minimize(likelihood.objective, starts: starts)
    guard result.converged, result.point.count == 4 else {
        throw ModelFitError(.notConverged, "the \(name) fit did not converge (\(result.status); gradient norm \(result.gradientNorm) after \(result.iterations) iterations)")
    }
    let p = result.point
    return ((exp(p[0]), exp(p[1]) / likelihood.timeScale, exp(p[2]), exp(p[3])), result)
}

/// The BG/NBD (or MBG/NBD) mean negative log-likelihood and its gradient over
/// (ln r, ln α, ln a, ln b), with the terms that depend on x alone computed once per distinct x.
///
/// MBG/NBD differs by a shift s = 1 (BG/NBD: s = 0): A2 uses b + x + s and a + b + x + s, A4 uses
/// ln(b + x − 1 + s), and the dropout term A4 also applies when x = 0.
package struct BetaGeoLikelihood {
    let timeScale: Double
    private let shift: Double
    /// Index into `distinctFrequencies` of each row.
    private let frequencyIndex: [Int]
    private let distinctFrequencies: [Double]
    private let recency: [Double]
    private let age: [Double]
    private let weight: [Double]
    private let totalWeight: Double

    package init(rows: [(pattern: PurchasePattern, count: Int)], timeScale: Double, modified: Bool = false) {
        self.timeScale = timeScale
        shift = modified ? 1 : 0
        var indexOf: [Int: Int] = [:]
        var distinct: [Double] = []
        frequencyIndex = rows.map { row in
            if let index = indexOf[row.pattern.frequency] { return index }
            indexOf[row.pattern.frequency] = distinct.count
            distinct.append(Double(row.pattern.frequency))
            return distinct.count - 1
        }
        distinctFrequencies = distinct
        recency = rows.map { $0.pattern.recency * timeScale }
        age = rows.map { $0.pattern.age * timeScale }
        weight = rows.map { Double($0.count) }
        totalWeight = weight.reduce(0, +)
    }

    /// Value and gradient at log-parameters θ.
    package func objective(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let (r, alpha, a, b) = (exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3]))
        let logAlpha = log(alpha)
        // Per distinct x: ln Γ terms of A1 and A2 and their derivatives.
        let psiR = SpecialFunctions.digamma(r), psiB = SpecialFunctions.digamma(b), psiAB = SpecialFunctions.digamma(a + b)
        let baseA2 = SpecialFunctions.logGamma(a + b) - SpecialFunctions.logGamma(b)
        var termX = [Double](), dRX = [Double](), dAX = [Double](), dBX = [Double]()
        for x in distinctFrequencies {
            let (bx, abx) = (b + x + shift, a + b + x + shift)
            let psiRX = SpecialFunctions.digamma(r + x), psiBX = SpecialFunctions.digamma(bx), psiABX = SpecialFunctions.digamma(abx)
            termX.append(SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + baseA2 + SpecialFunctions.logGamma(bx) - SpecialFunctions.logGamma(abx))
            dRX.append(psiRX - psiR)
            dAX.append(psiAB - psiABX)
            dBX.append(psiAB + psiBX - psiB - psiABX)
        }
        let logA = log(a)
        var sum = 0.0, gR = 0.0, gAlpha = 0.0, gA = 0.0, gB = 0.0
        for row in 0..<weight.count {
            let k = frequencyIndex[row]
            let x = distinctFrequencies[k]
            let w = weight[row]
            let logAlphaT = log(alpha + age[row])
            let a3 = -(r + x) * logAlphaT
            var ll = termX[k] + r * logAlpha
            var dR = dRX[k] + logAlpha, dAlpha = r / alpha, dA = dAX[k], dB = dBX[k]
            if x > 0 || shift > 0 {
                let logAlphaTx = log(alpha + recency[row])
                let a4 = logA - log(b + x - 1 + shift) - (r + x) * logAlphaTx
                let high = max(a3, a4)
                let e3 = exp(a3 - high), e4 = exp(a4 - high)
                let w3 = e3 / (e3 + e4), w4 = e4 / (e3 + e4)
                ll += high + log(e3 + e4)
                dR += -w3 * logAlphaT - w4 * logAlphaTx
                dAlpha += -(r + x) * (w3 / (alpha + age[row]) + w4 / (alpha + recency[row]))
                dA += w4 / a
                dB += -w4 / (b + x - 1 + shift)
            } else {
                ll += a3
                dR += -logAlphaT
                dAlpha += -(r + x) / (alpha + age[row])
            }
            sum += w * ll
            gR += w * dR
            gAlpha += w * dAlpha
            gA += w * dA
            gB += w * dB
        }
        let scale = -1 / totalWeight
        return (sum * scale, [gR * r * scale, gAlpha * alpha * scale, gA * a * scale, gB * b * scale])
    }
}
