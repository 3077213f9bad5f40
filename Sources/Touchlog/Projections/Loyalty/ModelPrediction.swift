import TouchlogAnalytics

/// What the stored model predicts for one customer as of a time, as the loyalty view and the
/// churn rules carry it: P(alive), expected purchases and CLV over the next 12 months (30 days
/// or 4.345 weeks a month, discounted at 1% a month, as `lifetimes`' defaults).
public struct ModelPrediction: Sendable, Equatable {
    public let probabilityAlive: Double
    /// Expected purchases in the next ``horizonMonths`` months.
    public let expectedPurchases: Double
    public let horizonMonths: Int
    /// The CLV over ``horizonMonths``; `nil` without a spend model.
    public let lifetimeValue: Double?
    /// The as-of time of the fit the prediction comes from.
    public let modelAsOf: Timestamp
}

extension FittedModel {
    static let defaultHorizonMonths = 12
    static let defaultMonthlyDiscountRate = 0.01

    /// The prediction for a customer with these purchases as of `asOfDay`, summarised in the
    /// model's period; `nil` when nothing was bought by then.
    func prediction(_ days: [DailySpend], asOfDay: Int) -> ModelPrediction? {
        guard let (summary, pattern) = pattern(days, asOfDay: asOfDay) else { return nil }
        let months = Self.defaultHorizonMonths
        return ModelPrediction(
            probabilityAlive: purchases.probabilityAlive(pattern),
            expectedPurchases: purchases.expectedPurchases(next: Double(months) * period.periodsPerMonth, given: pattern),
            horizonMonths: months,
            lifetimeValue: lifetimeValue(pattern, monetary: summary.monetary, months: months, monthlyDiscountRate: Self.defaultMonthlyDiscountRate),
            modelAsOf: asOf)
    }

    /// P(alive) as ``prediction(_:asOfDay:)`` gives it, without the rest of the prediction.
    func probabilityAlive(_ days: [DailySpend], asOfDay: Int) -> Double? {
        pattern(days, asOfDay: asOfDay).map { purchases.probabilityAlive($0.pattern) }
    }

    /// The purchase summary as of `asOfDay` in the model's period, and its pattern.
    private func pattern(_ days: [DailySpend], asOfDay: Int) -> (summary: PurchaseSummary, pattern: PurchasePattern)? {
        guard let summary = PurchaseSummaries.summarize(days, asOfDay: asOfDay, period: period),
              let pattern = try? PurchasePattern(summary)
        else { return nil }
        return (summary, pattern)
    }
}
