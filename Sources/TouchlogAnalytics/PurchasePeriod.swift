/// The unit in which ``PurchaseSummaries`` counts purchases and measures recency and T, each
/// named after the `lifetimes` 0.11.3 call whose results it reproduces.
public enum PurchasePeriod: Sendable, Equatable, CaseIterable {
    /// Calendar days: `freq='D'`. A period with a purchase is a day with a purchase; recency and
    /// T are whole numbers of days.
    case day
    /// Calendar weeks from Monday to Sunday: `freq='W'`. `lifetimes` turns times into pandas
    /// periods with `to_period('W')`, which is `W-SUN` (weeks ending on Sunday), and back into
    /// the Monday that starts each week with `to_timestamp()`; differences are then divided by
    /// `np.timedelta64(1, 'W')` (7 days). So purchases in one Monday–Sunday week count once (their
    /// spend summed), and recency and T are whole numbers of calendar weeks between the weeks of
    /// the first purchase, the last purchase and the as-of day — not day differences divided by 7.
    case calendarWeek
    /// Days expressed in weeks: `freq='D', freq_multiplier=7`. Purchases are counted by distinct
    /// days, as with ``day``, but recency and T are day differences divided by 7, fractional. This
    /// is how the CDNOW summaries of Fader, Hardie & Lee (2005) state `t_x` and `T` (for example
    /// 30.43 and 38.86 weeks).
    case fractionalWeek
}

extension PurchasePeriod {
    /// The index of the period that holds `day` (days since 1970-01-01); periods of one kind
    /// are numbered consecutively.
    func index(ofDay day: Int) -> Int {
        switch self {
        case .day, .fractionalWeek:
            return day
        case .calendarWeek:
            // Day 0 (1970-01-01) is a Thursday: the week holding days -3...3 (Monday 1969-12-29
            // to Sunday 1970-01-04) is week 0, and week n starts on day 7n - 3.
            let (quotient, remainder) = day.quotientAndRemainder(dividingBy: 7)
            let floorQuotient = remainder < 0 ? quotient - 1 : quotient
            let floorRemainder = remainder < 0 ? remainder + 7 : remainder
            return floorQuotient + (floorRemainder >= 4 ? 1 : 0)
        }
    }

    /// The time between the first day and a later day, in this period's unit.
    func duration(from first: Int, to later: Int) -> Double {
        switch self {
        case .day:
            return Double(later - first)
        case .calendarWeek:
            return Double(index(ofDay: later) - index(ofDay: first))
        case .fractionalWeek:
            return Double(later - first) / 7
        }
    }
}
