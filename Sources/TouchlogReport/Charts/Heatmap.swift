import Foundation

/// A grid of cells shaded from white to blue by value, each with its value printed when there is
/// room (cohort retention, the RFM grid).
struct Heatmap {
    var rowLabels: [String]
    var columnLabels: [String]
    /// `values[row][column]`; `nil` cells (not observed) stay blank.
    var values: [[Double?]]
    var rowTitle: String
    var columnTitle: String
    var format: (Double) -> String
    /// A second, smaller line per cell (e.g. the RFM segment).
    var cellNotes: [[String]]?
    var cellSize: (width: Double, height: Double) = (40, 22)
    /// The value shaded darkest (larger values too); the largest value when `nil`.
    var colorMaximum: Double?

    func svg(title: String, takeaway: String) -> String {
        let left = 140.0, top = 46.0
        let (cellWidth, cellHeight) = cellSize
        let width = max(960, left + cellWidth * Double(columnLabels.count) + 20)
        let bottom = top + cellHeight * Double(rowLabels.count)
        var svg = SVG(width: width, height: bottom + 20)
        let maximum = colorMaximum ?? values.flatMap { $0.compactMap { $0 } }.max() ?? 1
        let showValues = cellWidth >= 30 && cellHeight >= 16
        for (column, label) in columnLabels.enumerated() {
            svg.text(left + cellWidth * (Double(column) + 0.5), top - 8, label, anchor: .middle, size: 11, fill: "#4a5568")
        }
        svg.text(left + cellWidth * Double(columnLabels.count) / 2, 18, columnTitle, anchor: .middle, size: 12, fill: "#2d3748")
        svg.text(8, 18, rowTitle, size: 12, fill: "#2d3748")
        for (row, label) in rowLabels.enumerated() {
            let y = top + cellHeight * Double(row)
            svg.text(left - 10, y + cellHeight / 2 + 4, label, anchor: .end, size: 11, fill: "#4a5568")
            for (column, value) in values[row].enumerated() {
                guard let value else { continue }
                let x = left + cellWidth * Double(column)
                let ratio = value / maximum
                let intensity = maximum > 0 && ratio.isFinite ? min(1, max(0, ratio)) : 0
                let note = cellNotes?[row][column]
                svg.rect(x, y, cellWidth - 1, cellHeight - 1, fill: Self.color(intensity), title: "\(label), \(columnLabels[column]): \(format(value))\(note.map { " (\($0))" } ?? "")")
                let ink = intensity > 0.6 ? "#ffffff" : "#1a202c"
                if let note {
                    svg.text(x + cellWidth / 2, y + cellHeight / 2 - 3, note, anchor: .middle, size: 11, fill: ink)
                    svg.text(x + cellWidth / 2, y + cellHeight / 2 + 13, format(value), anchor: .middle, size: 12, fill: ink, weight: "bold")
                } else if showValues {
                    svg.text(x + cellWidth / 2, y + cellHeight / 2 + 4, format(value), anchor: .middle, size: 10, fill: ink)
                }
            }
        }
        return svg.rendered(title: title, description: takeaway)
    }

    /// White (0) to a mid blue (1), mixed linearly.
    static func color(_ intensity: Double) -> String {
        let low = (247.0, 250.0, 252.0), high = (43.0, 108.0, 176.0)
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * intensity).rounded()) }
        return String(format: "#%02x%02x%02x", channel(low.0, high.0), channel(low.1, high.1), channel(low.2, high.2))
    }
}
