import TouchlogAnalytics

/// The months a population analysis covers, as of a time.
///
/// Monthly series end with the last complete month of data: the month of the latest purchase by
/// the as-of time, but never the as-of month itself unless the as-of day is its last day (a
/// month that is still running would read as a drop).
struct ReportPeriod {
    let asOf: Timestamp
    let asOfDay: Int
    /// The month the monthly series end with.
    let lastMonth: CalendarMonth
    /// Whether the as-of month was left out because it was not over.
    let partialMonthLeftOut: Bool

    /// - Parameter lastPurchaseDay: the latest purchase day by the as-of day, if any.
    init(asOf: Timestamp, lastPurchaseDay: Int?) {
        self.asOf = asOf
        asOfDay = Timestamp.day(of: asOf)
        let asOfMonth = CalendarMonth(day: asOfDay)
        let complete = CalendarMonth(day: asOfDay + 1) != asOfMonth ? asOfMonth : asOfMonth.adding(months: -1)
        let dataMonth = lastPurchaseDay.map { CalendarMonth(day: $0) } ?? complete
        lastMonth = min(dataMonth, complete)
        partialMonthLeftOut = dataMonth == asOfMonth && complete != asOfMonth
    }
}
