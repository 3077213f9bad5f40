import TouchlogAnalytics

extension CustomerProfile {
    /// `dailySpend` as the analytics module's `DailySpend`, the input of every purchase summary.
    var spendByDay: [DailySpend] { dailySpend.map { DailySpend(day: Int($0.day), spend: $0.spend) } }
}
