import Testing
import Touchlog
import TouchlogAnalytics
import TouchlogReport

/// The report's data gathered from a small hand-checked log.
struct ReportDataTests {
    static func profile(id: String, subject: String, time: String, attributes: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"test/crm","type":"customer.profile_updated","subject":"\#(subject)","time":"\#(time)","data":{"attributes":{\#(attributes)}}}"#
    }

    static let lines = [
        profile(id: "a1", subject: "c1", time: "2024-11-01T00:00:00Z", attributes: #""region":"north","acquisitionSource":"search""#),
        TestEvents.purchase(id: "p1", subject: "c1", time: "2024-11-10T10:00:00Z", amount: 10),
        TestEvents.purchase(id: "p2", subject: "c1", time: "2025-01-05T10:00:00Z", amount: 20),
        TestEvents.purchase(id: "p3", subject: "c1", time: "2025-02-10T10:00:00Z", amount: 30),
        TestEvents.survey(id: "s1", subject: "c1", time: "2025-02-01T10:00:00Z", score: 10),
        profile(id: "a2", subject: "c2", time: "2025-01-01T00:00:00Z", attributes: #""region":"south""#),
        TestEvents.purchase(id: "p4", subject: "c2", time: "2025-01-20T10:00:00Z", amount: 100),
        TestEvents.survey(id: "s2", subject: "c2", time: "2025-01-25T10:00:00Z", score: 3),
        TestEvents.survey(id: "s3", subject: "c3", time: "2025-01-02T10:00:00Z", score: 8),
        profile(id: "a4", subject: "c4", time: "2025-01-01T00:00:00Z", attributes: #""region":"north""#),
        TestEvents.purchase(id: "p5", subject: "c4", time: "2025-03-15T10:00:00Z", amount: 50),
    ]

    static func month(_ year: Int, _ month: Int) -> CalendarMonth { CalendarMonth(year: year, month: month)! }

    @Test func everyPartOfTheReportFollowsFromTheLog() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append(try Self.lines.map { try EventDecoder().decodeValid($0) })
            let asOf = Timestamp(rfc3339: "2025-02-28T12:00:00Z")!
            let data = try log.reportData(asOf: asOf)
            #expect(data.customers == 4 && data.buyers == 2)
            #expect(data.monthlyRevenue.map(\.month) == [Self.month(2024, 11), Self.month(2024, 12), Self.month(2025, 1), Self.month(2025, 2)])
            #expect(data.monthlyRevenue.map(\.value) == [10, 0, 120, 30])
            guard case .success(let forecast)? = data.revenueForecast else { Issue.record("no revenue forecast"); return }
            #expect(forecast.method == .holt && forecast.holdoutActual == [30])

            #expect(data.satisfaction.map(\.month) == [Self.month(2025, 1), Self.month(2025, 2)])
            #expect(data.satisfaction.map(\.nps) == [-50, 100])  // January: 8 (passive) and 3 (detractor)
            #expect(data.regions?.rows.map(\.key) == ["north", "south", Distribution.unknownKey])
            #expect(data.regions?.rows.map(\.revenue) == [60, 100, 0])
            #expect(data.sources?.rows.map(\.key) == ["search", Distribution.unknownKey])
            #expect(data.regionSatisfaction.map(\.region) == ["north", "south"])
            let regionRows = data.regionTrends.map { "\($0.region) \($0.month) \($0.promoters)/\($0.detractors)/\($0.npsAnswers)" }
            #expect(regionRows.sorted() == ["(unknown) 2025-01 0/0/1", "north 2025-02 1/0/1", "south 2025-01 0/1/1"])
            #expect(data.regionSatisfaction.map(\.nps) == [100, -100])
            guard case .success(let concentration)? = data.concentration else { Issue.record("no concentration"); return }
            #expect(concentration.topFifthShare == 0.625)

            let cohorts = try #require(data.cohorts)
            #expect(cohorts.cohorts.map(\.month) == [Self.month(2024, 11), Self.month(2025, 1)])
            #expect(cohorts.cohorts.map(\.active) == [[1, 0, 1, 1], [1, 0]])
            #expect(try log.cohortRetention(asOf: asOf) == cohorts)
            #expect(data.rfmGrid.joined().reduce(0, +) == 2)
            #expect(data.segments.reduce(0) { $0 + $1.customers } == 2)

            let yoy = try #require(data.yearOverYear)
            #expect(yoy.year == 2025 && data.yearOverYearPartial == "through 02-10")
            #expect(yoy.largestGrowth.map(\.customer) == ["c2", "c1"])
            #expect(yoy.totals.map(\.sales) == [10, 150])

            #expect(data.churnFlags.first { $0.flag == "detractor" }?.customers == 1)
            #expect(data.atRisk.count == data.flaggedCustomers)
            #expect(data.atRisk.contains { $0.customer == "c2" && $0.flags.contains("detractor") && $0.historicalValue == 100 })
            #expect(data.holdoutFit == nil)
            #expect(!data.notes.contains { $0.contains("not over") })
        }
    }

    static func lookup(_ values: [String: Double]) -> (String) -> Double? { { values[$0] } }

    @Test func withAModelTheAtRiskListIsOrderedByPredictedValue() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append(try Self.lines.map { try EventDecoder().decodeValid($0) })
            let asOf = Timestamp(rfc3339: "2025-06-30T00:00:00Z")!
            let byRisk = try log.reportData(asOf: asOf)
            #expect(byRisk.atRisk.allSatisfy { $0.predictedValue == nil })
            let values = ["c1": 5.0, "c2": 1.0, "c4": 9.0]
            let byValue = try log.reportData(asOf: asOf, atRiskLimit: 2, predictedValue: Self.lookup(values))
            let flagged = Set(byRisk.atRisk.map(\.customer))
            let expected = values.filter { flagged.contains($0.key) }.sorted { $0.value > $1.value }.prefix(2)
            #expect(expected.count == 2)
            #expect(byValue.atRisk.map(\.customer) == expected.map(\.key))
            #expect(byValue.atRisk.map(\.predictedValue) == expected.map(\.value))
        }
    }

    static func model(asOf: String) throws -> FittedModel {
        FittedModel(
            asOf: Timestamp(rfc3339: asOf)!, fittedAt: .now, period: .day, purchases: try BetaGeoModel(r: 0.24, alpha: 4.4, a: 0.79, b: 2.43),
            purchaseCustomers: 2, purchaseLogLikelihood: 0, spend: try GammaGammaModel(p: 6.1, q: 3.4, v: 15), spendCustomers: 1, spendLogLikelihood: 0
        )
    }

    @Test func aStoredModelGivesTheHoldoutFitAndThePredictedValues() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append(try Self.lines.map { try EventDecoder().decodeValid($0) })
            try log.storeModel(try Self.model(asOf: "2025-01-31T23:59:59Z"))
            let data = try log.reportData(asOf: Timestamp(rfc3339: "2025-06-30T00:00:00Z")!)
            // Calibration buyers by 2025-01-31: c1 (2 purchase days, frequency 1) and c2 (frequency 0);
            // the holdout runs to the last purchase (c4, 2025-03-15): c1 bought once more, c2 not.
            let fit = try #require(data.holdoutFit)
            #expect(fit.holdout == "2025-02-01 – 2025-03-15")
            #expect(fit.rows.map(\.calibrationPurchases) == [0, 1])
            #expect(fit.rows.map(\.customers) == [1, 1])
            #expect(fit.rows.map(\.actual) == [0, 1])
            #expect(fit.rows.allSatisfy { $0.predicted > 0 && $0.predicted < 2 })
            let buyers = data.atRisk.filter { ["c1", "c2", "c4"].contains($0.customer) }
            #expect(!buyers.isEmpty && buyers.allSatisfy { $0.predictedValue != nil })
            let values = data.atRisk.map { $0.predictedValue ?? -1 }
            #expect(values == values.sorted(by: >))
            #expect(data.churnFlags.contains { $0.flag == "low_p_alive" })

            // A model fitted after the last purchase has nothing to compare with yet.
            try log.storeModel(try Self.model(asOf: "2025-05-31T23:59:59Z"))
            let later = try log.reportData(asOf: Timestamp(rfc3339: "2025-06-30T00:00:00Z")!)
            #expect(later.holdoutFit == nil)
            #expect(later.holdoutNote == "No holdout to compare: the stored model was fitted as of 2025-05-31, and the purchases by this time end there.")
        }
    }

    @Test func aMonthStillRunningIsLeftOutOfTheMonthlySeries() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append(try Self.lines.map { try EventDecoder().decodeValid($0) })
            let data = try log.reportData(asOf: Timestamp(rfc3339: "2025-02-15T00:00:00Z")!)
            #expect(data.monthlyRevenue.last?.month == Self.month(2025, 1))
            #expect(data.satisfaction.last?.month == Self.month(2025, 1))
            #expect(data.notes.contains { $0.contains("2025-02 was not over") })
            #expect(data.cohorts?.through == Self.month(2025, 1))
        }
    }

    @Test func anEmptyLogGivesAnEmptyReport() throws {
        try withTemporaryLog { log, _ in
            let data = try log.reportData(asOf: Timestamp(rfc3339: "2025-02-15T00:00:00Z")!)
            #expect(data.customers == 0 && data.buyers == 0 && data.monthlyRevenue.isEmpty && data.concentration == nil)
            #expect(data.cohorts?.cohorts.isEmpty == true && data.yearOverYear == nil)
            #expect(ReportRenderer.html(data).contains("No purchases by this time."))
        }
    }
}
