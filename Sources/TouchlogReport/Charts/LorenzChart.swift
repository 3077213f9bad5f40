/// The Lorenz curve against the line of equality, both axes 0–100%, with the top-20% point marked.
struct LorenzChart {
    var points: [(customerShare: Double, revenueShare: Double)]
    var topFifthShare: Double

    func svg(title: String, takeaway: String) -> String {
        var svg = SVG(width: 960, height: 420)
        let left = 300.0, right = 660.0, top = 30.0, bottom = 390.0 - 30
        let x = LinearScale(domain: (0, 1), range: (left, right)), y = LinearScale(domain: (0, 1), range: (bottom, top))
        for tick in stride(from: 0.0, through: 1.0001, by: 0.2) {
            svg.line(x(tick), top, x(tick), bottom, stroke: "#e2e8f0")
            svg.line(left, y(tick), right, y(tick), stroke: "#e2e8f0")
            svg.text(x(tick), bottom + 16, Format.percent(tick), anchor: .middle, size: 12, fill: "#4a5568")
            svg.text(left - 8, y(tick) + 4, Format.percent(tick), anchor: .end, size: 12, fill: "#4a5568")
        }
        let curve = points.map { (x($0.customerShare), y($0.revenueShare)) }
        svg.polygon(curve + [(x(1), y(1)), (x(0), y(0))].reversed(), fill: SVG.colors[0], opacity: 0.12)
        svg.line(x(0), y(0), x(1), y(1), stroke: "#718096", width: 1.5, dash: "5 4")
        svg.polyline(curve, stroke: SVG.colors[0], width: 2.5)
        // The top fifth of customers: from 80% of customers to the end.
        let mark = (x(0.8), y(1 - topFifthShare))
        svg.line(mark.0, mark.1, mark.0, bottom, stroke: SVG.colors[1], dash: "3 3")
        svg.circle(mark.0, mark.1, radius: 4, fill: SVG.colors[1])
        svg.text(mark.0 - 8, mark.1 - 10, "top 20% bring \(Format.percent(topFifthShare))", anchor: .end, size: 12, fill: SVG.colors[1], weight: "bold")
        svg.line(left, bottom, right, bottom, stroke: "#4a5568")
        svg.line(left, top, left, bottom, stroke: "#4a5568")
        svg.text((left + right) / 2, bottom + 40, "customers, ordered from the smallest revenue up (cumulative %)", anchor: .middle, size: 13, fill: "#2d3748")
        svg.text(left - 52, (top + bottom) / 2, "revenue (cumulative %)", anchor: .middle, size: 13, fill: "#2d3748", rotate: -90)
        svg.legend([("Lorenz curve", SVG.colors[0], false)], x: right + 30, y: top + 20)
        svg.legend([("equal revenue per customer", "#718096", true)], x: right + 30, y: top + 42)
        return svg.rendered(title: title, description: takeaway)
    }
}
