/// What the churn rules look at for one customer, as of the evaluation day (all days are UTC
/// calendar days since 1970-01-01).
public struct ChurnInputs: Sendable, Equatable {
    /// Distinct purchase days up to the evaluation day, ascending.
    public var purchaseDays: [Int]
    /// Spend on those days, in the same order.
    public var purchaseSpend: [Double]
    /// The latest NPS score by then and its day.
    public var latestNPS: (score: Int, day: Int)?
    /// Opening days of the complaints still open at the evaluation day.
    public var openComplaintDays: [Int]
    /// Mean sentiment of the customer's mentions, if any carried one.
    public var meanSentiment: Double?
    /// P(alive) from a fitted purchase model (BG/NBD) at the evaluation day, if a model exists.
    public var probabilityAlive: Double?

    public init(
        purchaseDays: [Int], purchaseSpend: [Double], latestNPS: (score: Int, day: Int)?,
        openComplaintDays: [Int], meanSentiment: Double?, probabilityAlive: Double? = nil
    ) {
        self.purchaseDays = purchaseDays
        self.purchaseSpend = purchaseSpend
        self.latestNPS = latestNPS
        self.openComplaintDays = openComplaintDays
        self.meanSentiment = meanSentiment
        self.probabilityAlive = probabilityAlive
    }

    public static func == (a: ChurnInputs, b: ChurnInputs) -> Bool {
        a.purchaseDays == b.purchaseDays && a.purchaseSpend == b.purchaseSpend
            && a.latestNPS?.score == b.latestNPS?.score && a.latestNPS?.day == b.latestNPS?.day
            && a.openComplaintDays == b.openComplaintDays && a.meanSentiment == b.meanSentiment
            && a.probabilityAlive == b.probabilityAlive
    }
}

/// A raised churn flag: its reason code and the evidence behind it, in words.
public struct ChurnFlag: Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        case overdue, detractor, openComplaint = "open_complaint", declining, negativeSentiment = "negative_sentiment"
        case lowPAlive = "low_p_alive"
    }

    public var reason: Reason
    public var evidence: String
}

/// Churn thresholds. Every field has a documented default; a configuration file may override any.
///
/// | key | default | meaning |
/// | --- | --- | --- |
/// | `overdueFactor` | 2.0 | overdue when days since the last purchase exceed this × the customer's own purchase cycle |
/// | `overdueFloorDays` | 90 | …and always more than this many days (the whole rule for one-purchase-day customers) |
/// | `detractorWithinDays` | 90 | detractor when the latest NPS (0–6) was given within this many days |
/// | `openComplaintDays` | 14 | open_complaint when a complaint has been open longer than this |
/// | `decliningWindowDays` | 90 | declining compares the last window with the one before |
/// | `decliningFraction` | 0.5 | …and flags purchase days or spend below this fraction of the window before |
/// | `decliningMinimumPurchaseDays` | 2 | …when the window before had at least this many purchase days |
/// | `negativeSentimentThreshold` | −0.2 | negative_sentiment when the mean mention sentiment is below this |
/// | `lowPAliveThreshold` | 0.3 | low_p_alive when the fitted BG/NBD model gives P(alive) below this (only when a model is stored) |
/// | `weights` | overdue 0.35, detractor 0.25, open_complaint 0.2, declining 0.15, negative_sentiment 0.05, low_p_alive 0.3 | the risk score is the sum of the raised flags' weights, capped at 1 |
public struct ChurnThresholds: Sendable, Equatable, Codable {
    public var overdueFactor = 2.0
    public var overdueFloorDays = 90
    public var detractorWithinDays = 90
    public var openComplaintDays = 14
    public var decliningWindowDays = 90
    public var decliningFraction = 0.5
    public var decliningMinimumPurchaseDays = 2
    public var negativeSentimentThreshold = -0.2
    public var lowPAliveThreshold = 0.3
    public var weights: [String: Double] = [
        "overdue": 0.35, "detractor": 0.25, "open_complaint": 0.2, "declining": 0.15, "negative_sentiment": 0.05,
        "low_p_alive": 0.3,
    ]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case overdueFactor, overdueFloorDays, detractorWithinDays, openComplaintDays, decliningWindowDays
        case decliningFraction, decliningMinimumPurchaseDays, negativeSentimentThreshold, lowPAliveThreshold, weights
    }

    /// Reads a configuration where every key is optional; missing keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ChurnThresholds()
        overdueFactor = try c.decodeIfPresent(Double.self, forKey: .overdueFactor) ?? d.overdueFactor
        overdueFloorDays = try c.decodeIfPresent(Int.self, forKey: .overdueFloorDays) ?? d.overdueFloorDays
        detractorWithinDays = try c.decodeIfPresent(Int.self, forKey: .detractorWithinDays) ?? d.detractorWithinDays
        openComplaintDays = try c.decodeIfPresent(Int.self, forKey: .openComplaintDays) ?? d.openComplaintDays
        decliningWindowDays = try c.decodeIfPresent(Int.self, forKey: .decliningWindowDays) ?? d.decliningWindowDays
        decliningFraction = try c.decodeIfPresent(Double.self, forKey: .decliningFraction) ?? d.decliningFraction
        decliningMinimumPurchaseDays = try c.decodeIfPresent(Int.self, forKey: .decliningMinimumPurchaseDays) ?? d.decliningMinimumPurchaseDays
        negativeSentimentThreshold = try c.decodeIfPresent(Double.self, forKey: .negativeSentimentThreshold) ?? d.negativeSentimentThreshold
        lowPAliveThreshold = try c.decodeIfPresent(Double.self, forKey: .lowPAliveThreshold) ?? d.lowPAliveThreshold
        weights = d.weights.merging(try c.decodeIfPresent([String: Double].self, forKey: .weights) ?? [:]) { $1 }
    }
}

/// The churn rules, evaluated as of a day.
public enum ChurnRules {
    /// The flags raised for one customer as of `day`, and the risk score (0…1).
    public static func evaluate(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> (flags: [ChurnFlag], risk: Double) {
        var flags: [ChurnFlag] = []
        let days = inputs.purchaseDays
        if let last = days.last {
            let since = day - last
            let cycle = days.count >= 2 ? Double(last - days[0]) / Double(days.count - 1) : nil
            let limit = max(Double(t.overdueFloorDays), (cycle ?? 0) * t.overdueFactor)
            if Double(since) > limit {
                let basis = cycle.map { "\(format($0)) days per purchase, × \(format(t.overdueFactor))" } ?? "a single purchase day"
                flags.append(ChurnFlag(reason: .overdue, evidence: "\(since) days since the last purchase; limit \(format(limit)) days (\(basis))"))
            }
        }
        if let nps = inputs.latestNPS, nps.score <= 6, day - nps.day <= t.detractorWithinDays {
            flags.append(ChurnFlag(reason: .detractor, evidence: "NPS \(nps.score) given \(day - nps.day) days ago"))
        }
        if let oldest = inputs.openComplaintDays.min(), day - oldest > t.openComplaintDays {
            flags.append(ChurnFlag(reason: .openComplaint, evidence: "\(inputs.openComplaintDays.count) open complaint(s), the oldest open for \(day - oldest) days"))
        }
        let window = t.decliningWindowDays
        var recentDays = 0, previousDays = 0, recentSpend = 0.0, previousSpend = 0.0
        for (index, purchaseDay) in days.enumerated() {
            if purchaseDay > day - window && purchaseDay <= day {
                recentDays += 1
                recentSpend += inputs.purchaseSpend[index]
            } else if purchaseDay > day - 2 * window && purchaseDay <= day - window {
                previousDays += 1
                previousSpend += inputs.purchaseSpend[index]
            }
        }
        if previousDays >= t.decliningMinimumPurchaseDays,
           Double(recentDays) < t.decliningFraction * Double(previousDays) || recentSpend < t.decliningFraction * previousSpend {
            flags.append(ChurnFlag(
                reason: .declining,
                evidence: "\(recentDays) purchase days and \(format(recentSpend)) spent in the last \(window) days, against \(previousDays) and \(format(previousSpend)) in the \(window) before"
            ))
        }
        if let sentiment = inputs.meanSentiment, sentiment < t.negativeSentimentThreshold {
            flags.append(ChurnFlag(reason: .negativeSentiment, evidence: "mean mention sentiment \(format(sentiment)) below \(format(t.negativeSentimentThreshold))"))
        }
        if let alive = inputs.probabilityAlive, alive < t.lowPAliveThreshold {
            flags.append(ChurnFlag(reason: .lowPAlive, evidence: "P(alive) \(format(alive)) below \(format(t.lowPAliveThreshold)) (BG/NBD)"))
        }
        let risk = min(1, flags.reduce(0) { $0 + (t.weights[$1.reason.rawValue] ?? 0) })
        return (flags, risk)
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
