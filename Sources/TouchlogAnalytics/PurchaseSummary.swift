/// frequency/recency/T/monetary as the CLV literature and `lifetimes` define them.
///
/// Produced by ``PurchaseSummaries/summarize(_:asOfDay:periodDays:)``. Times are counted in
/// periods of the ``PurchasePeriod`` the summary was made with (days, unless asked otherwise).
/// These are the sufficient statistics of the BG/NBD and Pareto/NBD models (`x`, `t_x`, `T`) and
/// of the Gamma-Gamma spend model (`x`, `m`).
public struct PurchaseSummary: Sendable, Equatable {
    /// The number of repeat purchase periods: distinct periods with a purchase, minus one (the
    /// first). 0 for a customer who bought in one period only. `x` in the literature.
    public var frequency: Int
    /// The time from the first purchase period to the last one, in periods. 0 when
    /// `frequency == 0`. `t_x` in the literature.
    public var recency: Double
    /// "T": the time from the first purchase period to the as-of period, in periods: the
    /// customer's age. Never less than ``recency``.
    public var age: Double
    /// The mean spend per repeat purchase period: the spend of each period summed, the first
    /// period left out, averaged over the ``frequency`` others. 0 when `frequency == 0`. `m` in
    /// the literature (`monetary_value` in `lifetimes`).
    public var monetary: Double
    /// All spend up to and including the as-of day, the first period included (historical value).
    public var totalSpend: Double
    /// The day (days since 1970-01-01) of the first purchase, whatever the period.
    public var firstDay: Int
    /// The day (days since 1970-01-01) of the last purchase up to the as-of day, whatever the period.
    public var lastDay: Int

    /// Creates a summary from its fields; ``PurchaseSummaries`` computes them from purchases.
    public init(
        frequency: Int, recency: Double, age: Double, monetary: Double, totalSpend: Double,
        firstDay: Int, lastDay: Int
    ) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetary = monetary
        self.totalSpend = totalSpend
        self.firstDay = firstDay
        self.lastDay = lastDay
    }
}
