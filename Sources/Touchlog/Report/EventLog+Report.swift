import TouchlogAnalytics
import TouchlogReport

extension EventLog {
    /// Cohort retention by month of first purchase at `horizon`: each buyer's purchase months up
    /// to the evaluation day, observed through the last complete month of data (see
    /// ``ReportPeriod``). The present comes from the profile view; any other horizon from a replay.
    public func cohortRetention(at horizon: Horizon = .present) throws(TouchlogError) -> CohortRetention {
        let asOf = horizon.evaluationTime
        let asOfDay = Timestamp.day(of: asOf)
        var months: [[CalendarMonth]] = []
        var lastDay: Int?
        try forEachProfile(at: horizon) { _, profile in
            let days = profile.purchaseDays.map(Int.init).filter { $0 <= asOfDay }
            guard let last = days.last else { return }
            lastDay = max(lastDay ?? last, last)
            months.append(days.map(CalendarMonth.init(day:)))
        }
        return CohortRetention(purchaseMonths: months, through: ReportPeriod(asOf: asOf, lastPurchaseDay: lastDay).lastMonth)
    }

    /// `cohortRetention(at:)` as of `asOf`.
    public func cohortRetention(asOf: Timestamp) throws(TouchlogError) -> CohortRetention {
        try cohortRetention(at: Horizon(asOf: asOf))
    }

    /// Everything the report shows at `horizon`: one pass over every profile (revenue, regions,
    /// sources, RFM, cohorts, year-over-year, churn), the monthly satisfaction trends overall and
    /// by channel, and by region. The present reads the profile and trends views; any other
    /// horizon replays the log, so that attributes, answers and complaints are those of then.
    /// With a stored model (`touchlog model fit`): churn flags include `low_p_alive`, flagged
    /// customers carry their predicted 12-month CLV, and the holdout fit compares the model's
    /// expected repeat purchases since its as-of time with those made up to the end of the data.
    /// - Parameters:
    ///   - thresholds: the churn thresholds.
    ///   - atRiskLimit: how many flagged customers to list.
    ///   - predictedValue: a customer's predicted value, instead of the stored model's CLV. The
    ///     at-risk list holds the flagged customers of highest predicted value when there is one,
    ///     else those of highest risk (ties by spend to date).
    public func reportData(
        at horizon: Horizon = .present, thresholds: ChurnThresholds = ChurnThresholds(), atRiskLimit: Int = 20,
        predictedValue: ((String) -> Double?)? = nil
    ) throws(TouchlogError) -> ReportData {
        let asOf = horizon.evaluationTime
        var population = Population(asOf: asOf, thresholds: thresholds, model: try storedModel(), predictedValue: predictedValue)
        let overall: [TrendRow], channels: [TrendRow]
        var regionOf: [String: String] = [:]  // for the region trends, from the same profiles
        func add(_ subject: String, _ profile: CustomerProfile) {
            population.add(subject, profile)
            regionOf[subject] = profile.attribute("region")?.label ?? Distribution.unknownKey
        }
        if !horizon.isPresent {
            let replay = try replay(at: horizon)
            for subject in replay.profiles.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                add(subject, replay.profiles[subject]!)
            }
            overall = replay.satisfactionTrends(bucket: .month, by: .overall)
            channels = replay.satisfactionTrends(bucket: .month, by: .channel)
        } else {
            try forEachProfile(add)
            overall = try satisfactionTrends(bucket: .month, by: .overall)
            channels = try satisfactionTrends(bucket: .month, by: .channel)
        }
        let regions = try satisfactionTrends(bucket: .month, by: .region, groups: regionOf, from: nil, to: nil, at: horizon)
        let period = ReportPeriod(asOf: asOf, lastPurchaseDay: population.lastPurchaseDay)
        var data = ReportData(asOf: asOf.rfc3339)
        population.fill(&data, period: period, atRiskLimit: atRiskLimit)
        Self.fillSatisfaction(&data, overall: overall, channels: channels, regions: regions, period: period)
        if horizon.limitsRecording { data.notes.append("Only what the log held then counts: \(horizon).") }
        if period.partialMonthLeftOut {
            data.notes.append("Monthly series end with \(period.lastMonth): the as-of month \(period.lastMonth.adding(months: 1)) was not over and is left out.")
        }
        data.notes.append("Region and acquisition source are each customer's profile attributes at the evaluation time (region; acquisitionSource, else acquisition_source or source).")
        return data
    }

    /// `reportData(at:…)` as of `asOf`.
    public func reportData(
        asOf: Timestamp, thresholds: ChurnThresholds = ChurnThresholds(), atRiskLimit: Int = 20,
        predictedValue: ((String) -> Double?)? = nil
    ) throws(TouchlogError) -> ReportData {
        try reportData(at: Horizon(asOf: asOf), thresholds: thresholds, atRiskLimit: atRiskLimit, predictedValue: predictedValue)
    }

    private static func fillSatisfaction(
        _ data: inout ReportData, overall: [TrendRow], channels: [TrendRow], regions: [TrendRow], period: ReportPeriod
    ) {
        func month(_ label: String) -> CalendarMonth? {
            let parts = label.split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]) else { return nil }
            return CalendarMonth(year: year, month: month)
        }
        let rows = overall.compactMap { row in month(row.period).map { ($0, row) } }.filter { $0.0 <= period.lastMonth }
        guard let first = rows.first?.0, let last = rows.last?.0 else { return }
        let byMonth = Dictionary(rows, uniquingKeysWith: { a, _ in a })
        data.satisfaction = (0...first.months(to: last)).map { offset in
            let current = first.adding(months: offset)
            guard let row = byMonth[current] else {
                return SatisfactionMonth(month: current, nps: nil, npsAnswers: 0, csatMean: nil, complaintsOpened: 0, complaintsResolved: 0)
            }
            return SatisfactionMonth(
                month: current, nps: row.nps, npsAnswers: Int(row.counters.npsAnswers), csatMean: row.csatMean,
                complaintsOpened: Int(row.counters.complaintsOpened), complaintsResolved: Int(row.counters.complaintsResolved)
            )
        }
        data.regionTrends = regions.compactMap { row in
            guard let current = month(row.period), current <= period.lastMonth else { return nil }
            let c = row.counters
            return RegionMonth(
                region: row.group, month: current, promoters: Int(c.promoters), detractors: Int(c.detractors), npsAnswers: Int(c.npsAnswers),
                csatSum: Int(c.csatSum), csatAnswers: Int(c.csatAnswers), complaintsOpened: Int(c.complaintsOpened)
            )
        }
        data.complaintsByChannel = channels.compactMap { row in
            guard row.counters.complaintsOpened > 0, let current = month(row.period), current <= period.lastMonth else { return nil }
            return ChannelMonth(channel: row.group, month: current, complaintsOpened: Int(row.counters.complaintsOpened))
        }
        // NPS often comes in survey waves (quarterly campaigns): the forecast runs over the months
        // with answers, one step being the median gap between them, a season being a year of steps.
        let answered = data.satisfaction.filter { $0.nps != nil }
        let gaps = zip(answered, answered.dropFirst()).map { $0.month.months(to: $1.month) }.sorted()
        let step = gaps.isEmpty ? 1 : gaps[gaps.count / 2]
        data.npsStep = step
        data.npsForecast = Result { () throws(AnalysisError) in
            try Forecast(
                series: answered.compactMap(\.nps), seasonLength: max(2, 12 / step), holdout: Self.holdout(answered.count), horizon: 3
            )
        }
    }

    /// Months held out to measure a forecast's error: a quarter of the series, 1 to 6.
    static func holdout(_ count: Int) -> Int { min(6, max(1, count / 4)) }
}

/// The whole-base figures gathered in one pass over the profiles.
private struct Population {
    let asOf: Timestamp
    let asOfDay: Int
    let thresholds: ChurnThresholds
    var customers = 0
    var lastPurchaseDay: Int?
    var summaries: [PurchaseSummary] = []
    var purchaseMonths: [[CalendarMonth]] = []
    var revenueByMonth: [CalendarMonth: Double] = [:]
    var salesByYear: [(customer: String, byYear: [Int: Double])] = []
    var regionEntries: [(key: String?, revenue: Double)] = []
    var sourceEntries: [(key: String?, revenue: Double)] = []
    var regionAnswers: [String: (customers: Int, scores: [Int], complaints: Int)] = [:]
    var flagCounts: [ChurnFlag.Reason: Int] = [:]
    var flagged: [AtRiskCustomer] = []

    let model: FittedModel?
    var holdout: ModelHoldout?
    let predictedValue: ((String) -> Double?)?

    init(asOf: Timestamp, thresholds: ChurnThresholds, model: FittedModel?, predictedValue: ((String) -> Double?)?) {
        self.asOf = asOf
        asOfDay = Timestamp.day(of: asOf)
        self.thresholds = thresholds
        self.model = model
        holdout = model.map(ModelHoldout.init(model:))
        self.predictedValue = predictedValue
    }

    mutating func add(_ subject: String, _ profile: CustomerProfile) {
        guard let firstSeen = profile.firstSeen, firstSeen <= asOf else { return }
        customers += 1
        let days = profile.spendByDay.filter { $0.day <= asOfDay }
        let revenue = days.reduce(0) { $0 + $1.spend }
        holdout?.add(days)
        let region = profile.attribute("region")?.label
        let source = (profile.attribute("acquisitionSource") ?? profile.attribute("acquisition_source") ?? profile.attribute("source"))?.label
        regionEntries.append((region, revenue))
        sourceEntries.append((source, revenue))
        if let region {
            var entry = regionAnswers[region] ?? (0, [], 0)
            entry.customers += 1
            if let nps = profile.latestNPS, nps.time <= asOf { entry.scores.append(nps.score) }
            entry.complaints += profile.complaintsTotal
            regionAnswers[region] = entry
        }
        if let last = days.last {
            lastPurchaseDay = max(lastPurchaseDay ?? last.day, last.day)
            var byYear: [Int: Double] = [:]
            for day in days {
                let month = CalendarMonth(day: day.day)
                revenueByMonth[month, default: 0] += day.spend
                byYear[month.year, default: 0] += day.spend
            }
            purchaseMonths.append(days.map { CalendarMonth(day: $0.day) })
            salesByYear.append((subject, byYear))
            if let summary = EventLog.summary(of: profile, asOfDay: asOfDay) { summaries.append(summary) }
        }
        let (churn, prediction) = EventLog.churnAndPrediction(of: subject, profile, asOf: asOf, thresholds: thresholds, model: model)
        if !churn.flags.isEmpty {
            for reason in Set(churn.flags.map(\.reason)) { flagCounts[reason, default: 0] += 1 }
            flagged.append(AtRiskCustomer(
                customer: subject, risk: churn.risk, flags: churn.flags.map(\.reason.rawValue), historicalValue: revenue,
                predictedValue: predictedValue.map { $0(subject) } ?? prediction?.lifetimeValue
            ))
        }
    }

    func fill(_ data: inout ReportData, period: ReportPeriod, atRiskLimit: Int) {
        data.customers = customers
        data.buyers = summaries.count
        if let first = revenueByMonth.keys.min(), first <= period.lastMonth {
            data.monthlyRevenue = (0...first.months(to: period.lastMonth)).map {
                let month = first.adding(months: $0)
                return MonthlyValue(month: month, value: revenueByMonth[month] ?? 0)
            }
            let series = data.monthlyRevenue.map(\.value)
            data.revenueForecast = Result { () throws(AnalysisError) in
                try Forecast(series: series, holdout: EventLog.holdout(series.count), horizon: 6)
            }
        }
        data.regions = Distribution(regionEntries)
        data.sources = Distribution(sourceEntries)
        data.regionSatisfaction = regionAnswers.keys.sorted().map { region in
            let entry = regionAnswers[region]!
            return RegionSatisfaction(
                region: region, customers: entry.customers, nps: NPSClass.netPromoterScore(of: entry.scores), npsAnswers: entry.scores.count,
                complaintsPer100: Double(entry.complaints) * 100 / Double(entry.customers)
            )
        }
        if !summaries.isEmpty {
            let revenues = summaries.map(\.totalSpend)
            data.concentration = Result { () throws(AnalysisError) in try RevenueConcentration(revenues: revenues) }
        }
        fillRFM(&data)
        data.cohorts = CohortRetention(purchaseMonths: purchaseMonths, through: period.lastMonth)
        fillYearOverYear(&data, period: period)
        switch holdout?.fit(throughDay: min(asOfDay, lastPurchaseDay ?? asOfDay)) {
        case .success(let fit)?: data.holdoutFit = fit
        case .failure(let error)?: data.holdoutNote = "No holdout to compare: \(error.message)."
        case nil: break
        }
        data.churnFlags = ChurnFlag.Reason.allCases.map { FlagCount(flag: $0.rawValue, customers: flagCounts[$0] ?? 0) }
        data.flaggedCustomers = flagged.count
        data.atRisk = Array(flagged.sorted { a, b in
            let (x, y) = (a.predictedValue ?? -.infinity, b.predictedValue ?? -.infinity)
            if x != y { return x > y }
            if a.risk != b.risk { return a.risk > b.risk }
            return a.historicalValue != b.historicalValue ? a.historicalValue > b.historicalValue : a.customer < b.customer
        }.prefix(max(0, atRiskLimit)))
    }

    private func fillRFM(_ data: inout ReportData) {
        let scorer = RFMScorer(
            recencyDays: summaries.map { Double(asOfDay - $0.lastDay) }, frequency: summaries.map { Double($0.frequency) },
            monetary: summaries.map(\.monetary)
        )
        var segments: [RFMSegment: (customers: Int, value: Double)] = [:]
        for summary in summaries {
            let score = scorer.score(recencyDays: Double(asOfDay - summary.lastDay), frequency: Double(summary.frequency), monetary: summary.monetary)
            data.rfmGrid[score.recency - 1][score.frequency - 1] += 1
            segments[score.segment, default: (0, 0)].customers += 1
            segments[score.segment, default: (0, 0)].value += summary.totalSpend
        }
        data.segments = RFMSegment.allCases.map { SegmentCount(segment: $0, customers: segments[$0]?.customers ?? 0, value: segments[$0]?.value ?? 0) }
    }

    /// Compares the last complete year of data with the one before when there is data before
    /// both; otherwise the latest (partial) year with the one before, marked as partial.
    private func fillYearOverYear(_ data: inout ReportData, period: ReportPeriod) {
        guard let lastDay = lastPurchaseDay else { return }
        let end = min(lastDay, period.asOfDay)
        let latest = CalendarMonth(day: end).year
        let yearComplete = CalendarMonth(day: end + 1).year != latest
        let hasEarlierData = salesByYear.contains { $0.byYear.keys.contains { $0 <= latest - 2 } }
        let year = yearComplete || !hasEarlierData ? latest : latest - 1
        data.yearOverYear = YearOverYear(sales: salesByYear, year: year)
        guard !yearComplete else { return }
        let through = "through \(Timestamp(microseconds: Int64(end) * 86_400_000_000).rfc3339.prefix(10).dropFirst(5))"
        if year == latest {
            data.yearOverYearPartial = through
        } else {
            data.notes.append("Sales of \(latest) in the chart by year run \(through) only; the year-over-year lists compare \(year) with \(year - 1).")
        }
    }
}
