import TouchlogAnalytics

extension CustomerProfile {
    /// `dailySpend` as the analytics module's `DailySpend`, the input of every purchase summary.
    var spendByDay: [DailySpend] { purchases.days.map { DailySpend(day: Int($0.day), spend: Micros.double($0.amount)) } }
}
