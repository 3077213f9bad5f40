/// A forecast of a regular series (monthly revenue, monthly NPS) by exponential smoothing, with
/// its error on a held-out tail.
///
/// The method follows the length of the series: Holt-Winters with additive seasonality and a
/// damped trend when the training part holds at least two seasons, else Holt's damped linear
/// trend. With level ℓ, trend b, seasonal s, season length m and damping φ (Hyndman &
/// Athanasopoulos, *Forecasting: principles and practice*, §8.3):
///
///     ŷ(t+1|t) = ℓ(t) + φ·b(t) + s(t+1−m)
///     ℓ(t) = α·(y(t) − s(t−m)) + (1 − α)·(ℓ(t−1) + φ·b(t−1))
///     b(t) = β·(ℓ(t) − ℓ(t−1)) + (1 − β)·φ·b(t−1)
///     s(t) = γ·(y(t) − ℓ(t−1) − φ·b(t−1)) + (1 − γ)·s(t−m)
///     ŷ(n+h|n) = ℓ(n) + (φ + φ² + … + φʰ)·b(n) + s(n+h−m·⌈h/m⌉)
///
/// Holt's method is the same without s. Start values (classical decomposition of the first two
/// seasons): b = (mean of the second season − mean of the first) / m; ℓ = the mean of the first
/// season taken back from its middle to just before the first value, mean − b·(m + 1)/2; s(i) =
/// y(i) − (ℓ + (i + 1)·b) for the first season. Holt takes ℓ = y(0), b = y(1) − y(0). So a
/// straight line, or a straight line plus a fixed season, is reproduced exactly. (α, β, γ, φ)
/// are chosen on a grid (α, γ in {0.02, 0.05, 0.1, 0.2, …, 0.9, 0.95}, β in {0.01, 0.05, 0.1,
/// 0.2, 0.3}, φ in {0.8, 0.9, 0.95, 0.98, 1}) to minimise the in-sample sum of squared one-step
/// errors.
///
/// The error: the model is fitted on all but the last `holdout` values, forecasts them, and is
/// scored by MAE and MAPE against them. The forecast ahead comes from the same method refitted on
/// the whole series.
public struct Forecast: Sendable, Equatable {
    /// The smoothing method used.
    public enum Method: String, Sendable {
        /// Additive seasonality with a damped trend.
        case holtWinters = "Holt-Winters additive, damped trend"
        /// Damped linear trend, no seasonality.
        case holt = "Holt damped trend"
    }

    /// Smoothing parameters.
    public struct Parameters: Sendable, Equatable {
        public let alpha: Double
        public let beta: Double
        /// `nil` for Holt's method.
        public let gamma: Double?
        public let phi: Double
    }

    public let method: Method
    /// The parameters fitted on the whole series.
    public let parameters: Parameters
    /// The last `holdout` values of the series.
    public let holdoutActual: [Double]
    /// Their forecast by the model fitted on the values before them.
    public let holdoutForecast: [Double]
    /// Mean absolute error on the holdout.
    public let mae: Double
    /// Mean absolute percentage error on the holdout (0–1 scale, 0.12 = 12%), over the holdout
    /// values that are not 0; `nil` when all are 0.
    public let mape: Double?
    /// The forecast of the `horizon` values after the series.
    public let forecast: [Double]

    /// Fits, evaluates and forecasts a series.
    ///
    /// - Parameters:
    ///   - series: equally spaced values, oldest first, all finite.
    ///   - seasonLength: values per season (12 for months).
    ///   - holdout: how many of the last values to hold out for the error (≥ 1).
    ///   - horizon: how many values to forecast after the series (≥ 0).
    /// - Throws: ``AnalysisError`` when a value is not finite, `holdout` < 1, `horizon` < 0,
    ///   `seasonLength` < 2, or fewer than 3 values remain before the holdout.
    public init(series: [Double], seasonLength: Int = 12, holdout: Int, horizon: Int) throws(AnalysisError) {
        guard series.allSatisfy(\.isFinite) else { throw AnalysisError("a forecast needs finite values") }
        guard holdout >= 1, horizon >= 0, seasonLength >= 2 else {
            throw AnalysisError("a forecast needs a holdout of at least 1, a horizon of 0 or more and a season of at least 2")
        }
        let training = Array(series.dropLast(holdout))
        guard training.count >= 3 else {
            throw AnalysisError("a forecast needs at least 3 values before the \(holdout) held out (got \(series.count) in all)")
        }
        let seasonal = training.count >= 2 * seasonLength
        let evaluation = Self.fit(training, seasonLength: seasonal ? seasonLength : nil)
        holdoutActual = Array(series.suffix(holdout))
        holdoutForecast = evaluation.forecast(holdout)
        let errors = zip(holdoutActual, holdoutForecast).map { abs($0 - $1) }
        mae = errors.reduce(0, +) / Double(errors.count)
        let relative = zip(holdoutActual, errors).filter { $0.0 != 0 }.map { $0.1 / abs($0.0) }
        mape = relative.isEmpty ? nil : relative.reduce(0, +) / Double(relative.count)
        let full = Self.fit(series, seasonLength: seasonal ? seasonLength : nil)
        method = seasonal ? .holtWinters : .holt
        parameters = full.parameters
        forecast = full.forecast(horizon)
    }

    /// The state after smoothing a series with given parameters.
    private struct State {
        var parameters: Parameters
        var level: Double
        var trend: Double
        /// The last m seasonal terms, oldest first (empty for Holt).
        var seasonals: [Double]
        var sse: Double

        func forecast(_ count: Int) -> [Double] {
            var damping = 0.0, power = 1.0
            return (0..<count).map { step in
                power *= parameters.phi
                damping += power
                let season = seasonals.isEmpty ? 0 : seasonals[step % seasonals.count]
                return level + damping * trend + season
            }
        }
    }

    private static let alphas = [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    private static let betas = [0.01, 0.05, 0.1, 0.2, 0.3]
    private static let phis = [0.8, 0.9, 0.95, 0.98, 1.0]

    /// The smoothed state with the grid parameters of least SSE (the first such on the grid).
    private static func fit(_ y: [Double], seasonLength m: Int?) -> State {
        var best: State?
        for alpha in alphas {
            for beta in betas {
                for gamma in m == nil ? [nil] : alphas.map(Optional.some) {
                    for phi in phis {
                        let state = smooth(y, seasonLength: m, Parameters(alpha: alpha, beta: beta, gamma: gamma, phi: phi))
                        if best.map({ state.sse < $0.sse }) ?? true { best = state }
                    }
                }
            }
        }
        return best!
    }

    private static func smooth(_ y: [Double], seasonLength m: Int?, _ p: Parameters) -> State {
        var level = y[0], trend = y[1] - y[0], seasonals: [Double] = [], first = 1
        if let m {
            let firstMean = y[0..<m].reduce(0, +) / Double(m)
            let secondMean = y[m..<(2 * m)].reduce(0, +) / Double(m)
            trend = (secondMean - firstMean) / Double(m)
            level = firstMean - trend * Double(m + 1) / 2
            seasonals = (0..<m).map { y[$0] - (level + Double($0 + 1) * trend) }
            first = 0
        }
        let gamma = p.gamma ?? 0
        var sse = 0.0
        for t in first..<y.count {
            let season = m.map { seasonals[t % $0] } ?? 0
            let (previousLevel, previousTrend) = (level, trend)
            let error = y[t] - (previousLevel + p.phi * previousTrend + season)
            sse += error * error
            level = p.alpha * (y[t] - season) + (1 - p.alpha) * (previousLevel + p.phi * previousTrend)
            trend = p.beta * (level - previousLevel) + (1 - p.beta) * p.phi * previousTrend
            if let m { seasonals[t % m] = gamma * (y[t] - previousLevel - p.phi * previousTrend) + (1 - gamma) * season }
        }
        // Rotate so that the first seasonal term is the one of the value after the series.
        if let m { seasonals = Array(seasonals[(y.count % m)...] + seasonals[..<(y.count % m)]) }
        return State(parameters: p, level: level, trend: trend, seasonals: seasonals, sse: sse)
    }
}
