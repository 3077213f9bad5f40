/// How concentrated revenue is among customers: the share of the top 20%, the Lorenz curve and
/// the Gini coefficient.
public struct RevenueConcentration: Sendable, Equatable {
    /// A point of the Lorenz curve: the poorest `customerShare` of customers bring
    /// `revenueShare` of the revenue (both 0–1).
    public struct Point: Sendable, Equatable {
        public let customerShare: Double
        public let revenueShare: Double
    }

    /// The number of customers taken into account.
    public let customers: Int
    /// Their total revenue.
    public let totalRevenue: Double
    /// The share of revenue (0–1) from the top ⌈20% × customers⌉ customers by revenue.
    public let topFifthShare: Double
    /// The Lorenz curve from (0, 0) to (1, 1), customers ordered from the smallest revenue up;
    /// at most `maxPoints` + 1 points, taken at evenly spaced customer ranks.
    public let lorenz: [Point]
    /// The Gini coefficient, 0 (everyone brings the same) to (n − 1)/n (one customer brings it all):
    /// `Σᵢ (2i − n − 1)·xᵢ / (n·Σx)` over revenues sorted ascending, i = 1…n.
    public let gini: Double

    /// Analyses per-customer revenues.
    ///
    /// - Parameters:
    ///   - revenues: one value per customer, ≥ 0 (customers with no revenue count, with 0).
    ///   - maxPoints: the most Lorenz segments to keep (≥ 1); the curve is exact when there are
    ///     no more customers than that.
    /// - Throws: ``AnalysisError`` when there are no customers, a revenue is negative or not
    ///   finite, or the total is 0.
    public init(revenues: [Double], maxPoints: Int = 100) throws(AnalysisError) {
        guard !revenues.isEmpty else { throw AnalysisError("revenue concentration needs at least one customer") }
        guard revenues.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw AnalysisError("revenue concentration needs finite revenues of 0 or more")
        }
        let sorted = revenues.sorted()
        let total = sorted.reduce(0, +)
        guard total > 0 else { throw AnalysisError("revenue concentration needs a total revenue above 0") }
        let n = sorted.count
        var cumulative = [0.0]
        cumulative.reserveCapacity(n + 1)
        for value in sorted { cumulative.append(cumulative[cumulative.count - 1] + value) }
        let top = Int((Double(n) * 0.2).rounded(.up))
        customers = n
        totalRevenue = total
        topFifthShare = (total - cumulative[n - top]) / total
        let segments = min(n, max(1, maxPoints))
        lorenz = (0...segments).map { step in
            let rank = step * n / segments
            return Point(customerShare: Double(rank) / Double(n), revenueShare: cumulative[rank] / total)
        }
        var weighted = 0.0
        for (offset, value) in sorted.enumerated() { weighted += Double(2 * (offset + 1) - n - 1) * value }
        gini = weighted / (Double(n) * total)
    }
}
