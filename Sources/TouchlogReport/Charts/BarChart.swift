/// Horizontal bars: one row per category, one bar per series in each row, the value printed at
/// the end of each bar.
struct BarChart {
    var categories: [String]
    /// Each series' name and its value per category.
    var series: [(name: String, values: [Double])]
    /// The value axis title, with its unit.
    var valueTitle: String
    var format: (Double) -> String = { Format.amount($0) }
    /// A fixed value domain; else from 0 to the largest value.
    var domain: (Double, Double)?
    /// Only whole-number ticks (for counts).
    var integerTicks = false

    func svg(title: String, takeaway: String) -> String {
        let barHeight = 16.0, gap = 10.0
        let rowHeight = Double(series.count) * barHeight + gap
        let left = 190.0, right = 880.0, top = series.count > 1 ? 44.0 : 16.0
        let bottom = top + rowHeight * Double(max(categories.count, 1))
        var svg = SVG(width: 960, height: bottom + 48)
        let values = series.flatMap(\.values)
        let x = LinearScale(domain: domain ?? LinearScale.niceDomain(values), range: (left, right))
        for tick in x.ticks(6) where !integerTicks || tick == tick.rounded() {
            svg.line(x(tick), top, x(tick), bottom, stroke: tick == 0 ? "#a0aec0" : "#e2e8f0")
            svg.text(x(tick), bottom + 16, format(tick), anchor: .middle, size: 12, fill: "#4a5568")
        }
        for (row, category) in categories.enumerated() {
            let rowTop = top + Double(row) * rowHeight + gap / 2
            svg.text(left - 10, rowTop + rowHeight / 2 - gap / 2 + 4, Self.clipped(category), anchor: .end, size: 12)
            for (number, entry) in series.enumerated() where row < entry.values.count {
                let value = entry.values[row]
                let start = x(min(0, value)), end = x(max(0, value))
                let barTop = rowTop + Double(number) * barHeight
                svg.rect(start, barTop, end - start, barHeight - 2, fill: SVG.colors[number % SVG.colors.count], title: "\(category), \(entry.name): \(format(value))")
                svg.text(end + 5, barTop + barHeight - 5, format(value), size: 11, fill: "#2d3748")
            }
        }
        svg.line(left, top, left, bottom, stroke: "#4a5568")
        svg.text((left + right) / 2, bottom + 38, valueTitle, anchor: .middle, size: 13, fill: "#2d3748")
        if series.count > 1 {
            svg.legend(series.enumerated().map { ($1.name, SVG.colors[$0 % SVG.colors.count], false) }, x: left, y: 20)
        }
        return svg.rendered(title: title, description: takeaway)
    }

    /// Category names longer than the label column are cut with an ellipsis.
    static func clipped(_ text: String) -> String { text.count > 26 ? String(text.prefix(25)) + "…" : text }
}

/// Vertical grouped columns over categorical x positions (years, calibration purchases).
struct ColumnChart {
    var categories: [String]
    var series: [(name: String, values: [Double])]
    var xTitle: String
    var yTitle: String
    var format: (Double) -> String = { Format.amount($0) }

    func svg(title: String, takeaway: String) -> String {
        var svg = SVG(width: 960, height: 340)
        let left = 72.0, right = 920.0, top = 40.0, bottom = 280.0
        let y = LinearScale(domain: LinearScale.niceDomain(series.flatMap(\.values)), range: (bottom, top))
        for tick in y.ticks() {
            svg.line(left, y(tick), right, y(tick), stroke: tick == 0 ? "#a0aec0" : "#e2e8f0")
            svg.text(left - 8, y(tick) + 4, format(tick), anchor: .end, size: 12, fill: "#4a5568")
        }
        let slot = (right - left) / Double(max(categories.count, 1))
        let barWidth = min(48, slot * 0.8 / Double(max(series.count, 1)))
        let showValues = categories.count * series.count <= 24
        for (index, category) in categories.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            let groupStart = center - barWidth * Double(series.count) / 2
            for (number, entry) in series.enumerated() where index < entry.values.count {
                let value = entry.values[index]
                let top = y(max(0, value)), base = y(min(0, value))
                let x = groupStart + Double(number) * barWidth
                svg.rect(x + 1, top, barWidth - 2, base - top, fill: SVG.colors[number % SVG.colors.count], title: "\(category), \(entry.name): \(format(value))")
                if showValues { svg.text(x + barWidth / 2, top - 4, format(value), anchor: .middle, size: 10, fill: "#2d3748") }
            }
            svg.text(center, bottom + 18, category, anchor: .middle, size: 12, fill: "#4a5568")
        }
        svg.line(left, bottom, right, bottom, stroke: "#4a5568")
        svg.text(16, (top + bottom) / 2, yTitle, anchor: .middle, size: 13, fill: "#2d3748", rotate: -90)
        svg.text((left + right) / 2, bottom + 44, xTitle, anchor: .middle, size: 13, fill: "#2d3748")
        svg.legend(series.enumerated().map { ($1.name, SVG.colors[$0 % SVG.colors.count], false) }, x: left, y: 20)
        return svg.rendered(title: title, description: takeaway)
    }
}
