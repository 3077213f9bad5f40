/// One customer's spend on one UTC calendar day (days since 1970-01-01).
///
/// The input of ``PurchaseSummaries``: a customer's purchases folded to calendar days, the way
/// `lifetimes` (`freq='D'`) floors transaction times to days and sums the amounts of one day.
public struct DailySpend: Sendable, Equatable {
    /// The UTC calendar day, counted in days since 1970-01-01 (day 0 is Thursday 1970-01-01).
    public var day: Int
    /// The total spend on that day, in major currency units.
    public var spend: Double

    /// Creates one day's spend.
    /// - Parameters:
    ///   - day: The UTC calendar day, in days since 1970-01-01.
    ///   - spend: The total spend on that day.
    public init(day: Int, spend: Double) {
        self.day = day
        self.spend = spend
    }
}
