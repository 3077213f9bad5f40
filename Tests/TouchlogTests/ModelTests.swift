import Foundation
import Testing
import Touchlog
import TouchlogAnalytics

/// Fitting, storing and reading the purchase and spend models, on the CDNOW excerpt.
struct ModelTests {
    static let asOf = Timestamp(rfc3339: "1997-09-30T00:00:00Z")!
    static let holdoutEnd = Timestamp(rfc3339: "1998-06-30T00:00:00Z")!

    /// Each customer's purchases (day, spend) straight from the fixture file.
    static func purchasesFromFile() throws -> [String: [DailySpend]] {
        let text = try String(contentsOf: CDNOWImportTests.fixtures.appendingPathComponent("CDNOW_master_head.txt"), encoding: .utf8)
        var result: [String: [DailySpend]] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\r" })
            let stamp = try #require(Timestamp(dateOrDateTime: "\(f[1].prefix(4))-\(f[1].dropFirst(4).prefix(2))-\(f[1].suffix(2))"))
            let day = Int(stamp.microseconds / 86_400_000_000)
            result["cdnow-\(f[0])", default: []].append(DailySpend(day: day, spend: try #require(Double(f[3]))))
        }
        return result
    }

    @Test func fitMatchesTheAnalyticsOnDirectSummariesAndCountsTheHoldout() throws {
        try withTemporaryLog { log, _ in
            _ = try CDNOWImportTests().importFile("CDNOW_master_head.txt", into: log)
            let report = try log.fitModel(asOf: Self.asOf, period: .calendarWeek, holdoutEnd: Self.holdoutEnd)

            // The same fit from summaries computed here from the file.
            let asOfDay = Int(Self.asOf.microseconds / 86_400_000_000), endDay = Int(Self.holdoutEnd.microseconds / 86_400_000_000)
            let file = try Self.purchasesFromFile()
            var patterns: [PurchasePattern] = [], holdout = 0
            for (_, days) in file.sorted(by: { $0.key < $1.key }) {
                guard let summary = PurchaseSummaries.summarize(days, asOfDay: asOfDay, period: .calendarWeek) else { continue }
                patterns.append(try PurchasePattern(summary))
                // Distinct Monday–Sunday weeks with a purchase after the as-of day.
                holdout += Set(days.filter { $0.day > asOfDay && $0.day <= endDay }.map { ($0.day + 3).quotientAndRemainder(dividingBy: 7).quotient }).count
            }
            let direct = try BetaGeoModel.fit(patterns)
            #expect(report.model.purchases == direct.model)
            #expect(report.customers.count == patterns.count && report.purchaseFit.customers == patterns.count)
            #expect(report.purchaseFit.optimization.converged)
            let holdoutReport = try #require(report.holdout)
            #expect(holdoutReport.actual == Double(holdout))
            #expect(holdoutReport.duration == 39)
            #expect(report.customers.reduce(0) { $0 + $1.holdoutPurchases } == holdout)
            #expect(report.spendFit != nil && report.model.spend != nil)
            for customer in report.customers.prefix(20) {
                #expect(customer.probabilityAlive == report.model.purchases.probabilityAlive(customer.pattern))
                #expect(customer.expectedPurchases == report.model.purchases.expectedPurchases(next: 39, given: customer.pattern))
            }
        }
    }

    @Test func storedModelRoundTripsAndDrivesCustomerValue() throws {
        try withTemporaryLog { log, _ in
            _ = try CDNOWImportTests().importFile("CDNOW_master_head.txt", into: log)
            #expect(try log.storedModel() == nil)
            do {
                _ = try log.customerValue(of: "cdnow-00003")
                Issue.record("a value without a model")
            } catch let error as TouchlogError {
                #expect(error.code == .notFound && error.message == "no model; run touchlog model fit")
            }
            let report = try log.fitModel(asOf: Self.asOf, period: .calendarWeek)
            try log.storeModel(report.model)
            #expect(try log.storedModel() == report.model)

            let value = try #require(try log.customerValue(of: "cdnow-00003", months: 6, monthlyDiscountRate: 0.02))
            let row = try #require(report.customers.first { $0.customer == "cdnow-00003" })
            #expect(value.asOf == Self.asOf && value.summary == row.summary)
            #expect(value.probabilityAlive == row.probabilityAlive)
            #expect(value.predictionPeriods == 6 * 4.345)
            #expect(value.expectedPurchases == report.model.purchases.expectedPurchases(next: 6 * 4.345, given: row.pattern))
            let spend = try #require(report.model.spend)
            #expect(value.lifetimeValue == CustomerLifetimeValue.value(
                purchases: report.model.purchases, spend: spend, pattern: row.pattern, monetary: row.summary.monetary,
                months: 6, monthlyDiscountRate: 0.02, periodsPerMonth: 4.345))
            // Before the customer's first purchase there is nothing to predict.
            let early = try #require(try log.customerValue(of: "cdnow-00003", asOf: Timestamp(rfc3339: "1996-12-01T00:00:00Z")!))
            #expect(early.summary == nil && early.probabilityAlive == nil && early.lifetimeValue == nil)
            #expect(try log.customerValue(of: "nobody") == nil)

            // A refit replaces the stored model.
            let daily = try log.fitModel(asOf: Self.asOf, period: .day)
            try log.storeModel(daily.model)
            #expect(try log.storedModel()?.period == .day)
        }
    }

    @Test func loyaltyAndChurnCarryThePredictionsOnceAModelIsStored() throws {
        try withTemporaryLog { log, _ in
            _ = try CDNOWImportTests().importFile("CDNOW_master_head.txt", into: log)
            let before = try #require(try log.loyalty(of: "cdnow-00003", asOf: Self.asOf))
            #expect(before.prediction == nil && before.jsonText().contains(#""pAlive":null"#))
            #expect(try log.churnList(asOf: Self.asOf, flag: .lowPAlive, limit: 1000).isEmpty)

            let report = try log.fitModel(asOf: Self.asOf, period: .calendarWeek)
            try log.storeModel(report.model)
            let row = try #require(report.customers.first { $0.customer == "cdnow-00003" })
            let loyalty = try #require(try log.loyalty(of: "cdnow-00003", asOf: Self.asOf))
            let prediction = try #require(loyalty.prediction)
            #expect(prediction.probabilityAlive == row.probabilityAlive && prediction.modelAsOf == Self.asOf)
            #expect(prediction.expectedPurchases == report.model.purchases.expectedPurchases(next: 12 * 4.345, given: row.pattern))
            #expect(prediction.lifetimeValue == row.lifetimeValue)
            #expect(loyalty.textLines().contains { $0.hasPrefix("P(alive)") })
            #expect(try log.loyaltyOfAll(asOf: Self.asOf).first { $0.customer == "cdnow-00003" }?.prediction == prediction)

            // low_p_alive: exactly the customers the fit puts below the threshold.
            let low = Set(report.customers.filter { $0.probabilityAlive < 0.3 }.map(\.customer))
            #expect(!low.isEmpty)
            let flagged = try log.churnList(asOf: Self.asOf, flag: .lowPAlive, limit: 1000)
            #expect(Set(flagged.map(\.customer)) == low)
            let alive = try #require(report.customers.first { $0.summary.frequency == 0 })
            #expect(try log.churn(of: alive.customer, asOf: Self.asOf)?.flags.contains { $0.reason == .lowPAlive } == false)
        }
    }

    @Test func unfittableDataIsAnInvalidArgumentWithTheReason() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append([try EventDecoder().decodeValid(TestEvents.purchase(id: "p1", subject: "c1", time: "2025-01-01T09:00:00Z"))])
            do {
                _ = try log.fitModel(asOf: Timestamp(rfc3339: "2025-03-01T00:00:00Z")!)
                Issue.record("fitted one customer without repeat purchases")
            } catch let error as TouchlogError {
                #expect(error.code == .invalidArgument && error.cause is ModelFitError)
            }
            #expect(throws: TouchlogError.self) {
                try log.fitModel(asOf: Timestamp(rfc3339: "2025-03-01T00:00:00Z")!, holdoutEnd: Timestamp(rfc3339: "2025-02-01T00:00:00Z")!)
            }
        }
    }
}
