import TouchlogAnalytics

/// The one-line takeaway of each chart, computed from its data.
enum Takeaways {
    static func revenue(_ months: [MonthlyValue], _ forecast: Forecast?) -> String {
        guard let last = months.last else { return "No purchases by this time." }
        var text = "Revenue was \(Format.amount(last.value)) in \(last.month)"
        if months.count > 12 {
            let yearBefore = months[months.count - 13].value
            if yearBefore > 0 { text += " (\(Format.signed((last.value / yearBefore - 1) * 100))% on \(months[months.count - 13].month))" }
        }
        text += "."
        if let forecast, !forecast.forecast.isEmpty {
            let next = forecast.forecast.prefix(3)
            text += " Forecast for the next \(next.count) months: \(Format.amount(next.reduce(0, +))) in all"
            text += forecast.mape.map { " (\(Format.percent($0)) mean error on the last \(Format.counted(forecast.holdoutActual.count, "month")) held out)." }
                ?? " (mean absolute error \(Format.amount(forecast.mae)) on the last \(Format.counted(forecast.holdoutActual.count, "month")) held out)."
        }
        return text
    }

    static func nps(_ months: [SatisfactionMonth], _ forecast: Forecast?, next: CalendarMonth?) -> String {
        let answered = months.filter { $0.nps != nil }
        guard let last = answered.last, let nps = last.nps else { return "No NPS answers by this time." }
        var text = "NPS was \(Format.signed(nps)) in \(last.month) (\(Format.count(last.npsAnswers)) answers)"
        if answered.count > 1, let previous = answered[answered.count - 2].nps {
            let change = nps - previous
            let before = answered[answered.count - 2].month
            text += abs(change) < 0.5 ? ", level with \(before)" : ", \(change > 0 ? "up" : "down") \(Format.fixed(abs(change), 0)) points on \(before)"
        }
        text += "."
        if let forecast, let value = forecast.forecast.first, let next {
            text += " Forecast for \(next): \(Format.signed(value)) (±\(Format.fixed(forecast.mae, 0)) points mean error on the holdout)."
        }
        return text
    }

    static func csat(_ months: [SatisfactionMonth]) -> String {
        let answered = months.compactMap { month in month.csatMean.map { (month.month, $0) } }
        guard let last = answered.last else { return "No CSAT answers by this time." }
        let mean = answered.map(\.1).reduce(0, +) / Double(answered.count)
        return "Mean CSAT was \(Format.fixed(last.1, 2)) of 5 in \(last.0), against \(Format.fixed(mean, 2)) over all \(answered.count) months."
    }

    static func complaints(_ months: [SatisfactionMonth]) -> String {
        let opened = months.reduce(0) { $0 + $1.complaintsOpened }, resolved = months.reduce(0) { $0 + $1.complaintsResolved }
        guard opened > 0, let peak = months.max(by: { $0.complaintsOpened < $1.complaintsOpened }) else { return "No complaints by this time." }
        return "\(Format.count(opened)) complaints opened and \(Format.count(resolved)) resolved; the most were opened in \(peak.month) (\(Format.count(peak.complaintsOpened)))."
    }

    static func channels(_ totals: [(channel: String, count: Int)]) -> String {
        let all = totals.reduce(0) { $0 + $1.count }
        guard all > 0, let top = totals.max(by: { $0.count != $1.count ? $0.count < $1.count : $0.channel > $1.channel }) else {
            return "No complaint carried a channel."
        }
        return "Most complaints come in by \(top.channel): \(Format.percent(Double(top.count) / Double(all))) of \(Format.count(all))."
    }

    static func regionSatisfaction(_ regions: [RegionSatisfaction]) -> String {
        let scored = regions.compactMap { region in region.nps.map { (region.region, $0) } }
        guard let low = scored.min(by: { $0.1 < $1.1 }), let high = scored.max(by: { $0.1 < $1.1 }) else {
            return "No region has NPS answers."
        }
        guard scored.count > 1 else { return "Only \(low.0) has NPS answers: \(Format.signed(low.1))." }
        return "NPS ranges from \(Format.signed(low.1)) in \(low.0) to \(Format.signed(high.1)) in \(high.0) (latest answer of each customer)."
    }

    static func regionTrends(_ rows: [RegionMonth], through last: CalendarMonth) -> String {
        let recent = rows.filter { $0.month.months(to: last) < 12 }
        var totals: [String: (promoters: Int, detractors: Int, answers: Int, complaints: Int)] = [:]
        for row in recent {
            var total = totals[row.region] ?? (0, 0, 0, 0)
            total.promoters += row.promoters
            total.detractors += row.detractors
            total.answers += row.npsAnswers
            total.complaints += row.complaintsOpened
            totals[row.region] = total
        }
        let scored = totals.filter { $0.value.answers > 0 }.map { ($0.key, Double($0.value.promoters - $0.value.detractors) * 100 / Double($0.value.answers)) }
            .sorted { $0.0 < $1.0 }
        let mostComplaints = totals.max { a, b in a.value.complaints != b.value.complaints ? a.value.complaints < b.value.complaints : a.key > b.key }
        var parts: [String] = []
        if let low = scored.min(by: { $0.1 < $1.1 }), let high = scored.max(by: { $0.1 < $1.1 }), scored.count > 1 {
            parts.append("NPS ranges from \(Format.signed(low.1)) in \(low.0) to \(Format.signed(high.1)) in \(high.0)")
        }
        if let most = mostComplaints, most.value.complaints > 0 {
            parts.append("\(most.key) opened the most complaints (\(Format.count(most.value.complaints)))")
        }
        guard !parts.isEmpty else { return "Too few answers and complaints by region in the last 12 months to compare." }
        return "Over the 12 months to \(last), " + parts.joined(separator: "; ") + "."
    }

    static func distribution(_ distribution: Distribution, of what: String) -> String {
        let known = distribution.rows.filter { $0.key != Distribution.unknownKey && $0.customers > 0 }
        guard let largest = known.first else { return "No customer has a known \(what)." }
        var text = "\(largest.key) has the most customers (\(Format.percent(largest.customerShare))) and brings \(Format.percent(largest.revenueShare)) of revenue"
        if known.count > 1, let best = known.max(by: { $0.revenuePerCustomer < $1.revenuePerCustomer }) {
            text += "; \(best.key) brings the most per customer (\(Format.amount(best.revenuePerCustomer)))"
        }
        return text + "."
    }

    static func concentration(_ concentration: RevenueConcentration) -> String {
        "Top 20% of customers bring \(Format.percent(concentration.topFifthShare)) of revenue (Gini \(Format.fixed(concentration.gini, 2)), \(Format.count(concentration.customers)) buyers)."
    }

    static func segments(_ segments: [SegmentCount]) -> String {
        let buyers = segments.reduce(0) { $0 + $1.customers }
        let value = segments.reduce(0) { $0 + $1.value }
        guard buyers > 0, let largest = segments.max(by: { $0.customers < $1.customers }) else { return "No buyers to score." }
        var text = "The largest segment is \(largest.segment.rawValue) (\(Format.percent(Double(largest.customers) / Double(buyers))) of buyers)"
        if let champions = segments.first(where: { $0.segment == .champions }), value > 0 {
            text += "; Champions are \(Format.percent(Double(champions.customers) / Double(buyers))) of buyers with \(Format.percent(champions.value / value)) of historical value"
        }
        return text + "."
    }

    static func cohorts(_ retention: CohortRetention) -> String {
        guard !retention.cohorts.isEmpty else { return "No cohorts: no purchases by this time." }
        guard let first = retention.meanRetention(month: 1) else {
            return "Only the latest month's cohort so far: no month after acquisition observed yet."
        }
        var text = "On average \(Format.percent(first)) of a cohort buys again in the month after its first purchase"
        if let later = retention.meanRetention(month: 6) { text += ", \(Format.percent(later)) in month 6" }
        return text + "."
    }

    static func holdout(_ fit: HoldoutFit) -> String {
        let actual = fit.rows.reduce(0) { $0 + $1.actual * Double($1.customers) }
        let predicted = fit.rows.reduce(0) { $0 + $1.predicted * Double($1.customers) }
        let predictedCount = Format.count(predicted)
        guard actual > 0 else { return "\(fit.model) predicted \(predictedCount) repeat purchases in the holdout; none were made." }
        return "\(fit.model) predicted \(predictedCount) repeat purchases in the holdout against \(Format.count(actual)) made (\(Format.signed((predicted / actual - 1) * 100))%)."
    }

    static func churn(_ flags: [FlagCount], flagged: Int, customers: Int) -> String {
        guard flagged > 0, let top = flags.max(by: { $0.customers < $1.customers }) else { return "No customer carries a churn flag." }
        let share = customers > 0 ? " (\(Format.percent(Double(flagged) / Double(customers))) of customers)" : ""
        return "\(Format.counted(flagged, "customer"))\(share) \(flagged == 1 ? "carries" : "carry") at least one churn flag; the most common is \(top.flag) (\(Format.count(top.customers)))."
    }

    static func yearOverYear(_ yoy: YearOverYear, partial: String?) -> String {
        let current = yoy.totals.first { $0.year == yoy.year }?.sales ?? 0
        let previous = yoy.totals.first { $0.year == yoy.previousYear }?.sales ?? 0
        var text = "\(yoy.year)\(partial.map { " (\($0))" } ?? "") sales \(Format.amount(current))"
        if previous > 0 { text += ", \(Format.signed((current / previous - 1) * 100))% on \(yoy.previousYear)" }
        return text + "; \(Format.counted(yoy.growing, "customer")) bought more, \(Format.count(yoy.declining)) less."
    }
}
