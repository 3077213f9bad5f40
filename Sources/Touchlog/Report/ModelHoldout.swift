import TouchlogAnalytics
import TouchlogReport

/// How well the stored model has predicted what happened since it was fitted: each customer who
/// had bought by the model's as-of day is summarised then (calibration, in the model's period),
/// and their repeat purchase periods after it, up to the end of the data, are the holdout.
struct ModelHoldout {
    let model: FittedModel
    let calibrationEndDay: Int
    /// Per calibration buyer: the pattern, and the purchases after the calibration end.
    private var customers: [(pattern: PurchasePattern, later: [DailySpend])] = []

    init(model: FittedModel) {
        self.model = model
        calibrationEndDay = Timestamp.day(of: model.asOf)
    }

    /// Takes one customer's purchases (those up to the report's as-of day).
    mutating func add(_ days: [DailySpend]) {
        guard let summary = PurchaseSummaries.summarize(days, asOfDay: calibrationEndDay, period: model.period),
              let pattern = try? PurchasePattern(summary)
        else { return }
        customers.append((pattern, days.filter { $0.day > calibrationEndDay }))
    }

    /// The predicted against actual repeat purchases from the calibration end through `endDay`,
    /// or why there is none.
    func fit(throughDay endDay: Int) -> Result<HoldoutFit, AnalysisError> {
        func day(_ day: Int) -> String { String(Timestamp(microseconds: Int64(day) * 86_400_000_000).rfc3339.prefix(10)) }
        guard endDay > calibrationEndDay else {
            return .failure(AnalysisError("the stored model was fitted as of \(day(calibrationEndDay)), and the purchases by this time end there"))
        }
        let counted = customers.map { ($0.pattern, model.period.holdoutPurchases($0.later, afterDay: calibrationEndDay, throughDay: endDay)) }
        do {
            let evaluation = try HoldoutEvaluation(
                model: model.purchases, customers: counted, duration: model.period.holdoutLength(fromDay: calibrationEndDay, toDay: endDay)
            )
            return .success(HoldoutFit(
                model: "BG/NBD (\(model.period.name)s)", calibration: "to \(day(calibrationEndDay))",
                holdout: "\(day(calibrationEndDay + 1)) – \(day(endDay))",
                rows: evaluation.groups.filter { $0.customers > 0 }.map {
                    .init(calibrationPurchases: $0.minimumFrequency, orMore: $0.isOpen, customers: $0.customers, actual: $0.meanActual, predicted: $0.meanPredicted)
                }
            ))
        } catch {
            return .failure(AnalysisError(error.message))
        }
    }
}
