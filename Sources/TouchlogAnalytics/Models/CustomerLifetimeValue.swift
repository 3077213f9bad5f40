/// Customer lifetime value as `lifetimes` 0.11.3 computes it in `customer_lifetime_value`
/// (`GammaGammaFitter.customer_lifetime_value` → `utils._customer_lifetime_value`): month by month,
/// the expected spend per transaction times the purchases expected in that month, discounted
/// at a monthly rate.
public enum CustomerLifetimeValue {
    /// Σ for k = 1…months of E[M] · (E[Y(k·f)] − E[Y((k − 1)·f)]) / (1 + d)ᵏ, where E[Y(t)] is the
    /// BG/NBD expectation of purchases in the next t periods, E[M] the Gamma-Gamma expected spend
    /// per transaction, f the periods per month and d the monthly discount rate.
    ///
    /// - Parameters:
    ///   - pattern: The customer's (x, t_x, T).
    ///   - monetary: The customer's mean spend per repeat purchase period (0 for none).
    ///   - months: The horizon in months (`time`); 0 gives 0.
    ///   - monthlyDiscountRate: `discount_rate`, e.g. 0.01.
    ///   - periodsPerMonth: `lifetimes`' factor for `freq`: 30 for days, 4.345 for weeks, 1 for
    ///     months; see ``PurchasePeriod/periodsPerMonth``.
    /// - Returns: The discounted value, or NaN for a negative horizon or a discount rate ≤ −1.
    public static func value(
        purchases: some RepeatPurchaseModel, spend: GammaGammaModel, pattern: PurchasePattern, monetary: Double,
        months: Int, monthlyDiscountRate: Double, periodsPerMonth: Double
    ) -> Double {
        guard months >= 0, monthlyDiscountRate > -1, periodsPerMonth > 0 else { return .nan }
        let averageSpend = spend.expectedAverageSpend(frequency: pattern.frequency, monetary: monetary)
        var total = 0.0
        var previous = 0.0
        var discount = 1.0
        for month in stride(from: 1, through: months, by: 1) {
            let cumulative = purchases.expectedPurchases(next: Double(month) * periodsPerMonth, given: pattern)
            discount *= 1 + monthlyDiscountRate
            total += averageSpend * (cumulative - previous) / discount
            previous = cumulative
        }
        return total
    }
}

extension PurchasePeriod {
    /// Periods per month in `lifetimes`' CLV: 30 days (`freq='D'`) or 4.345 weeks (`freq='W'`).
    public var periodsPerMonth: Double {
        switch self {
        case .day: 30
        case .calendarWeek, .fractionalWeek: 4.345
        }
    }
}
