import TouchlogAnalytics

/// The outcome of fitting the purchase and spend models on the customer base as of a time:
/// the models, how the optimisation went, the holdout fit, and every customer's predictions.
public struct ModelFitReport: Sendable {
    /// One customer's calibration summary and what the fitted models predict for them.
    public struct Customer: Sendable {
        public let customer: String
        public let summary: PurchaseSummary
        public let pattern: PurchasePattern
        /// Repeat purchase periods after the calibration end up to the holdout end (0 without a
        /// holdout).
        public let holdoutPurchases: Int
        public let probabilityAlive: Double
        /// Expected purchases in the next ``ModelFitReport/predictionPeriods`` periods.
        public let expectedPurchases: Double
        /// CLV over ``ModelFitReport/clvMonths`` at ``ModelFitReport/clvMonthlyDiscountRate``;
        /// `nil` without a spend model.
        public let lifetimeValue: Double?
    }

    public let model: FittedModel
    public let purchaseFit: BetaGeoFit
    public let spendFit: GammaGammaFit?
    /// Why there is no spend model, when there is none.
    public let spendFailure: String?
    /// The holdout end and the evaluation there, when one was asked for.
    public let holdoutEnd: Timestamp?
    public let holdout: HoldoutEvaluation?
    /// The horizon of each customer's ``Customer/expectedPurchases``: the holdout length, or a
    /// year of periods without a holdout.
    public let predictionPeriods: Double
    public let clvMonths: Int
    public let clvMonthlyDiscountRate: Double
    public let customers: [Customer]
    /// Seconds spent reading the summaries, fitting BG/NBD (with the counting of identical
    /// patterns) and fitting Gamma-Gamma.
    public let summarySeconds: Double
    public let purchaseFitSeconds: Double
    public let spendFitSeconds: Double
}
