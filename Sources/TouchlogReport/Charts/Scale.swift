import Foundation

/// A linear map from data values to SVG coordinates.
struct LinearScale {
    var domain: (low: Double, high: Double)
    var range: (low: Double, high: Double)

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.high - domain.low
        guard span != 0 else { return (range.low + range.high) / 2 }
        return range.low + (value - domain.low) / span * (range.high - range.low)
    }

    /// "Nice" tick values (1, 2 or 5 × 10ⁿ apart) covering the domain, about `count` of them.
    func ticks(_ count: Int = 5) -> [Double] {
        Self.niceTicks(domain.low, domain.high, count)
    }

    static func niceTicks(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
        guard high > low, count > 0, low.isFinite, high.isFinite else { return [low] }
        let step = tickStep(low, high, count)
        var ticks: [Double] = []
        var value = ceil(low / step - 1e-9) * step
        while value <= high + step * 1e-9 && ticks.count <= 4 * count {  // bounded, whatever the rounding
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }

    /// A domain from data that starts at 0 (for amounts and counts) or covers negative values,
    /// widened to nice tick values.
    static func niceDomain(_ values: [Double], includeZero: Bool = true) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includeZero { low = min(low, 0); high = max(high, 0) }
        if high == low { high = low + 1 }
        // Widen to multiples of the tick step until the step of the widened domain (the one
        // `ticks()` will use) stays the same, so that both ends carry a tick.
        for _ in 0..<4 {
            let step = tickStep(low, high, 5)
            let niceLow = floor(low / step + 1e-9) * step, niceHigh = ceil(high / step - 1e-9) * step
            if niceLow == low && niceHigh == high { break }
            (low, high) = (niceLow, niceHigh)
        }
        return (low, high)
    }

    /// The step `niceTicks` uses for a domain.
    private static func tickStep(_ low: Double, _ high: Double, _ count: Int) -> Double {
        let rough = (high - low) / Double(count)
        let power = pow(10, floor(log10(rough)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
    }
}
