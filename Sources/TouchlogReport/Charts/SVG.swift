/// A small SVG writer: every chart is one `<svg>` with a `<title>` and a `<desc>`, drawn in a
/// fixed coordinate system (`viewBox`) and scaled to the page width.
struct SVG {
    let width: Double
    let height: Double
    private(set) var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The palette: distinct on screen and in grey print, no dark fills.
    static let colors = ["#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#718096", "#b7791f", "#319795"]

    /// A coordinate to one decimal; a non-finite one (from non-finite data) is drawn at 0.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        guard rounded.isFinite else { return "0" }
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        elements.append("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        let shape = "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0, width)))\" height=\"\(Self.number(max(0, height)))\" fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\"" } ?? "")"
        elements.append(title.map { shape + "><title>\(HTML.escape($0))</title></rect>" } ?? shape + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard points.count > 1 else {
            if let point = points.first { circle(point.0, point.1, radius: 2.5, fill: stroke) }
            return
        }
        let coordinates = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        let coordinates = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polygon points=\"\(coordinates)\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\" stroke=\"none\"/>")
    }

    mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String) {
        elements.append("<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\"/>")
    }

    enum Anchor: String { case start, middle, end }

    /// Text, escaped; `rotate` turns it about its anchor point (degrees).
    mutating func text(
        _ x: Double, _ y: Double, _ content: String, anchor: Anchor = .start, size: Double = 12,
        fill: String = "#1a202c", weight: String? = nil, rotate: Double? = nil
    ) {
        let transform = rotate.map { " transform=\"rotate(\(Self.number($0)) \(Self.number(x)) \(Self.number(y)))\"" } ?? ""
        elements.append("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(Self.number(size))\" fill=\"\(fill)\"\(weight.map { " font-weight=\"\($0)\"" } ?? "")\(transform)>\(HTML.escape(content))</text>")
    }

    /// A legend row of coloured keys from the left edge `x`.
    mutating func legend(_ entries: [(name: String, color: String, dashed: Bool)], x: Double, y: Double) {
        var position = x
        for entry in entries {
            if entry.dashed {
                line(position, y - 4, position + 18, y - 4, stroke: entry.color, width: 2.5, dash: "5 3")
            } else {
                rect(position, y - 9, 18, 10, fill: entry.color)
            }
            text(position + 24, y, entry.name, size: 12)
            position += 24 + Double(entry.name.count) * 7 + 18
        }
    }

    /// The finished element: `title` is the accessible name (and the tooltip), `description` the takeaway.
    func rendered(title: String, description: String) -> String {
        "<svg viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\" "
            + "preserveAspectRatio=\"xMidYMid meet\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\">"
            + "<title>\(HTML.escape(title))</title><desc>\(HTML.escape(description))</desc>"
            + elements.joined() + "</svg>"
    }
}
