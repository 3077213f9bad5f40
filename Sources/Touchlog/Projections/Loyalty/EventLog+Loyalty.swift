import LMDB
import TouchlogAnalytics

extension EventLog {
    /// The loyalty of a customer as of `asOf`; see `loyalty(of:at:)`.
    ///
    /// - Returns: `nil` if the customer has no events by then.
    public func loyalty(of subject: String, asOf: Timestamp = .now) throws(TouchlogError) -> CustomerLoyalty? {
        try loyalty(of: subject, at: Horizon(asOf: asOf))
    }

    static func loyalty(
        _ subject: String, _ profile: CustomerProfile, _ summary: PurchaseSummary?, scorer: RFMScorer?, asOf: Timestamp,
        model: FittedModel? = nil
    ) -> CustomerLoyalty {
        let asOfDay = Timestamp.day(of: asOf)
        let rfm = summary.flatMap { summary in
            scorer?.score(recencyDays: Double(asOfDay - summary.lastDay), frequency: Double(summary.frequency), monetary: summary.monetary)
        }
        let latestNPS = profile.latestNPS?.score
        return CustomerLoyalty(
            customer: subject, asOf: asOf, summary: summary, rfm: rfm,
            npsClass: latestNPS.map(NPSClass.init(score:)), latestNPS: latestNPS,
            tenureDays: profile.firstSeen.map { max(0, asOfDay - Timestamp.day(of: $0)) },
            prediction: model.flatMap { $0.prediction(profile.spendByDay, asOfDay: asOfDay) }
        )
    }

    static func summary(of profile: CustomerProfile, asOfDay: Int) -> PurchaseSummary? {
        PurchaseSummaries.summarize(profile.spendByDay, asOfDay: asOfDay)
    }

    /// RFM quintiles over every customer in the profile view with a purchase by `asOfDay`.
    func populationScorer(_ txn: Transaction, _ database: Database, asOfDay: Int) throws -> RFMScorer {
        var population = RFMPopulation(asOfDay: asOfDay)
        try Self.forEachProfile(in: txn, database) { _, profile in population.add(Self.summary(of: profile, asOfDay: asOfDay)) }
        return population.scorer
    }

    /// RFM quintiles over the customers among `profiles` with a purchase by `asOfDay`.
    static func scorer(of profiles: some Sequence<CustomerProfile>, asOfDay: Int) -> RFMScorer {
        var population = RFMPopulation(asOfDay: asOfDay)
        for profile in profiles { population.add(summary(of: profile, asOfDay: asOfDay)) }
        return population.scorer
    }
}

/// The recency, frequency and monetary values of the buyers of a population, as of a day.
private struct RFMPopulation {
    let asOfDay: Int
    var recency: [Double] = [], frequency: [Double] = [], monetary: [Double] = []

    init(asOfDay: Int) { self.asOfDay = asOfDay }

    /// Adds a customer's summary as of `asOfDay` (`nil`: no purchase by then, not a buyer).
    mutating func add(_ summary: PurchaseSummary?) {
        guard let summary else { return }
        recency.append(Double(asOfDay - summary.lastDay))
        frequency.append(Double(summary.frequency))
        monetary.append(summary.monetary)
    }

    var scorer: RFMScorer { RFMScorer(recencyDays: recency, frequency: frequency, monetary: monetary) }
}

extension EventLog {
    /// The loyalty of every customer at `horizon`, ordered by customer id. The present (no as-of
    /// time, no recorded-time limit) comes from the profile view in one snapshot; any other
    /// horizon from a replay of the log, so that only what counted then is seen.
    public func loyaltyOfAll(at horizon: Horizon = .present) throws(TouchlogError) -> [CustomerLoyalty] {
        if !horizon.isPresent { return try replay(at: horizon).loyalty() }
        return try loyaltyOfAllFromView(asOf: .now)
    }

    /// The loyalty of every customer as of `asOf`; see `loyaltyOfAll(at:)`.
    public func loyaltyOfAll(asOf: Timestamp) throws(TouchlogError) -> [CustomerLoyalty] {
        try loyaltyOfAll(at: Horizon(asOf: asOf))
    }

    /// Every profile of the view, evaluated at `asOf`, plus one pass for the RFM population.
    private func loyaltyOfAllFromView(asOf: Timestamp) throws(TouchlogError) -> [CustomerLoyalty] {
        let asOfDay = Timestamp.day(of: asOf)
        return try withView("profile") { txn, database in
            var entries: [(String, CustomerProfile, PurchaseSummary?)] = []
            var population = RFMPopulation(asOfDay: asOfDay)
            try Self.forEachProfile(in: txn, database) { subject, profile in
                let summary = Self.summary(of: profile, asOfDay: asOfDay)
                entries.append((subject, profile, summary))
                population.add(summary)
            }
            let scorer = population.scorer
            let model = try storedModel(in: txn)
            return entries.map { Self.loyalty($0, $1, $2, scorer: scorer, asOf: asOf, model: model) }
        }
    }
}
