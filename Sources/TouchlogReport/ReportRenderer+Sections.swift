import TouchlogAnalytics

extension ReportRenderer {
    static func revenueSection(_ data: ReportData) -> String {
        let title = "Revenue by month, with forecast"
        guard !data.monthlyRevenue.isEmpty else { return gap(id: "revenue", title: title, reason: "No purchases by this time.") }
        let months = data.monthlyRevenue
        var forecast: Forecast?
        var reason: String?
        switch data.revenueForecast {
        case .success(let value)?: forecast = value
        case .failure(let error)?: reason = "No forecast: \(error.message)."
        case nil: reason = nil
        }
        let ahead = forecast?.forecast.count ?? 0
        let labels = (0..<(months.count + ahead)).map { months[0].month.adding(months: $0).description }
        var series = [LineChart.Series(name: "revenue", values: months.map(\.value) + Array(repeating: nil, count: ahead))]
        var shade: (Int, String)?
        if let forecast {
            let held = forecast.holdoutForecast.count
            if held < months.count {  // a forecast made from another series cannot be placed
                let before = [Double?](repeating: nil, count: months.count - held - 1)
                series.append(.init(name: "forecast of held-out months", values: before + [months[months.count - held - 1].value] + forecast.holdoutForecast.map(Optional.some) + Array(repeating: nil, count: ahead), dashed: true))
            }
            let lead = Array<Double?>(repeating: nil, count: months.count - 1)
            series.append(.init(name: "forecast", values: lead + [months[months.count - 1].value] + forecast.forecast.map(Optional.some), dashed: true))
            shade = (months.count, "forecast")
        }
        let chart = LineChart(xLabels: labels, series: series, yTitle: "revenue per month\(data.currency.isEmpty ? "" : " (\(data.currency))")", xTitle: "month (UTC)", shadeFrom: shade)
        let takeaway = Takeaways.revenue(months, forecast)
        let definition = forecast.map { "\($0.method.rawValue), α \(Format.fixed($0.parameters.alpha, 2)), β \(Format.fixed($0.parameters.beta, 2))\($0.parameters.gamma.map { ", γ \(Format.fixed($0, 2))" } ?? ""), φ \(Format.fixed($0.parameters.phi, 2)); error measured by refitting without the last \(Format.counted($0.holdoutActual.count, "month")) (MAE \(Format.amount($0.mae))\($0.mape.map { ", MAPE \(Format.percent($0))" } ?? ""))." } ?? reason
        return section(id: "revenue", title: title, takeaway: takeaway, figure: chart.svg(title: title, takeaway: takeaway), definition: definition)
    }

    static func satisfactionSections(_ data: ReportData) -> String {
        let months = data.satisfaction
        guard !months.isEmpty else {
            return gap(id: "satisfaction", title: "Satisfaction by month", reason: "No survey answers, complaints or mentions by this time.")
        }
        var forecast: Forecast?
        var note: String?
        switch data.npsForecast {
        case .success(let value)?: forecast = value
        case .failure(let error)?: note = "No NPS forecast: \(error.message)."
        case nil: note = nil
        }
        // NPS points sit on the months with answers; forecast points follow the last one, `npsStep` months apart.
        let step = max(1, data.npsStep)
        let lastAnswered = months.lastIndex { $0.nps != nil }
        let forecastIndexes = forecast.flatMap { forecast in lastAnswered.map { last in (1...max(1, forecast.forecast.count)).map { last + $0 * step } } } ?? []
        let count = max(months.count, (forecastIndexes.last ?? 0) + 1)
        let labels = (0..<count).map { months[0].month.adding(months: $0).description }
        var npsSeries = [LineChart.Series(name: "NPS", values: months.map(\.nps) + Array(repeating: nil, count: count - months.count), sparse: step > 1)]
        if let forecast, let last = lastAnswered, let lastNPS = months[last].nps, !forecast.forecast.isEmpty {
            var values = [Double?](repeating: nil, count: count)
            values[last] = lastNPS
            for (index, value) in zip(forecastIndexes, forecast.forecast) { values[index] = value }
            npsSeries.append(.init(name: "forecast", values: values, dashed: true, sparse: true))
        }
        let npsValues = npsSeries.flatMap { $0.values.compactMap { $0 } }
        let npsDomain = LinearScale.niceDomain(npsValues.map { max(-100, min(100, $0)) })
        let npsChart = LineChart(
            xLabels: labels, series: npsSeries, yTitle: "NPS (points, −100 to 100)", xTitle: "month (UTC)", yFormat: { Format.signed($0) },
            yDomain: (max(-100, npsDomain.0), min(100, npsDomain.1)), shadeFrom: forecast == nil || count == months.count ? nil : (months.count, "forecast")
        )
        let nextMonth = lastAnswered.map { months[$0].month.adding(months: step) }
        let npsTakeaway = Takeaways.nps(months, forecast, next: nextMonth)
        let npsDefinition = "NPS = % promoters (9–10) − % detractors (0–6) of the month's answers."
            + (step > 1 ? " Answers come in waves about every \(step) months; the line joins them and the forecast is per wave." : "")
            + (forecast.map { " Forecast: \($0.method.rawValue), MAE \(Format.fixed($0.mae, 1)) points on the last \(Format.counted($0.holdoutActual.count, step > 1 ? "wave" : "month")) held out." } ?? note.map { " \($0)" } ?? "")
        let csatChart = LineChart(
            xLabels: months.map(\.month.description), series: [.init(name: "mean CSAT", values: months.map(\.csatMean))],
            yTitle: "mean CSAT (1–5)", xTitle: "month (UTC)", yFormat: { Format.fixed($0, 1) }, yDomain: (1, 5)
        )
        let complaintChart = LineChart(
            xLabels: months.map(\.month.description),
            series: [.init(name: "opened", values: months.map { Double($0.complaintsOpened) }), .init(name: "resolved", values: months.map { Double($0.complaintsResolved) })],
            yTitle: "complaints per month", xTitle: "month (UTC)", yFormat: { Format.amount($0) }
        )
        var parts = [
            section(id: "nps", title: "NPS by month", takeaway: npsTakeaway, figure: npsChart.svg(title: "NPS by month", takeaway: npsTakeaway), definition: npsDefinition),
            section(id: "csat", title: "CSAT by month", takeaway: Takeaways.csat(months), figure: csatChart.svg(title: "CSAT by month", takeaway: Takeaways.csat(months)), definition: "Mean of the month's CSAT answers, 1 (very unsatisfied) to 5 (very satisfied)."),
            section(id: "complaints", title: "Complaints by month", takeaway: Takeaways.complaints(months), figure: complaintChart.svg(title: "Complaints by month", takeaway: Takeaways.complaints(months))),
        ]
        if !data.complaintsByChannel.isEmpty {
            let channels = Array(Set(data.complaintsByChannel.map(\.channel))).sorted()
            let index = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1.month, $0) })
            var values = Dictionary(uniqueKeysWithValues: channels.map { ($0, [Double?](repeating: 0, count: months.count)) })
            for entry in data.complaintsByChannel {
                guard let position = index[entry.month] else { continue }
                values[entry.channel]![position] = (values[entry.channel]![position] ?? 0) + Double(entry.complaintsOpened)
            }
            let totals = channels.map { channel in (channel, data.complaintsByChannel.filter { $0.channel == channel }.reduce(0) { $0 + $1.complaintsOpened }) }
            let chart = LineChart(
                xLabels: months.map(\.month.description), series: channels.map { .init(name: $0, values: values[$0]!) },
                yTitle: "complaints opened per month", xTitle: "month (UTC)"
            )
            let takeaway = Takeaways.channels(totals)
            parts.append(section(id: "complaint-channels", title: "Complaints by channel", takeaway: takeaway, figure: chart.svg(title: "Complaints opened by channel and month", takeaway: takeaway)))
        }
        return parts.joined(separator: "\n")
    }

    static func distributionSection(_ distribution: Distribution?, id: String, name: String) -> String {
        let title = "Customers and revenue by \(name)"
        guard let distribution, distribution.rows.contains(where: { $0.key != Distribution.unknownKey }) else {
            return gap(id: id, title: title, reason: "No customer has the \(name) attribute.")
        }
        let rows = distribution.rows
        let takeaway = Takeaways.distribution(distribution, of: name)
        let chart = BarChart(
            categories: rows.map(\.key),
            series: [("share of customers", rows.map { $0.customerShare * 100 }), ("share of revenue", rows.map { $0.revenueShare * 100 })],
            valueTitle: "% of all customers / % of all revenue", format: { Format.fixed($0, 0) + "%" }
        )
        let table = table(
            [(name, false), ("customers", true), ("revenue", true), ("revenue per customer", true)],
            rows.map { [$0.key, Format.count($0.customers), Format.amount($0.revenue), Format.amount($0.revenuePerCustomer)] }
        )
        return section(id: id, title: title, takeaway: takeaway, figure: chart.svg(title: title, takeaway: takeaway) + table,
                       definition: "Each customer counted once, by the latest value of the attribute; revenue is all spend to date.")
    }

    static func concentrationSection(_ data: ReportData) -> String {
        let title = "Revenue concentration (Pareto / Lorenz curve)"
        switch data.concentration {
        case .success(let concentration)?:
            let takeaway = Takeaways.concentration(concentration)
            let chart = LorenzChart(points: concentration.lorenz.map { ($0.customerShare, $0.revenueShare) }, topFifthShare: concentration.topFifthShare)
            return section(id: "concentration", title: title, takeaway: takeaway, figure: chart.svg(title: title, takeaway: takeaway),
                           definition: "Buyers ordered by revenue to date; the curve's sag below the diagonal is inequality. Gini = twice the area between them (0 = equal, near 1 = one customer brings everything).")
        case .failure(let error)?: return gap(id: "concentration", title: title, reason: "Not computed: \(error.message).")
        case nil: return gap(id: "concentration", title: title, reason: "No purchases by this time.")
        }
    }

    static func segmentSections(_ data: ReportData) -> String {
        let title = "RFM segments"
        // Cells outside the given grid count as 0.
        func cell(_ r: Int, _ f: Int) -> Int { r - 1 < data.rfmGrid.count && f - 1 < data.rfmGrid[r - 1].count ? data.rfmGrid[r - 1][f - 1] : 0 }
        let buyers = (1...5).reduce(0) { sum, r in (1...5).reduce(sum) { $0 + cell(r, $1) } }
        guard buyers > 0 else { return gap(id: "rfm", title: title, reason: "No buyers to score.") }
        let takeaway = Takeaways.segments(data.segments)
        let grid = Heatmap(
            rowLabels: (1...5).reversed().map { "R \($0)" }, columnLabels: (1...5).map { "F \($0)" },
            values: (1...5).reversed().map { r in (1...5).map { f in Double(cell(r, f)) } },
            rowTitle: "recency score", columnTitle: "frequency score (5 = most purchase days)", format: { Format.count($0) },
            cellNotes: (1...5).reversed().map { r in (1...5).map { f in RFMSegment(recencyScore: r, frequencyScore: f).rawValue } },
            cellSize: (150, 52)
        )
        let segments = data.segments.filter { $0.customers > 0 }
        let totalValue = segments.reduce(0) { $0 + $1.value }
        let bars = BarChart(
            categories: segments.map(\.segment.rawValue),
            series: [("share of buyers", segments.map { Double($0.customers) * 100 / Double(buyers) }), ("share of historical value", segments.map { totalValue > 0 ? $0.value * 100 / totalValue : 0 })],
            valueTitle: "% of buyers / % of historical value", format: { Format.fixed($0, 0) + "%" }
        )
        return section(
            id: "rfm", title: title, takeaway: takeaway,
            figure: grid.svg(title: "Buyers by RFM recency and frequency score", takeaway: takeaway) + bars.svg(title: "RFM segments: buyers and value", takeaway: takeaway),
            definition: "Recency (days since the last purchase) and frequency (repeat purchase days) scored 1–5 by percent rank among buyers; each (R, F) cell belongs to one segment."
        )
    }

    static func cohortSection(_ data: ReportData) -> String {
        let title = "Cohort retention by month of first purchase"
        guard let retention = data.cohorts, !retention.cohorts.isEmpty else { return gap(id: "cohorts", title: title, reason: "No purchases by this time.") }
        let shown = Array(retention.cohorts.suffix(24))
        let columns = min(24, (shown.map(\.active.count).max() ?? 1))
        let takeaway = Takeaways.cohorts(retention)
        let chart = Heatmap(
            rowLabels: shown.map { "\($0.month) (\(Format.count($0.size)))" }, columnLabels: (0..<columns).map(String.init),
            values: shown.map { cohort in (0..<columns).map { $0 < cohort.active.count ? cohort.retention[$0] : nil } },
            rowTitle: "cohort (customers)", columnTitle: "months after the first purchase", format: { Format.fixed($0 * 100, 0) },
            cellSize: (max(30, min(60, 840 / Double(max(columns, 1)))), 22),
            // Month 0 is always 100%: shade by the later months so that their differences show.
            colorMaximum: shown.flatMap { $0.retention.dropFirst() }.max().map { max($0, 0.01) }
        )
        var definition = "Cell = % of the cohort with a purchase in that calendar month after acquisition (month 0 is the first purchase: 100%)."
        if retention.cohorts.count > shown.count { definition += " The \(shown.count) latest of \(retention.cohorts.count) cohorts are shown." }
        return section(id: "cohorts", title: title, takeaway: takeaway, figure: chart.svg(title: title, takeaway: takeaway), definition: definition)
    }

    static func holdoutSection(_ data: ReportData) -> String {
        let title = "CLV model: predicted against actual repeat purchases in the holdout"
        guard let fit = data.holdoutFit, !fit.rows.isEmpty else {
            return gap(id: "holdout", title: title, reason: data.holdoutNote
                ?? "Model not fitted: run `touchlog model fit --as-of T` with T before the end of the data to see how well it predicts the repeat purchases made since.")
        }
        let takeaway = Takeaways.holdout(fit)
        let chart = ColumnChart(
            categories: fit.rows.map { "\($0.calibrationPurchases)\($0.orMore ? "+" : "")" },
            series: [("actual", fit.rows.map(\.actual)), ("predicted (\(fit.model))", fit.rows.map(\.predicted))],
            xTitle: "repeat purchases in the calibration period (\(fit.calibration))", yTitle: "mean purchases per customer in the holdout",
            format: { Format.fixed($0, 2) }
        )
        return section(id: "holdout", title: title, takeaway: takeaway, figure: chart.svg(title: title, takeaway: takeaway),
                       definition: "Holdout period \(fit.holdout). Customers grouped by their calibration frequency; \(Format.count(fit.rows.reduce(0) { $0 + $1.customers })) customers.")
    }

    static func churnSection(_ data: ReportData) -> String {
        let title = "Churn flags and customers at risk"
        guard data.flaggedCustomers > 0 else { return gap(id: "churn", title: title, reason: "No customer carries a churn flag at this time.") }
        let takeaway = Takeaways.churn(data.churnFlags, flagged: data.flaggedCustomers, customers: data.customers)
        let chart = BarChart(
            categories: data.churnFlags.map(\.flag), series: [("customers", data.churnFlags.map { Double($0.customers) })],
            valueTitle: "customers with the flag", format: { Format.count($0) }, integerTicks: true
        )
        let withPrediction = data.atRisk.contains { $0.predictedValue != nil }
        var header: [(String, Bool)] = [("customer", false), ("risk", true), ("flags", false), ("spend to date", true)]
        if withPrediction { header.append(("predicted value", true)) }
        let rows = data.atRisk.map { customer in
            [customer.customer, Format.fixed(customer.risk, 2), customer.flags.joined(separator: ", "), Format.amount(customer.historicalValue)]
                + (withPrediction ? [customer.predictedValue.map(Format.amount) ?? "–"] : [])
        }
        let order = withPrediction ? "by predicted value" : "by risk, then spend to date (no model fitted, so no predicted value)"
        return section(
            id: "churn", title: title, takeaway: takeaway,
            figure: chart.svg(title: "Customers per churn flag", takeaway: takeaway) + "<h3>Top \(Format.counted(data.atRisk.count, "at-risk customer")), \(order)</h3>" + table(header, rows),
            definition: "A customer may carry several flags; risk is the sum of the raised flags' weights, at most 1."
        )
    }

    static func yearOverYearSection(_ data: ReportData) -> String {
        let title = "Sales by year and year-over-year change"
        guard let yoy = data.yearOverYear, !yoy.totals.isEmpty else { return gap(id: "yoy", title: title, reason: "No purchases by this time.") }
        let takeaway = Takeaways.yearOverYear(yoy, partial: data.yearOverYearPartial)
        let chart = ColumnChart(
            categories: yoy.totals.map { "\($0.year)" }, series: [("sales", yoy.totals.map(\.sales))],
            xTitle: "calendar year (UTC)", yTitle: "sales per year\(data.currency.isEmpty ? "" : " (\(data.currency))")"
        )
        func rows(_ changes: [YearOverYear.Change]) -> [[String]] {
            changes.map { [$0.customer, Format.amount($0.previous), Format.amount($0.current), Format.amount($0.change), $0.relativeChange.map { Format.signed($0 * 100) + "%" } ?? "new"] }
        }
        let header: [(String, Bool)] = [("customer", false), ("\(yoy.previousYear)", true), ("\(yoy.year)", true), ("change", true), ("%", true)]
        let lists = "<div class=\"pair\"><div><h3>Largest growth, \(yoy.previousYear) → \(yoy.year)</h3>\(table(header, rows(yoy.largestGrowth)))</div>"
            + "<div><h3>Largest decline, \(yoy.previousYear) → \(yoy.year)</h3>\(table(header, rows(yoy.largestDecline)))</div></div>"
        return section(id: "yoy", title: title, takeaway: takeaway, figure: chart.svg(title: title, takeaway: takeaway) + lists,
                       definition: data.yearOverYearPartial.map { "\(yoy.year) is not complete (\($0)); its sales are compared with the whole of \(yoy.previousYear)." })
    }

    static func notesSection(_ data: ReportData) -> String {
        guard !data.notes.isEmpty else { return "" }
        return "<section class=\"notes\"><h2>Notes</h2><ul>" + data.notes.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></section>"
    }
}
