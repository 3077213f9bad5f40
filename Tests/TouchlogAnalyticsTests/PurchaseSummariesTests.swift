import Testing
import TouchlogAnalytics

/// Hand-checked summaries. Days are days since 1970-01-01 (day 0 is a Thursday); 19723 is
/// Monday 2024-01-01, so the Monday–Sunday weeks there start on 19723, 19730, 19737, 19744.
/// Every expected value below is derived by hand in the comments, and the same inputs were run
/// through `lifetimes` 0.11.3 (`summary_data_from_transaction_data`, pandas 1.5.3) with
/// `freq='D'`, `freq='W'` and `freq='D', freq_multiplier=7`, which gave the same numbers.
@Suite("Purchase summaries (lifetimes 0.11.3 rules)")
struct PurchaseSummariesTests {
    /// Mon 19723: 15 (two orders, 10 + 5, folded into one day), Wed 19725: 20, Mon 19730: 30.
    let customerA = [DailySpend(day: 19723, spend: 15), DailySpend(day: 19725, spend: 20), DailySpend(day: 19730, spend: 30)]
    /// Sun 19729: 4, Mon 19730: 6, Mon 19744: 12, Tue 19745: 1.
    let customerC = [
        DailySpend(day: 19729, spend: 4), DailySpend(day: 19730, spend: 6),
        DailySpend(day: 19744, spend: 12), DailySpend(day: 19745, spend: 1),
    ]

    @Test("Daily: three purchase days give frequency 2, recency and T in days, monetary without the first day")
    func dailyThreeDays() {
        // Days 19723, 19725, 19730 → 3 distinct days → frequency 2; recency 19730 − 19723 = 7;
        // T = 19740 − 19723 = 17; monetary = mean(20, 30) = 25; total = 15 + 20 + 30 = 65.
        let summary = PurchaseSummaries.summarize(customerA, asOfDay: 19740)
        #expect(summary == PurchaseSummary(
            frequency: 2, recency: 7, age: 17, monetary: 25, totalSpend: 65, firstDay: 19723, lastDay: 19730))
    }

    @Test("Daily: one purchase day has frequency 0, recency 0 and monetary 0")
    func dailySinglePurchase() {
        // lifetimes: frequency 0, recency 0, T 14, monetary_value 0 (fillna(0)).
        let summary = PurchaseSummaries.summarize([DailySpend(day: 19726, spend: 7.5)], asOfDay: 19740)
        #expect(summary == PurchaseSummary(
            frequency: 0, recency: 0, age: 14, monetary: 0, totalSpend: 7.5, firstDay: 19726, lastDay: 19726))
    }

    @Test("Daily: purchases after the as-of day are left out, those on it are in")
    func dailyAsOfCut() {
        // As of 19740 only 19729 and 19730 count: frequency 1, recency 1, T 11, monetary 6.
        #expect(PurchaseSummaries.summarize(customerC, asOfDay: 19740) == PurchaseSummary(
            frequency: 1, recency: 1, age: 11, monetary: 6, totalSpend: 10, firstDay: 19729, lastDay: 19730))
        // As of 19745 (a purchase that day): all four days; frequency 3, recency 16, T 16,
        // monetary (6 + 12 + 1) / 3.
        let onTheDay = PurchaseSummaries.summarize(customerC, asOfDay: 19745)
        #expect(onTheDay?.frequency == 3)
        #expect(onTheDay?.recency == 16)
        #expect(onTheDay?.age == 16)
        #expect(onTheDay?.monetary == 19.0 / 3)
        #expect(onTheDay?.totalSpend == 23)
        #expect(onTheDay?.lastDay == 19745)
        // As of 19746 (lifetimes: frequency 3, recency 16, T 17, monetary 6.333333).
        #expect(PurchaseSummaries.summarize(customerC, asOfDay: 19746)?.age == 17)
    }

    @Test("Nothing bought by the as-of day gives nil")
    func nilWhenNothingBought() {
        #expect(PurchaseSummaries.summarize([], asOfDay: 19740) == nil)
        #expect(PurchaseSummaries.summarize(customerA, asOfDay: 19722) == nil)
        #expect(PurchaseSummaries.summarize(customerA, asOfDay: 19722, periodDays: 7) == nil)
        // A purchase on the as-of day itself is enough (T = 0).
        #expect(PurchaseSummaries.summarize(customerA, asOfDay: 19723)?.age == 0)
    }

    @Test("Weekly: purchases in one Monday–Sunday week count once, and times are whole calendar weeks")
    func weeklyCalendarWeeks() {
        // Customer A: 19723 and 19725 are in the week of Mon 19723 (15 + 20 = 35), 19730 in the
        // next week (30): frequency 1, recency 1 week; as of Thu 19740 (week of Mon 19737) T = 2
        // weeks, although 17 days / 7 = 2.43; monetary = 30.
        #expect(PurchaseSummaries.summarize(customerA, asOfDay: 19740, periodDays: 7) == PurchaseSummary(
            frequency: 1, recency: 1, age: 2, monetary: 30, totalSpend: 65, firstDay: 19723, lastDay: 19730))
        // Customer C: Sun 19729 is the last day of the first week, Mon 19730 starts the next:
        // one day apart, yet one week of recency. As of Wed 19746: weeks of 19723 (4), 19730 (6)
        // and 19744 (12 + 1 = 13): frequency 2, recency 3, T 3, monetary (6 + 13) / 2 = 9.5.
        #expect(PurchaseSummaries.summarize(customerC, asOfDay: 19746, periodDays: 7) == PurchaseSummary(
            frequency: 2, recency: 3, age: 3, monetary: 9.5, totalSpend: 23, firstDay: 19729, lastDay: 19745))
        #expect(PurchaseSummaries.summarize(customerC, asOfDay: 19740, periodDays: 7) == PurchaseSummary(
            frequency: 1, recency: 1, age: 2, monetary: 6, totalSpend: 10, firstDay: 19729, lastDay: 19730))
    }

    @Test("Weekly: weeks around 1970-01-01 and before it (negative days) are Monday–Sunday too")
    func weeklyAroundTheEpoch() {
        // Mon 1969-12-22 (−10): 1, Sun 1969-12-28 (−4): 2 → one week, 3;
        // Mon 1969-12-29 (−3): 4, Sun 1970-01-04 (3): 8 → one week, 12; Mon 1970-01-05 (4): 16.
        let days = [-10, -4, -3, 3, 4].enumerated().map { DailySpend(day: $0.element, spend: Double(1 << $0.offset)) }
        // As of Sun 1970-01-11 (10), in the week of Mon 1970-01-05: frequency 2, recency 2,
        // T 2, monetary (12 + 16) / 2 = 14. Daily: frequency 4, recency 14, T 20, monetary 7.5.
        #expect(PurchaseSummaries.summarize(days, asOfDay: 10, periodDays: 7) == PurchaseSummary(
            frequency: 2, recency: 2, age: 2, monetary: 14, totalSpend: 31, firstDay: -10, lastDay: 4))
        #expect(PurchaseSummaries.summarize(days, asOfDay: 10) == PurchaseSummary(
            frequency: 4, recency: 14, age: 20, monetary: 7.5, totalSpend: 31, firstDay: -10, lastDay: 4))
        // As of Tue 1970-04-21 (110): week of Mon 1970-04-20 (day 109) is 17 weeks after the
        // first purchase's week.
        #expect(PurchaseSummaries.summarize(days, asOfDay: 110, periodDays: 7)?.age == 17)
    }

    @Test("Weekly: purchases later in the as-of week are not counted (no look-ahead)")
    func weeklyNoLookAhead() {
        // lifetimes with freq='W' would count the Friday purchase when asked as of Wednesday
        // (it truncates at the as-of week); an as-of summary must not.
        let days = [DailySpend(day: 19723, spend: 10), DailySpend(day: 19744, spend: 3), DailySpend(day: 19748, spend: 5)]
        let asOfWednesday = PurchaseSummaries.summarize(days, asOfDay: 19746, periodDays: 7)
        #expect(asOfWednesday == PurchaseSummary(
            frequency: 1, recency: 3, age: 3, monetary: 3, totalSpend: 13, firstDay: 19723, lastDay: 19744))
        // As of the Sunday that ends the week both agree: the week's spend is 3 + 5.
        #expect(PurchaseSummaries.summarize(days, asOfDay: 19750, periodDays: 7)?.monetary == 8)
    }

    @Test("Fractional weeks: distinct days counted, day differences divided by 7")
    func fractionalWeeks() {
        // lifetimes freq='D', freq_multiplier=7 on customer A as of 19740: frequency 2,
        // recency 7 / 7 = 1, T 17 / 7 = 2.428571, monetary 25.
        let summary = PurchaseSummaries.summarize(customerA, asOfDay: 19740, period: .fractionalWeek)
        #expect(summary == PurchaseSummary(
            frequency: 2, recency: 1, age: 17.0 / 7, monetary: 25, totalSpend: 65, firstDay: 19723, lastDay: 19730))
        // Customer C as of 19746: recency 16 / 7 = 2.285714, T 17 / 7 = 2.428571.
        let c = PurchaseSummaries.summarize(customerC, asOfDay: 19746, period: .fractionalWeek)
        #expect(c?.recency == 16.0 / 7)
        #expect(c?.age == 17.0 / 7)
        #expect(c?.frequency == 3)
    }

    @Test("The periodDays entry point is the period entry point")
    func periodDaysMatchesPeriod() {
        for asOf in 19722...19760 {
            #expect(PurchaseSummaries.summarize(customerC, asOfDay: asOf) ==
                PurchaseSummaries.summarize(customerC, asOfDay: asOf, period: .day), "as of \(asOf)")
            #expect(PurchaseSummaries.summarize(customerC, asOfDay: asOf, periodDays: 7) ==
                PurchaseSummaries.summarize(customerC, asOfDay: asOf, period: .calendarWeek), "as of \(asOf)")
        }
    }

    @Test("periodDays other than 1 or 7 is a programming error")
    func unsupportedPeriodDays() async {
        await #expect(processExitsWith: .failure) {
            _ = PurchaseSummaries.summarize([DailySpend(day: 1, spend: 1)], asOfDay: 2, periodDays: 30)
        }
    }

    @Test("Zero-spend days count as purchase days and pull monetary down")
    func zeroSpendDays() {
        // lifetimes: days 100 (0), 101 (0), 108 (5) → frequency 2, recency 8, monetary 2.5.
        let days = [DailySpend(day: 100, spend: 0), DailySpend(day: 101, spend: 0), DailySpend(day: 108, spend: 5)]
        let summary = PurchaseSummaries.summarize(days, asOfDay: 110)
        #expect(summary == PurchaseSummary(
            frequency: 2, recency: 8, age: 10, monetary: 2.5, totalSpend: 5, firstDay: 100, lastDay: 108))
        // Weekly: 100 and 101 share the week of Mon 1970-04-06 (day 95); 108 is the next week.
        #expect(PurchaseSummaries.summarize(days, asOfDay: 110, periodDays: 7) == PurchaseSummary(
            frequency: 1, recency: 1, age: 2, monetary: 5, totalSpend: 5, firstDay: 100, lastDay: 108))
    }

    @Test("Unordered input and repeated days are ordered and summed first")
    func unorderedInput() {
        let unordered = [
            DailySpend(day: 19730, spend: 30), DailySpend(day: 19723, spend: 10),
            DailySpend(day: 19725, spend: 20), DailySpend(day: 19723, spend: 5),
        ]
        for period in PurchasePeriod.allCases {
            #expect(PurchaseSummaries.summarize(unordered, asOfDay: 19740, period: period) ==
                PurchaseSummaries.summarize(customerA, asOfDay: 19740, period: period), "\(period)")
        }
    }

    @Test("Property: equals a brute-force bucketing by period; recency ≤ T; frequency ≤ periods elapsed", arguments: propertySeeds)
    func summaryInvariants(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for round in 0..<200 {
            var day = Int.random(in: -800...20_000, using: &rng)
            var days: [DailySpend] = []
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                days.append(DailySpend(day: day, spend: Double(Int.random(in: 0...10_000, using: &rng)) / 100))
                day += Int.random(in: 1...20, using: &rng)
            }
            let asOf = Int.random(in: days[0].day...(day + 30), using: &rng)
            for period in PurchasePeriod.allCases {
                let context = "seed \(seed), round \(round), \(period), as of \(asOf)"
                guard let summary = PurchaseSummaries.summarize(days, asOfDay: asOf, period: period) else {
                    Issue.record("nil summary with a purchase on the first day, \(context)")
                    continue
                }
                let kept = days.filter { $0.day <= asOf }
                #expect(summary.recency <= summary.age, "\(context)")
                #expect(summary.recency >= 0, "\(context)")
                let elapsedPeriods = period == .calendarWeek ? summary.recency : Double(summary.lastDay - summary.firstDay)
                #expect(Double(summary.frequency) <= elapsedPeriods, "\(context)")
                #expect(summary.frequency <= kept.count - 1, "\(context)")
                #expect(summary.firstDay == kept.first?.day && summary.lastDay == kept.last?.day, "\(context)")
                let total = kept.reduce(0) { $0 + $1.spend }
                #expect(abs(summary.totalSpend - total) < 1e-6, "\(context)")
                if summary.frequency == 0 {
                    #expect(summary.monetary == 0 && summary.recency == 0, "\(context)")
                }
                // A brute-force restatement: bucket by period, drop the first bucket, average.
                var buckets: [Int: Double] = [:]
                for purchase in kept { buckets[periodIndex(purchase.day, period), default: 0] += purchase.spend }
                let firstBucket = buckets.keys.min()!
                #expect(summary.frequency == buckets.count - 1, "\(context)")
                if buckets.count > 1 {
                    let repeatMean = buckets.filter { $0.key != firstBucket }.values.reduce(0, +) / Double(buckets.count - 1)
                    #expect(abs(summary.monetary - repeatMean) < 1e-6, "\(context)")
                }
            }
        }
    }

    /// An independent statement of the period numbering: calendar weeks start on Monday, and
    /// Monday 1970-01-05 is day 4.
    private func periodIndex(_ day: Int, _ period: PurchasePeriod) -> Int {
        guard period == .calendarWeek else { return day }
        let mondayOnOrBefore = day - (((day - 4) % 7) + 7) % 7
        return (mondayOnOrBefore - 4) / 7 + 1
    }
}
