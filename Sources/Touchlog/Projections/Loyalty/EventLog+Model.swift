import LMDB
import TouchlogAnalytics

extension EventLog {
    /// Fits the BG/NBD and Gamma-Gamma models on every customer's purchase summary as of `asOf`
    /// (those who had bought by then), in `period` units, and evaluates the fit against the
    /// purchases made after `asOf` up to `holdoutEnd`. Stores nothing: see ``storeModel(_:)``.
    ///
    /// - Parameters:
    ///   - clvMonths, clvMonthlyDiscountRate: the CLV horizon and rate of the per-customer values
    ///     (`lifetimes`' defaults: 12 months at 1%).
    /// - Throws: `TouchlogError` `.invalidArgument` (its cause a `ModelFitError`) when the data
    ///   cannot be fitted or the fit does not converge; storage errors as usual.
    public func fitModel(
        asOf: Timestamp, period: PurchasePeriod = .calendarWeek, holdoutEnd: Timestamp? = nil,
        clvMonths: Int = 12, clvMonthlyDiscountRate: Double = 0.01
    ) throws(TouchlogError) -> ModelFitReport {
        let asOfDay = Timestamp.day(of: asOf)
        let holdoutEndDay = holdoutEnd.map(Timestamp.day(of:))
        if let holdoutEndDay, holdoutEndDay <= asOfDay {
            throw TouchlogError(.invalidArgument, "the holdout end \(holdoutEnd?.rfc3339 ?? "") must be after the as-of day \(asOf.rfc3339)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var rows: [(customer: String, summary: PurchaseSummary, pattern: PurchasePattern, holdout: Int)] = []
        try withView("profile") { txn, database in
            try Self.forEachProfile(in: txn, database) { subject, profile in
                let days = profile.spendByDay
                guard let summary = PurchaseSummaries.summarize(days, asOfDay: asOfDay, period: period) else { return }
                let holdout = holdoutEndDay.map { period.holdoutPurchases(days, afterDay: asOfDay, throughDay: $0) } ?? 0
                rows.append((subject, summary, try PurchasePattern(summary), holdout))
            }
        }
        let summarized = clock.now
        do {
            let purchaseFit = try BetaGeoModel.fit(rows.map(\.pattern))
            let purchaseFitted = clock.now
            let repeatBuyers = rows.filter { $0.summary.frequency > 0 && $0.summary.monetary > 0 }
            var spendFit: GammaGammaFit?
            var spendFailure: String?
            do {
                spendFit = try GammaGammaModel.fit(repeatBuyers.map { ($0.summary.frequency, $0.summary.monetary) })
            } catch {
                spendFailure = error.message
            }
            let spendFitted = clock.now
            let holdoutLength = holdoutEndDay.map { period.holdoutLength(fromDay: asOfDay, toDay: $0) }
            let holdout = try holdoutLength.map { length throws(ModelFitError) in
                try HoldoutEvaluation(model: purchaseFit.model, customers: rows.map { ($0.pattern, $0.holdout) }, duration: length)
            }
            let predictionPeriods = holdoutLength ?? 12 * period.periodsPerMonth
            let model = FittedModel(
                asOf: asOf, fittedAt: .now, period: period, purchases: purchaseFit.model, purchaseCustomers: purchaseFit.customers,
                purchaseLogLikelihood: purchaseFit.logLikelihood, spend: spendFit?.model, spendCustomers: spendFit?.customers ?? 0,
                spendLogLikelihood: spendFit?.logLikelihood ?? 0)
            let customers = rows.map { row in
                ModelFitReport.Customer(
                    customer: row.customer, summary: row.summary, pattern: row.pattern, holdoutPurchases: row.holdout,
                    probabilityAlive: model.purchases.probabilityAlive(row.pattern),
                    expectedPurchases: model.purchases.expectedPurchases(next: predictionPeriods, given: row.pattern),
                    lifetimeValue: model.lifetimeValue(row.pattern, monetary: row.summary.monetary, months: clvMonths, monthlyDiscountRate: clvMonthlyDiscountRate))
            }
            return ModelFitReport(
                model: model, purchaseFit: purchaseFit, spendFit: spendFit, spendFailure: spendFailure, holdoutEnd: holdoutEnd,
                holdout: holdout, predictionPeriods: predictionPeriods, clvMonths: clvMonths, clvMonthlyDiscountRate: clvMonthlyDiscountRate,
                customers: customers, summarySeconds: Self.seconds(summarized - started),
                purchaseFitSeconds: Self.seconds(purchaseFitted - summarized), spendFitSeconds: Self.seconds(spendFitted - purchaseFitted))
        } catch {
            throw TouchlogError(.invalidArgument, "cannot fit the models as of \(asOf.rfc3339): \(error.message)", cause: error)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Stores `model` as the database's fitted model, replacing any earlier one, and recomputes
    /// the kept churn list with it (its `low_p_alive` flags), in the same transaction.
    public func storeModel(_ model: FittedModel) throws(TouchlogError) {
        try storeChurnSetting(model.encoded, under: FittedModel.key, while: "storing the fitted model")
    }

    /// The stored fitted model, or `nil` if none was ever stored.
    public func storedModel() throws(TouchlogError) -> FittedModel? {
        try withSnapshot("reading the fitted model") { txn in try storedModel(in: txn) }
    }

    /// The stored fitted model in a transaction's snapshot.
    func storedModel(in txn: Transaction) throws -> FittedModel? {
        try txn.get(meta, key: FittedModel.key).map { bytes throws in try FittedModel(encoded: bytes) }
    }

    /// One customer's predictions from the stored model, as of `asOf` (default: the model's
    /// as-of time): the summary in the model's period, P(alive), expected purchases in the next
    /// `periods` periods (default: the CLV horizon, `months` × 30 days or 4.345 weeks) and the CLV
    /// over `months` at `monthlyDiscountRate`.
    ///
    /// - Returns: `nil` if the customer has no events.
    /// - Throws: `TouchlogError` `.notFound` when no model is stored.
    public func customerValue(
        of subject: String, asOf: Timestamp? = nil, periods: Double? = nil, months: Int = 12, monthlyDiscountRate: Double = 0.01
    ) throws(TouchlogError) -> CustomerValue? {
        guard let model = try storedModel() else {
            throw TouchlogError(.notFound, "no model; run touchlog model fit")
        }
        guard months >= 0, monthlyDiscountRate > -1, monthlyDiscountRate.isFinite else {
            throw TouchlogError(.invalidArgument, "the CLV horizon must be 0 or more months and the discount rate above −1")
        }
        let time = asOf ?? model.asOf
        guard let profile = try profile(of: subject) else { return nil }
        let days = profile.spendByDay
        let horizon = periods ?? Double(months) * model.period.periodsPerMonth
        guard let summary = PurchaseSummaries.summarize(days, asOfDay: Timestamp.day(of: time), period: model.period) else {
            return CustomerValue(customer: subject, asOf: time, model: model, summary: nil, probabilityAlive: nil, expectedPurchases: nil,
                                 predictionPeriods: horizon, expectedAverageSpend: nil, lifetimeValue: nil, clvMonths: months, clvMonthlyDiscountRate: monthlyDiscountRate)
        }
        let pattern: PurchasePattern
        do {
            pattern = try PurchasePattern(summary)
        } catch {
            throw TouchlogError(.corruption, "the purchase summary of \(subject) is inconsistent: \(error.message)")
        }
        return CustomerValue(
            customer: subject, asOf: time, model: model, summary: summary, probabilityAlive: model.purchases.probabilityAlive(pattern),
            expectedPurchases: model.purchases.expectedPurchases(next: horizon, given: pattern), predictionPeriods: horizon,
            expectedAverageSpend: model.spend?.expectedAverageSpend(frequency: summary.frequency, monetary: summary.monetary),
            lifetimeValue: model.lifetimeValue(pattern, monetary: summary.monetary, months: months, monthlyDiscountRate: monthlyDiscountRate),
            clvMonths: months, clvMonthlyDiscountRate: monthlyDiscountRate)
    }
}

extension FittedModel {
    /// The CLV of a customer with this pattern and mean repeat spend, or `nil` without a spend
    /// model.
    public func lifetimeValue(_ pattern: PurchasePattern, monetary: Double, months: Int, monthlyDiscountRate: Double) -> Double? {
        spend.map { spend in
            CustomerLifetimeValue.value(
                purchases: purchases, spend: spend, pattern: pattern, monetary: monetary, months: months,
                monthlyDiscountRate: monthlyDiscountRate, periodsPerMonth: period.periodsPerMonth)
        }
    }
}
