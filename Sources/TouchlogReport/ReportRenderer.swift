import TouchlogAnalytics

/// Renders a ``ReportData`` as one self-contained HTML page: inline CSS and SVG, no scripts, no
/// network, readable on screen and on paper.
public enum ReportRenderer {
    /// The HTML page of `data`.
    public static func html(_ data: ReportData) -> String {
        let sections = [
            revenueSection(data), satisfactionSections(data), regionTrendSection(data), regionSatisfactionSection(data),
            distributionSection(data.regions, id: "regions", name: "region"),
            distributionSection(data.sources, id: "sources", name: "acquisition source"),
            concentrationSection(data), segmentSections(data), cohortSection(data), holdoutSection(data),
            churnSection(data), yearOverYearSection(data), notesSection(data),
        ].joined(separator: "\n")
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(data.title)) — as of \(HTML.escape(data.asOf))</title>
        <style>\(style)</style>
        </head>
        <body>
        <header>
        <h1>\(HTML.escape(data.title))</h1>
        <p class="meta">As of \(HTML.escape(data.asOf)). \(Format.count(data.customers)) customers, \(Format.count(data.buyers)) with a purchase\(data.currency.isEmpty ? "" : "; amounts in \(HTML.escape(data.currency))").</p>
        \(summaryTiles(data))
        </header>
        <main>
        \(sections)
        </main>
        </body>
        </html>

        """
    }

    static let style = """
    :root{color-scheme:light}
    body{margin:0 auto;max-width:1120px;padding:24px 32px;background:#fff;color:#1a202c;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
    h1{font-size:28px;margin:0 0 4px}h2{font-size:19px;margin:0 0 4px}
    .meta{color:#4a5568;margin:0 0 16px}
    .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-bottom:8px}
    .tile{border:1px solid #e2e8f0;border-radius:6px;padding:10px 14px}
    .tile b{display:block;font-size:22px}.tile span{color:#4a5568;font-size:13px}
    section.chart{border-top:1px solid #e2e8f0;padding:18px 0 8px;break-inside:avoid;page-break-inside:avoid}
    .takeaway{margin:0 0 10px;color:#2c5282;font-weight:600}
    .definition{margin:6px 0 0;color:#4a5568;font-size:13px}
    svg{display:block;width:100%;height:auto;max-width:100%}
    section.gap .takeaway{color:#744210}
    section.gap{background:#fffaf0;border:1px dashed #d69e2e;border-radius:6px;padding:14px 18px;margin:12px 0}
    table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
    th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left}
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
    .pair{display:grid;grid-template-columns:1fr 1fr;gap:24px}
    h3{font-size:15px;margin:10px 0 2px}
    @media print{body{max-width:none;padding:0;font-size:11pt}section.chart{padding-top:10px}.tile{border-color:#a0aec0}}
    @page{margin:14mm}
    """

    // MARK: - Pieces

    static func summaryTiles(_ data: ReportData) -> String {
        var tiles: [(String, String)] = [(Format.count(data.customers), "customers"), (Format.count(data.buyers), "buyers")]
        if case .success(let concentration)? = data.concentration {
            tiles.append((Format.amount(concentration.totalRevenue), "revenue to date"))
        }
        if let nps = data.satisfaction.last(where: { $0.nps != nil }) { tiles.append((Format.signed(nps.nps ?? 0), "NPS, \(nps.month)")) }
        tiles.append((Format.count(data.flaggedCustomers), "customers with a churn flag"))
        return "<div class=\"tiles\">" + tiles.map { "<div class=\"tile\"><b>\(HTML.escape($0.0))</b><span>\(HTML.escape($0.1))</span></div>" }.joined() + "</div>"
    }

    /// A chart section: heading, takeaway, the figure and an optional definition line.
    static func section(id: String, title: String, takeaway: String, figure: String, definition: String? = nil) -> String {
        "<section class=\"chart\" id=\"\(id)\"><h2>\(HTML.escape(title))</h2><p class=\"takeaway\">\(HTML.escape(takeaway))</p>\(figure)"
            + (definition.map { "<p class=\"definition\">\(HTML.escape($0))</p>" } ?? "") + "</section>"
    }

    /// A section standing for a chart that cannot be drawn, saying why.
    static func gap(id: String, title: String, reason: String) -> String {
        "<section class=\"chart gap\" id=\"\(id)\"><h2>\(HTML.escape(title))</h2><p class=\"takeaway\">\(HTML.escape(reason))</p></section>"
    }

    static func table(_ header: [(String, Bool)], _ rows: [[String]]) -> String {
        let head = header.map { "<th\($0.1 ? " class=\"n\"" : "")>\(HTML.escape($0.0))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + row.enumerated().map { index, cell in
                "<td\(index < header.count && header[index].1 ? " class=\"n\"" : "")>\(HTML.escape(cell))</td>"
            }.joined() + "</tr>"
        }.joined()
        return "<table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }
}
