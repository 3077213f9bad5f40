/// One customer's repeat-purchase history as the BG/NBD model sees it: `x` repeat purchase
/// periods, the last at `t_x`, observed for `T` periods since the first purchase.
///
/// Only valid patterns can be made: `frequency ≥ 0`, `0 ≤ recency ≤ age`, recency 0 when
/// frequency is 0 (the checks `lifetimes` makes).
public struct PurchasePattern: Sendable, Hashable {
    /// `x`: repeat purchase periods.
    public let frequency: Int
    /// `t_x`: periods from the first purchase to the last.
    public let recency: Double
    /// `T`: periods from the first purchase to the end of observation.
    public let age: Double

    /// Checks and creates a pattern.
    /// - Throws: ``ModelFitError`` `.invalidInput` naming the rule broken.
    public init(frequency: Int, recency: Double, age: Double) throws(ModelFitError) {
        guard frequency >= 0 else { throw ModelFitError(.invalidInput, "frequency \(frequency) is negative") }
        guard recency.isFinite, age.isFinite, recency >= 0 else {
            throw ModelFitError(.invalidInput, "recency \(recency) must be a finite number ≥ 0 (T \(age))")
        }
        guard recency <= age else { throw ModelFitError(.invalidInput, "recency \(recency) is larger than T \(age)") }
        guard frequency > 0 || recency == 0 else {
            throw ModelFitError(.invalidInput, "recency \(recency) is not 0 although frequency is 0")
        }
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }

    /// The pattern of a purchase summary (its frequency, recency and T).
    public init(_ summary: PurchaseSummary) throws(ModelFitError) {
        try self.init(frequency: summary.frequency, recency: summary.recency, age: summary.age)
    }

    /// Identical patterns counted once with their multiplicity, in order of first appearance: the
    /// likelihood of a population is the weighted sum over its distinct patterns.
    public static func aggregate(_ patterns: [PurchasePattern]) -> [(pattern: PurchasePattern, count: Int)] {
        var index: [PurchasePattern: Int] = [:]
        var result: [(pattern: PurchasePattern, count: Int)] = []
        for pattern in patterns {
            if let at = index[pattern] {
                result[at].count += 1
            } else {
                index[pattern] = result.count
                result.append((pattern, 1))
            }
        }
        return result
    }
}
