#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma spend model of Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value
/// Curves for Customer Base Analysis", and of `lifetimes` 0.11.3's `GammaGammaFitter`: a
/// customer's spend per transaction is Gamma(p, ν) with ν ~ Gamma(q, v), independent of the
/// purchase process. Fitted on repeat customers only, from (x, m̄): the number of repeat
/// purchase periods and the mean spend over them.
public struct GammaGammaModel: Sendable, Equatable {
    /// Shape of the spend per transaction.
    public let p: Double
    /// Shape of the distribution of ν across customers.
    public let q: Double
    /// Scale of the distribution of ν across customers, in currency units.
    public let v: Double

    /// A model with given parameters.
    /// - Throws: ``ModelFitError`` `.invalidInput` unless every parameter is finite and positive.
    public init(p: Double, q: Double, v: Double) throws(ModelFitError) {
        for (name, value) in [("p", p), ("q", q), ("v", v)] where !(value > 0 && value.isFinite) {
            throw ModelFitError(.invalidInput, "Gamma-Gamma parameter \(name) must be finite and positive, not \(value)")
        }
        self.p = p
        self.q = q
        self.v = v
    }

    /// The population mean spend per transaction, v·p / (q − 1) (infinite or negative when q ≤ 1).
    public var populationMeanSpend: Double { v * p / (q - 1) }

    /// E[M | x, m̄]: the expected mean spend per transaction of a customer with `frequency` repeat
    /// purchase periods averaging `monetary`; a weighted mean of the population mean and the
    /// customer's own (`conditional_expected_average_profit`). With frequency 0 it is the
    /// population mean.
    public func expectedAverageSpend(frequency: Int, monetary: Double) -> Double {
        let x = Double(frequency)
        let individualWeight = p * x / (p * x + q - 1)
        return (1 - individualWeight) * populationMeanSpend + individualWeight * monetary
    }

    /// The log-likelihood of one repeat customer's (x, m̄) (x > 0, m̄ > 0).
    public func logLikelihood(frequency: Int, monetary m: Double) -> Double {
        let x = Double(frequency)
        return SpecialFunctions.logGamma(p * x + q) - SpecialFunctions.logGamma(p * x) - SpecialFunctions.logGamma(q) + q * log(v) + (p * x - 1) * log(m)
            + p * x * log(x) - (p * x + q) * log(x * m + v)
    }
}

/// A fitted Gamma-Gamma model and how the fit went.
public struct GammaGammaFit: Sendable {
    /// The maximum-likelihood parameters.
    public let model: GammaGammaModel
    /// The total log-likelihood of the customers at those parameters.
    public let logLikelihood: Double
    /// Repeat customers fitted on.
    public let customers: Int
    /// The optimisation of the mean negative log-likelihood over log-parameters.
    public let optimization: MinimizationResult
}

extension GammaGammaModel {
    /// Fits p, q, v by maximum likelihood as `GammaGammaFitter.fit` does (no penalizer, no q
    /// constraint), on repeat customers: pairs of frequency > 0 and mean spend > 0.
    ///
    /// - Throws: ``ModelFitError`` `.invalidInput` for no customers, a frequency below 1 or a
    ///   spend that is not positive (as `lifetimes` refuses); `.notConverged` otherwise if no start
    ///   converges.
    public static func fit(
        _ customers: [(frequency: Int, monetary: Double)], minimizer: Minimizer = Minimizer()
    ) throws(ModelFitError) -> GammaGammaFit {
        guard !customers.isEmpty else { throw ModelFitError(.invalidInput, "no repeat customers to fit the Gamma-Gamma model on") }
        for (index, customer) in customers.enumerated() {
            guard customer.frequency > 0 else {
                throw ModelFitError(.invalidInput, "customer \(index + 1): the Gamma-Gamma model takes repeat customers only (frequency \(customer.frequency))")
            }
            guard customer.monetary > 0, customer.monetary.isFinite else {
                throw ModelFitError(.invalidInput, "customer \(index + 1): mean spend \(customer.monetary) is not positive")
            }
        }
        let likelihood = GammaGammaLikelihood(customers)
        let result = minimizer.minimize(likelihood.objective, starts: [[0.1, 0.1, 0.1], [0, 1, 1], [1, 1, 3], [-1, 0, 0]])
        guard result.converged, result.point.count == 3 else {
            throw ModelFitError(.notConverged, "the Gamma-Gamma fit did not converge (\(result.status); gradient norm \(result.gradientNorm) after \(result.iterations) iterations)")
        }
        let model: GammaGammaModel
        do {
            model = try GammaGammaModel(p: exp(result.point[0]), q: exp(result.point[1]), v: exp(result.point[2]))
        } catch {
            throw ModelFitError(.notConverged, "the Gamma-Gamma fit ended at degenerate parameters (\(error.message))")
        }
        let total = customers.reduce(0.0) { $0 + model.logLikelihood(frequency: $1.frequency, monetary: $1.monetary) }
        return GammaGammaFit(model: model, logLikelihood: total, customers: customers.count, optimization: result)
    }
}

/// The Gamma-Gamma mean negative log-likelihood and its gradient over (ln p, ln q, ln v); the
/// ln Γ terms depend on x alone and are computed once per distinct x.
package struct GammaGammaLikelihood {
    private let frequencyIndex: [Int]
    private let distinctFrequencies: [Double]
    private let monetary: [Double]
    /// ln m̄ and x·(ln m̄ + ln x), which do not depend on the parameters.
    private let logMonetary: [Double]
    private let logX: [Double]

    package init(_ customers: [(frequency: Int, monetary: Double)]) {
        var indexOf: [Int: Int] = [:]
        var distinct: [Double] = []
        frequencyIndex = customers.map { customer in
            if let index = indexOf[customer.frequency] { return index }
            indexOf[customer.frequency] = distinct.count
            distinct.append(Double(customer.frequency))
            return distinct.count - 1
        }
        distinctFrequencies = distinct
        logX = distinct.map { log($0) }
        monetary = customers.map(\.monetary)
        logMonetary = monetary.map { log($0) }
    }

    package func objective(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let (p, q, v) = (exp(theta[0]), exp(theta[1]), exp(theta[2]))
        let logV = log(v), psiQ = SpecialFunctions.digamma(q), lgammaQ = SpecialFunctions.logGamma(q)
        var termX = [Double](), dPX = [Double](), dQX = [Double]()
        for (k, x) in distinctFrequencies.enumerated() {
            let psiPXQ = SpecialFunctions.digamma(p * x + q)
            termX.append(SpecialFunctions.logGamma(p * x + q) - SpecialFunctions.logGamma(p * x) - lgammaQ + q * logV + p * x * logX[k])
            dPX.append(x * (psiPXQ - SpecialFunctions.digamma(p * x) + logX[k]))
            dQX.append(psiPXQ - psiQ + logV)
        }
        var sum = 0.0, gP = 0.0, gQ = 0.0, gV = 0.0
        for row in 0..<monetary.count {
            let k = frequencyIndex[row]
            let x = distinctFrequencies[k]
            let spend = x * monetary[row] + v
            let logSpend = log(spend)
            sum += termX[k] + (p * x - 1) * logMonetary[row] - (p * x + q) * logSpend
            gP += dPX[k] + x * logMonetary[row] - x * logSpend
            gQ += dQX[k] - logSpend
            gV += q / v - (p * x + q) / spend
        }
        let scale = -1 / Double(monetary.count)
        return (sum * scale, [gP * p * scale, gQ * q * scale, gV * v * scale])
    }
}
