import LMDB
import TouchlogAnalytics

extension EventLog {
    /// The loyalty of a customer as of `asOf`, from the profile view: the customer's purchase days
    /// up to that day, scored against the population of customers who had bought by then. Reads
    /// every profile once (for the RFM quintiles), all in one snapshot.
    ///
    /// - Returns: `nil` if the customer has no events.
    public func loyalty(of subject: String, asOf: Timestamp = .now) throws(TouchlogError) -> CustomerLoyalty? {
        let asOfDay = Timestamp.day(of: asOf)
        return try withView("profile") { txn, database in
            guard let bytes = try txn.get(database, key: Array(subject.utf8)) else { return nil }
            let profile = try CustomerProfile(encoded: bytes)
            let summary = Self.summary(of: profile, asOfDay: asOfDay)
            let scorer = summary == nil ? nil : try populationScorer(txn, database, asOfDay: asOfDay)
            return Self.loyalty(subject, profile, summary, scorer: scorer, asOf: asOf, model: try storedModel(in: txn))
        }
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
            prediction: model.flatMap { $0.prediction(profile.dailySpend.map { DailySpend(day: Int($0.day), spend: $0.spend) }, asOfDay: asOfDay) }
        )
    }

    static func summary(of profile: CustomerProfile, asOfDay: Int) -> PurchaseSummary? {
        let days = profile.dailySpend.map { DailySpend(day: Int($0.day), spend: $0.spend) }
        return PurchaseSummaries.summarize(days, asOfDay: asOfDay)
    }

    /// RFM quintiles over every customer with a purchase by `asOfDay`.
    private func populationScorer(_ txn: Transaction, _ database: Database, asOfDay: Int) throws -> RFMScorer {
        var recency: [Double] = [], frequency: [Double] = [], monetary: [Double] = []
        try txn.withCursor(database) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                entry = try cursor.next()
                let profile = try CustomerProfile(encoded: current.value)
                guard let summary = Self.summary(of: profile, asOfDay: asOfDay) else { continue }
                recency.append(Double(asOfDay - summary.lastDay))
                frequency.append(Double(summary.frequency))
                monetary.append(summary.monetary)
            }
        }
        return RFMScorer(recencyDays: recency, frequency: frequency, monetary: monetary)
    }
}

extension EventLog {
    /// The loyalty of every customer as of `asOf`, in one snapshot and one pass over the profiles
    /// (plus one for the RFM population), ordered by customer id.
    public func loyaltyOfAll(asOf: Timestamp = .now) throws(TouchlogError) -> [CustomerLoyalty] {
        let asOfDay = Timestamp.day(of: asOf)
        return try withView("profile") { txn, database in
            var entries: [(String, CustomerProfile, PurchaseSummary?)] = []
            try txn.withCursor(database) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    entry = try cursor.next()
                    let profile = try CustomerProfile(encoded: current.value)
                    entries.append((String(decoding: current.key, as: UTF8.self), profile, Self.summary(of: profile, asOfDay: asOfDay)))
                }
            }
            let buyers = entries.compactMap(\.2)
            let scorer = RFMScorer(
                recencyDays: buyers.map { Double(asOfDay - $0.lastDay) }, frequency: buyers.map { Double($0.frequency) },
                monetary: buyers.map(\.monetary)
            )
            let model = try storedModel(in: txn)
            return entries.map { Self.loyalty($0, $1, $2, scorer: scorer, asOf: asOf, model: model) }
        }
    }
}
