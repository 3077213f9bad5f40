import TouchlogAnalytics

/// One customer's predicted value from the stored model, as of a time.
public struct CustomerValue: Sendable {
    public let customer: String
    /// The time the summary is taken at.
    public let asOf: Timestamp
    /// The model the predictions come from.
    public let model: FittedModel
    /// In the model's period; `nil` when the customer had bought nothing by `asOf` (and then
    /// every prediction is `nil`).
    public let summary: PurchaseSummary?
    public let probabilityAlive: Double?
    /// Expected purchases in the next ``predictionPeriods`` periods.
    public let expectedPurchases: Double?
    public let predictionPeriods: Double
    /// Gamma-Gamma expected spend per purchase; `nil` without a spend model.
    public let expectedAverageSpend: Double?
    /// CLV over ``clvMonths`` at ``clvMonthlyDiscountRate``; `nil` without a spend model.
    public let lifetimeValue: Double?
    public let clvMonths: Int
    public let clvMonthlyDiscountRate: Double
}
