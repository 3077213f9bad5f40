/// Predicted against actual repeat purchases in a holdout period after the calibration period,
/// in total and grouped by the number of repeat purchases in calibration (0, 1, …, and an open
/// last group), as `lifetimes`' `plot_calibration_purchases_vs_holdout_purchases` tabulates them.
public struct HoldoutEvaluation: Sendable, Equatable {
    /// Customers with the same calibration frequency (or at least ``minimumFrequency`` for the
    /// open last group).
    public struct Group: Sendable, Equatable {
        /// The calibration frequency of the group, its lower bound for the last one.
        public let minimumFrequency: Int
        /// Whether this is the last group, holding every frequency from ``minimumFrequency`` up.
        public let isOpen: Bool
        public let customers: Int
        /// Repeat purchase periods in the holdout, summed over the group.
        public let actual: Double
        /// E[Y(holdout length)] summed over the group.
        public let predicted: Double

        /// "0", "1", …, "7+".
        public var label: String { isOpen ? "\(minimumFrequency)+" : "\(minimumFrequency)" }
        public var meanActual: Double { customers == 0 ? 0 : actual / Double(customers) }
        public var meanPredicted: Double { customers == 0 ? 0 : predicted / Double(customers) }
    }

    /// The holdout length in periods.
    public let duration: Double
    public let customers: Int
    public let actual: Double
    public let predicted: Double
    public let groups: [Group]

    /// Evaluates `model` on customers' calibration patterns and their holdout repeat purchases.
    ///
    /// - Parameters:
    ///   - customers: Each customer's calibration pattern and the purchase periods counted in the
    ///     holdout (`frequency_holdout`).
    ///   - duration: The holdout length in periods (`duration_holdout`), ≥ 0.
    ///   - openGroupFrom: The first calibration frequency pooled into the last group (7 → 0…6, 7+);
    ///     at least 1.
    /// - Throws: ``ModelFitError`` `.invalidInput` for a negative duration or holdout count.
    public init(
        model: some RepeatPurchaseModel, customers: [(pattern: PurchasePattern, holdoutPurchases: Int)], duration: Double,
        openGroupFrom: Int = 7
    ) throws(ModelFitError) {
        guard duration >= 0, duration.isFinite else { throw ModelFitError(.invalidInput, "the holdout length \(duration) is negative") }
        guard openGroupFrom >= 1 else { throw ModelFitError(.invalidInput, "the open group must start at 1 or more, not \(openGroupFrom)") }
        var counts = [Int](repeating: 0, count: openGroupFrom + 1)
        var actual = [Double](repeating: 0, count: openGroupFrom + 1)
        var predicted = [Double](repeating: 0, count: openGroupFrom + 1)
        var predictionOf: [PurchasePattern: Double] = [:]
        for customer in customers {
            guard customer.holdoutPurchases >= 0 else {
                throw ModelFitError(.invalidInput, "a holdout purchase count is negative (\(customer.holdoutPurchases))")
            }
            let group = min(customer.pattern.frequency, openGroupFrom)
            let prediction = predictionOf[customer.pattern] ?? model.expectedPurchases(next: duration, given: customer.pattern)
            predictionOf[customer.pattern] = prediction
            counts[group] += 1
            actual[group] += Double(customer.holdoutPurchases)
            predicted[group] += prediction
        }
        self.duration = duration
        self.customers = customers.count
        self.actual = actual.reduce(0, +)
        self.predicted = predicted.reduce(0, +)
        groups = (0...openGroupFrom).map {
            Group(minimumFrequency: $0, isOpen: $0 == openGroupFrom, customers: counts[$0], actual: actual[$0], predicted: predicted[$0])
        }
    }
}
