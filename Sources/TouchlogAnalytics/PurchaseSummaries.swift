/// Purchase summaries (frequency, recency, T, monetary) exactly as `lifetimes` 0.11.3 computes
/// them in `summary_data_from_transaction_data` (helper `_find_first_transactions`), with the
/// customer's purchases already folded to days.
///
/// The rules, for the purchases up to and including the as-of day, in periods of a
/// ``PurchasePeriod``:
/// - purchases are grouped by period; the spend of one period is summed and the period counts once;
/// - `frequency` = number of distinct purchase periods − 1;
/// - `recency` = (period of the last purchase − period of the first), in periods;
/// - `age` ("T") = (period of the as-of day − period of the first purchase), in periods;
/// - `monetary` = mean of the period sums, the first period left out (`monetary_value`; 0 when
///   there is no repeat period, as `lifetimes`' `fillna(0)` gives);
/// - `totalSpend` = the sum of all spend up to the as-of day (not a `lifetimes` column).
///
/// One difference from `lifetimes`, on purpose: `lifetimes` truncates at the *period* of
/// `observation_period_end`, so with `freq='W'` it also counts purchases made later in the as-of
/// week (after the as-of day). An as-of summary must not see the future, so purchases after
/// `asOfDay` are always left out. Whenever the input holds no purchase after the as-of day in
/// the as-of week (for instance when `asOfDay` is a Sunday, or when the caller passes only what
/// had happened by then), the results are those of `lifetimes`. With daily periods there is no
/// difference at all.
public enum PurchaseSummaries {
    /// Summary of the purchases with day <= `asOfDay` (nil if none), in daily (`periodDays` 1)
    /// or calendar-week (`periodDays` 7) periods.
    ///
    /// - Parameters:
    ///   - days: One customer's spend per day, ascending and distinct by day. Input that is not
    ///     is accepted too: it is ordered by day first, and entries of one day count as one
    ///     purchase day with their spend summed (as `lifetimes` does with raw transactions).
    ///   - asOfDay: The evaluation day (days since 1970-01-01), included; later days are ignored.
    ///   - periodDays: `1` for daily periods (``PurchasePeriod/day``, `lifetimes` `freq='D'`) or
    ///     `7` for calendar weeks from Monday to Sunday (``PurchasePeriod/calendarWeek``,
    ///     `lifetimes` `freq='W'`). For day differences divided by 7 (`freq='D',
    ///     freq_multiplier=7`, the fractional weeks of the CDNOW papers) use
    ///     ``summarize(_:asOfDay:period:)`` with ``PurchasePeriod/fractionalWeek``.
    /// - Returns: The summary, or `nil` when no purchase was made by `asOfDay`.
    /// - Precondition: `periodDays` is 1 or 7.
    public static func summarize(_ days: [DailySpend], asOfDay: Int, periodDays: Int = 1) -> PurchaseSummary? {
        let period: PurchasePeriod
        switch periodDays {
        case 1: period = .day
        case 7: period = .calendarWeek
        default: preconditionFailure("periodDays must be 1 (daily) or 7 (calendar weeks), not \(periodDays)")
        }
        return summarize(days, asOfDay: asOfDay, period: period)
    }

    /// Summary of the purchases with day <= `asOfDay`, counted in the given period.
    ///
    /// - Parameters:
    ///   - days: One customer's spend per day; see ``summarize(_:asOfDay:periodDays:)``.
    ///   - asOfDay: The evaluation day (days since 1970-01-01), included; later days are ignored.
    ///   - period: The unit in which purchases are counted and recency and T measured.
    /// - Returns: The summary, or `nil` when no purchase was made by `asOfDay`.
    public static func summarize(_ days: [DailySpend], asOfDay: Int, period: PurchasePeriod) -> PurchaseSummary? {
        let ordered = zip(days, days.dropFirst()).allSatisfy { $0.day <= $1.day }
        return fold(ordered ? days : days.sorted { $0.day < $1.day }, asOfDay: asOfDay, period: period)
    }

    /// Folds purchases ordered by day (repeats allowed) into a summary.
    private static func fold(_ days: [DailySpend], asOfDay: Int, period: PurchasePeriod) -> PurchaseSummary? {
        guard let first = days.first, first.day <= asOfDay else { return nil }
        let firstPeriod = period.index(ofDay: first.day)
        var currentPeriod = firstPeriod
        var periods = 1
        var currentSum = 0.0  // spend of the period being read
        var repeatSum = 0.0   // the period sums after the first one, added in order
        var totalSpend = 0.0
        var lastDay = first.day
        for purchase in days {
            guard purchase.day <= asOfDay else { break }
            let index = period.index(ofDay: purchase.day)
            if index != currentPeriod {
                if currentPeriod != firstPeriod { repeatSum += currentSum }
                currentPeriod = index
                currentSum = 0
                periods += 1
            }
            currentSum += purchase.spend
            totalSpend += purchase.spend
            lastDay = purchase.day
        }
        if currentPeriod != firstPeriod { repeatSum += currentSum }
        let frequency = periods - 1
        return PurchaseSummary(
            frequency: frequency,
            recency: period.duration(from: first.day, to: lastDay),
            age: period.duration(from: first.day, to: asOfDay),
            monetary: frequency == 0 ? 0 : repeatSum / Double(frequency),
            totalSpend: totalSpend,
            firstDay: first.day,
            lastDay: lastDay
        )
    }
}
