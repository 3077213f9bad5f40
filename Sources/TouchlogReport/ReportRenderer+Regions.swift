import TouchlogAnalytics

extension ReportRenderer {
    static func regionSatisfactionSection(_ data: ReportData) -> String {
        let title = "Satisfaction by region: snapshot of each customer's latest answer"
        let regions = data.regionSatisfaction.sorted { ($0.nps ?? -.infinity, $1.region) > ($1.nps ?? -.infinity, $0.region) }
        guard !regions.isEmpty else {
            return gap(id: "region-satisfaction", title: title, reason: "No customer has a region attribute, so satisfaction cannot be broken down by region.")
        }
        let takeaway = Takeaways.regionSatisfaction(regions)
        let answered = regions.filter { $0.nps != nil }
        let nps = BarChart(
            categories: answered.map(\.region), series: [("NPS", answered.map { $0.nps ?? 0 })],
            valueTitle: "NPS over each customer's latest answer (points)", format: { Format.signed($0) }
        )
        let complaints = BarChart(
            categories: regions.map(\.region), series: [("complaints per 100 customers", regions.map(\.complaintsPer100))],
            valueTitle: "complaints per 100 customers (all time)", format: { Format.fixed($0, 1) }
        )
        let figure = (answered.isEmpty ? "" : "<h3>NPS</h3>\(nps.svg(title: "NPS by region", takeaway: takeaway))") + "<h3>Complaints</h3>\(complaints.svg(title: "Complaints per 100 customers by region", takeaway: takeaway))"
        return section(
            id: "region-satisfaction", title: title, takeaway: takeaway, figure: figure,
            definition: "A snapshot by the profile attribute region: NPS over each customer's latest answer, complaints over all time."
        )
    }

    static func regionTrendSection(_ data: ReportData) -> String {
        let title = "Satisfaction by region and month"
        let known = data.regionTrends.filter { $0.region != Distribution.unknownKey }
        guard let first = known.map(\.month).min(), let last = known.map(\.month).max() else {
            return gap(id: "region-trends", title: title, reason: "No customer has a region attribute, so there are no trends by region.")
        }
        let regions = Array(Set(known.map(\.region))).sorted()
        let count = first.months(to: last) + 1
        let labels = (0..<count).map { first.adding(months: $0).description }
        var nps = Dictionary(uniqueKeysWithValues: regions.map { ($0, [Double?](repeating: nil, count: count)) })
        var complaints = Dictionary(uniqueKeysWithValues: regions.map { ($0, [Double?](repeating: 0, count: count)) })
        for row in known {
            let index = first.months(to: row.month)
            nps[row.region]![index] = row.nps
            complaints[row.region]![index] = Double(row.complaintsOpened)
        }
        let sparse = nps.values.contains { values in values.contains { $0 == nil } }
        let npsValues = nps.values.flatMap { $0.compactMap { $0 } }
        let domain = LinearScale.niceDomain(npsValues)
        let npsChart = LineChart(
            xLabels: labels, series: regions.map { .init(name: $0, values: nps[$0]!, sparse: sparse) },
            yTitle: "NPS (points, −100 to 100)", xTitle: "month (UTC)", yFormat: { Format.signed($0) },
            yDomain: (max(-100, domain.0), min(100, domain.1))
        )
        let complaintChart = LineChart(
            xLabels: labels, series: regions.map { .init(name: $0, values: complaints[$0]!) },
            yTitle: "complaints opened per month", xTitle: "month (UTC)"
        )
        let takeaway = Takeaways.regionTrends(known, through: last)
        return section(
            id: "region-trends", title: title, takeaway: takeaway,
            figure: "<h3>NPS</h3>" + npsChart.svg(title: "NPS by region and month", takeaway: takeaway)
                + "<h3>Complaints opened</h3>" + complaintChart.svg(title: "Complaints opened by region and month", takeaway: takeaway),
            definition: "Each customer's answers and complaints count in the region of their profile at the evaluation time"
                + (sparse ? "; NPS answers come in waves, so the lines join the months with answers." : ".")
        )
    }
}
