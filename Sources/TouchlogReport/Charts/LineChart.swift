/// Lines over categorical x positions (months), with gaps for missing values, dashed series for
/// forecasts and an optional shaded span (the forecast horizon).
struct LineChart {
    struct Series {
        var name: String
        var values: [Double?]
        var dashed = false
        /// Draw a line across missing values and a dot at each value (sparse series such as
        /// quarterly survey waves).
        var sparse = false
    }

    var xLabels: [String]
    var series: [Series]
    /// The y axis title, with its unit.
    var yTitle: String
    /// The x axis title, with its unit.
    var xTitle: String
    var yFormat: (Double) -> String = { Format.amount($0) }
    /// A fixed y domain (e.g. NPS −100…100); else from the data, including 0.
    var yDomain: (Double, Double)?
    /// Shade x positions from this index to the end, labelled.
    var shadeFrom: (index: Int, label: String)?

    func svg(title: String, takeaway: String) -> String {
        var svg = SVG(width: 960, height: 340)
        let left = 72.0, right = 920.0, top = 40.0, bottom = 280.0
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let domain = yDomain ?? LinearScale.niceDomain(values)
        let y = LinearScale(domain: domain, range: (bottom, top))
        let count = max(xLabels.count, 1)
        let step = count > 1 ? (right - left) / Double(count - 1) : 0
        func x(_ index: Int) -> Double { count > 1 ? left + Double(index) * step : (left + right) / 2 }

        if let shade = shadeFrom, shade.index < count {
            let start = shade.index > 0 ? x(shade.index) - step / 2 : left
            svg.rect(start, top, right - start, bottom - top, fill: "#edf2f7")
            svg.text(start + 6, top + 14, shade.label, size: 12, fill: "#4a5568")
        }
        for tick in y.ticks() {
            svg.line(left, y(tick), right, y(tick), stroke: tick == 0 ? "#a0aec0" : "#e2e8f0")
            svg.text(left - 8, y(tick) + 4, yFormat(tick), anchor: .end, size: 12, fill: "#4a5568")
        }
        let every = max(1, Int((Double(count) / 14).rounded(.up)))
        for index in stride(from: 0, to: count, by: every) where index < xLabels.count {
            svg.line(x(index), bottom, x(index), bottom + 4, stroke: "#a0aec0")
            svg.text(x(index), bottom + 18, xLabels[index], anchor: .middle, size: 12, fill: "#4a5568")
        }
        svg.line(left, bottom, right, bottom, stroke: "#4a5568")
        svg.text(16, (top + bottom) / 2, yTitle, anchor: .middle, size: 13, fill: "#2d3748", rotate: -90)
        svg.text((left + right) / 2, bottom + 44, xTitle, anchor: .middle, size: 13, fill: "#2d3748")

        for (number, entry) in series.enumerated() {
            let color = SVG.colors[number % SVG.colors.count]
            // Consecutive non-missing values form one stroke; a gap breaks it.
            var run: [(Double, Double)] = []
            for (index, value) in entry.values.enumerated() {
                if let value, value.isFinite {
                    run.append((x(index), y(value)))
                    if entry.sparse { svg.circle(x(index), y(value), radius: 3.5, fill: color) }
                } else if !entry.sparse {
                    svg.polyline(run, stroke: color, dash: entry.dashed ? "6 4" : nil)
                    run = []
                }
            }
            svg.polyline(run, stroke: color, dash: entry.dashed ? "6 4" : nil)
        }
        svg.legend(series.enumerated().map { ($1.name, SVG.colors[$0 % SVG.colors.count], $1.dashed) }, x: left, y: 20)
        return svg.rendered(title: title, description: takeaway)
    }
}
