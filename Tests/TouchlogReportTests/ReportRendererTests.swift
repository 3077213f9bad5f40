import Foundation
import Testing
import TouchlogAnalytics
import TouchlogReport

@Suite("The HTML report")
struct ReportRendererTests {
    static func month(_ year: Int, _ month: Int) -> CalendarMonth { CalendarMonth(year: year, month: month)! }

    /// A small, fully filled report.
    static func sample() throws -> ReportData {
        var data = ReportData(asOf: "2025-12-31T00:00:00Z")
        data.customers = 6
        data.buyers = 5
        data.monthlyRevenue = (0..<30).map { MonthlyValue(month: month(2023, 7).adding(months: $0), value: 100 + Double($0 % 12) * 10) }
        data.revenueForecast = Result { () throws(AnalysisError) in try Forecast(series: data.monthlyRevenue.map(\.value), holdout: 6, horizon: 6) }
        data.satisfaction = (0..<6).map {
            SatisfactionMonth(month: month(2025, 7).adding(months: $0), nps: $0 == 2 ? nil : Double($0 * 5), npsAnswers: $0 == 2 ? 0 : 10,
                              csatMean: 4, complaintsOpened: $0, complaintsResolved: 1)
        }
        data.complaintsByChannel = [ChannelMonth(channel: "phone", month: month(2025, 8), complaintsOpened: 3), ChannelMonth(channel: "email", month: month(2025, 9), complaintsOpened: 1)]
        data.regionTrends = [
            RegionMonth(region: "north & east", month: month(2025, 10), promoters: 6, detractors: 2, npsAnswers: 10, csatSum: 0, csatAnswers: 0, complaintsOpened: 1),
            RegionMonth(region: "west", month: month(2025, 10), promoters: 1, detractors: 5, npsAnswers: 10, csatSum: 0, csatAnswers: 0, complaintsOpened: 4),
            RegionMonth(region: "west", month: month(2025, 12), promoters: 3, detractors: 3, npsAnswers: 10, csatSum: 0, csatAnswers: 0, complaintsOpened: 0),
            RegionMonth(region: "(unknown)", month: month(2025, 11), promoters: 9, detractors: 0, npsAnswers: 9, csatSum: 0, csatAnswers: 0, complaintsOpened: 9),
        ]
        data.regionSatisfaction = [RegionSatisfaction(region: "north & east", customers: 3, nps: 20, npsAnswers: 3, complaintsPer100: 33.3)]
        data.regions = Distribution([("north & east", 10), ("south", 20), (nil, 5)])
        data.sources = Distribution([("referral", 10), ("search", 20)])
        data.concentration = Result { () throws(AnalysisError) in try RevenueConcentration(revenues: [30, 0, 40, 10, 20]) }
        data.rfmGrid[4][4] = 2
        data.rfmGrid[0][0] = 3
        data.segments = [SegmentCount(segment: .champions, customers: 2, value: 70), SegmentCount(segment: .lost, customers: 3, value: 30)]
        data.cohorts = CohortRetention(purchaseMonths: [[month(2025, 1), month(2025, 2)], [month(2025, 2)]], through: month(2025, 3))
        data.churnFlags = [FlagCount(flag: "overdue", customers: 2)]
        data.flaggedCustomers = 2
        data.atRisk = [AtRiskCustomer(customer: "<script>alert(\"x\")</script>", risk: 0.5, flags: ["overdue"], historicalValue: 12)]
        data.yearOverYear = YearOverYear(sales: [("A", [2024: 10, 2025: 30]), ("B", [2024: 20])], year: 2025)
        return data
    }

    /// The chart sections of a page, as raw HTML.
    static func sections(_ html: String) -> [Substring] {
        html.split(separator: "<section class=\"chart").dropFirst().map { $0 }
    }

    @Test("Every chart has a title and a takeaway; nothing is loaded from the network")
    func structure() throws {
        let html = ReportRenderer.html(try Self.sample())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let svgs = html.components(separatedBy: "<svg ").dropFirst()
        #expect(svgs.count >= 12)
        #expect(svgs.allSatisfy { $0.hasPrefix("viewBox") && $0.contains("<title>") })
        #expect(html.components(separatedBy: "</svg>").count == svgs.count + 1)
        for section in Self.sections(html) {
            #expect(section.contains("<p class=\"takeaway\">"), "section without takeaway: \(section.prefix(80))")
        }
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script") && !html.contains("src="))
        #expect(html.contains("@media print"))
    }

    @Test("Takeaways are computed from the data")
    func takeaways() throws {
        let html = ReportRenderer.html(try Self.sample())
        #expect(html.contains("Top 20% of customers bring 40% of revenue (Gini 0.40, 5 buyers)."))
        #expect(html.contains("NPS was +25 in 2025-12 (10 answers), up 5 points on 2025-11."))
        #expect(html.contains("Most complaints come in by phone: 75% of 4."))
        // West: (1 + 3 − 5 − 3) / 20 = −20; the unknown region is left out.
        #expect(html.contains("Over the 12 months to 2025-12, NPS ranges from −20 in west to +40 in north &amp; east; west opened the most complaints (4)."))
        #expect(html.contains("2025 sales 30, 0% on 2024; 1 customer bought more, 1 less."))
        #expect(html.contains("On average 50% of a cohort buys again in the month after its first purchase."))
    }

    @Test("Text from the data is escaped")
    func escaping() throws {
        let html = ReportRenderer.html(try Self.sample())
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("north &amp; east"))
        #expect(!html.contains("north & east"))
    }

    @Test("Without a fitted model the holdout chart says so, and the at-risk list has no predicted column")
    func modelNotFitted() throws {
        let html = ReportRenderer.html(try Self.sample())
        #expect(html.contains("Model not fitted"))
        #expect(!html.contains("predicted value</th>"))
    }

    @Test("With a fitted model: the holdout chart, its takeaway and the predicted value column")
    func modelFitted() throws {
        var data = try Self.sample()
        data.holdoutFit = HoldoutFit(model: "BG/NBD", calibration: "1997-01-01 – 1997-09-30", holdout: "1997-10-01 – 1998-06-30", rows: [
            .init(calibrationPurchases: 0, customers: 10, actual: 0.2, predicted: 0.35),
            .init(calibrationPurchases: 1, orMore: true, customers: 5, actual: 1, predicted: 0.9),
        ])
        data.atRisk[0].predictedValue = 99
        let html = ReportRenderer.html(data)
        #expect(!html.contains("Model not fitted"))
        #expect(html.contains("BG/NBD predicted 8 repeat purchases in the holdout against 7 made (+14%)."))
        #expect(html.contains("predicted value</th>"))
        #expect(html.contains(">1+</text>"))
    }

    @Test("An empty report renders every part as a labelled gap")
    func empty() {
        let html = ReportRenderer.html(ReportData(asOf: "2025-01-01T00:00:00Z"))
        #expect(!html.contains("<svg"))
        let sections = Self.sections(html)
        #expect(sections.count >= 10)
        #expect(sections.allSatisfy { $0.hasPrefix(" gap\"") && $0.contains("<p class=\"takeaway\">") })
        #expect(html.contains("No purchases by this time."))
    }

    @Test("A failed forecast is explained under the chart")
    func failedForecast() throws {
        var data = try Self.sample()
        data.monthlyRevenue = Array(data.monthlyRevenue.prefix(4))
        data.revenueForecast = Result { () throws(AnalysisError) in try Forecast(series: data.monthlyRevenue.map(\.value), holdout: 6, horizon: 6) }
        let html = ReportRenderer.html(data)
        #expect(html.contains("No forecast: a forecast needs at least 3 values"))
    }

    @Test("Inconsistent data is drawn as far as it goes, never a crash")
    func inconsistent() throws {
        var data = try Self.sample()
        data.monthlyRevenue = Array(data.monthlyRevenue.prefix(2))  // the forecast was made from 30 months
        data.rfmGrid = [[1]]
        data.cohorts = CohortRetention(purchaseMonths: [[Self.month(2025, 1)]], through: Self.month(2024, 1))
        data.churnFlags = [FlagCount(flag: "overdue", customers: 2), FlagCount(flag: "detractor", customers: 0)]
        data.holdoutFit = HoldoutFit(model: "BG/NBD", calibration: "c", holdout: "h", rows: [
            .init(calibrationPurchases: 0, customers: 3, actual: .nan, predicted: .infinity),
            .init(calibrationPurchases: 1, customers: 3, actual: 1e300, predicted: -1),
        ])
        data.regionSatisfaction[0].complaintsPer100 = .nan
        let html = ReportRenderer.html(data)
        #expect(html.contains("id=\"revenue\"") && html.contains("id=\"rfm\""))
        #expect(html.components(separatedBy: "<svg ").count > 10)
    }

    @Test("Amounts are shortened to three significant digits without trailing zeros")
    func amounts() throws {
        var data = try Self.sample()
        data.concentration = Result { () throws(AnalysisError) in try RevenueConcentration(revenues: [12_345_678, 50_000]) }
        data.yearOverYear = YearOverYear(sales: [("A", [2024: 40_000, 2025: 50_000]), ("B", [2025: 1_234.5])], year: 2025)
        let html = ReportRenderer.html(data)
        #expect(html.contains("<b>12.4 M</b><span>revenue to date</span>"))
        #expect(html.contains("2025 sales 51.2 k, +28% on 2024;"))
        #expect(html.contains("<td class=\"n\">50 k</td>"))
    }
}
