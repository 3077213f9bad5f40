/// A model of repeat purchases fitted on (x, t_x, T) patterns: BG/NBD (``BetaGeoModel``) or
/// MBG/NBD (``ModifiedBetaGeoModel``). Times are in the periods the patterns were made in.
public protocol RepeatPurchaseModel: Sendable {
    /// The log-likelihood of one customer's pattern.
    func logLikelihood(_ pattern: PurchasePattern) -> Double
    /// The probability that a customer with this pattern is still active at T.
    func probabilityAlive(_ pattern: PurchasePattern) -> Double
    /// E[Y(t) | x, t_x, T]: expected purchases in the next `t` periods (NaN if `t` < 0).
    func expectedPurchases(next t: Double, given pattern: PurchasePattern) -> Double
    /// E[X(t)]: expected repeat purchases in the first `t` periods of a random new customer.
    func expectedRepeatPurchases(within t: Double) -> Double
}
