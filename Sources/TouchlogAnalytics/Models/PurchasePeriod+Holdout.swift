extension PurchasePeriod {
    /// The holdout length in this period's unit, from the end of calibration to the end of the
    /// holdout (`duration_holdout` of `lifetimes`' `calibration_and_holdout_data`): days, whole
    /// calendar weeks between the two days' weeks, or days / 7. Negative if `endDay` is earlier.
    public func holdoutLength(fromDay calibrationEndDay: Int, toDay endDay: Int) -> Double {
        duration(from: calibrationEndDay, to: endDay)
    }

    /// Repeat purchases in a holdout as `lifetimes` counts them (`frequency_holdout`): the distinct
    /// periods of this unit holding a purchase made after `calibrationEndDay` and on or before
    /// `endDay`.
    ///
    /// - Parameter days: One customer's spend per day, in any order (days since 1970-01-01).
    public func holdoutPurchases(_ days: [DailySpend], afterDay calibrationEndDay: Int, throughDay endDay: Int) -> Int {
        var periods = Set<Int>()
        for purchase in days where purchase.day > calibrationEndDay && purchase.day <= endDay {
            periods.insert(index(ofDay: purchase.day))
        }
        return periods.count
    }
}
