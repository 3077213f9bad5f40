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
    public var weights: [String: Double] {
        get { weightsByName }
        set {
            weightsByName = newValue
            reasonWeights = Self.reasonWeights(newValue)
        }
    }
    private var weightsByName = ChurnThresholds.defaultWeights
    /// `weights` by reason, in `ChurnReasons.order` (0 for a reason without a weight): the risk
    /// adds these without hashing reason names.
    private(set) var reasonWeights = ChurnThresholds.reasonWeights(ChurnThresholds.defaultWeights)

    private static let defaultWeights: [String: Double] = [
        "overdue": 0.35, "detractor": 0.25, "open_complaint": 0.2, "declining": 0.15, "negative_sentiment": 0.05,
        "low_p_alive": 0.3,
    ]

    private static func reasonWeights(_ weights: [String: Double]) -> [Double] {
        ChurnReasons.order.map { weights[$0.rawValue] ?? 0 }
    }

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

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(overdueFactor, forKey: .overdueFactor)
        try c.encode(overdueFloorDays, forKey: .overdueFloorDays)
        try c.encode(detractorWithinDays, forKey: .detractorWithinDays)
        try c.encode(openComplaintDays, forKey: .openComplaintDays)
        try c.encode(decliningWindowDays, forKey: .decliningWindowDays)
        try c.encode(decliningFraction, forKey: .decliningFraction)
        try c.encode(decliningMinimumPurchaseDays, forKey: .decliningMinimumPurchaseDays)
        try c.encode(negativeSentimentThreshold, forKey: .negativeSentimentThreshold)
        try c.encode(lowPAliveThreshold, forKey: .lowPAliveThreshold)
        try c.encode(weights, forKey: .weights)
    }
}

/// A set of churn flag reasons, one bit per ``ChurnFlag/Reason`` in `allCases` order (`overdue` is
/// bit 0): what ``ChurnRules/raised(_:asOfDay:thresholds:)`` gives and the kept churn list stores.
public struct ChurnReasons: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Every reason, in the order flags are reported in (`allCases` builds a new array each time).
    static let order = ChurnFlag.Reason.allCases

    /// The set holding `reason` alone.
    public init(_ reason: ChurnFlag.Reason) {
        rawValue = 1 << UInt8(Self.order.firstIndex(of: reason)!)
    }

    /// Whether `reason` is in the set.
    public func contains(_ reason: ChurnFlag.Reason) -> Bool { contains(ChurnReasons(reason)) }

    /// The reasons in the set, in `allCases` order (the order flags are reported in).
    public var reasons: [ChurnFlag.Reason] { Self.order.filter(contains) }
}

/// The churn rules, evaluated as of a day.
///
/// ``raised(_:asOfDay:thresholds:)`` is the rules themselves: which flags are raised and the risk,
/// without words. ``evaluate(_:asOfDay:thresholds:)`` adds the evidence of the raised flags.
public enum ChurnRules {
    /// The flags raised for one customer as of `day` and the risk score (0…1): the sum of the
    /// raised flags' weights, added in `allCases` order, capped at 1.
    public static func raised(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> (reasons: ChurnReasons, risk: Double) {
        var reasons: ChurnReasons = []
        if let overdue = overdue(inputs, asOfDay: day, thresholds: t), Double(overdue.since) > overdue.limit {
            reasons.insert(.init(.overdue))
        }
        if let nps = inputs.latestNPS, nps.score <= 6, day - nps.day <= t.detractorWithinDays {
            reasons.insert(.init(.detractor))
        }
        if let oldest = inputs.openComplaintDays.min(), day - oldest > t.openComplaintDays {
            reasons.insert(.init(.openComplaint))
        }
        if isDeclining(inputs, asOfDay: day, thresholds: t) { reasons.insert(.init(.declining)) }
        if let sentiment = inputs.meanSentiment, sentiment < t.negativeSentimentThreshold {
            reasons.insert(.init(.negativeSentiment))
        }
        if let alive = inputs.probabilityAlive, alive < t.lowPAliveThreshold {
            reasons.insert(.init(.lowPAlive))
        }
        var risk = 0.0
        for (index, weight) in t.reasonWeights.enumerated() where reasons.rawValue & (1 << index) != 0 { risk += weight }
        return (reasons, min(1, risk))
    }

    /// The flags raised for one customer as of `day`, with their evidence, and the risk score
    /// (0…1); the flags are those of ``raised(_:asOfDay:thresholds:)``.
    public static func evaluate(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> (flags: [ChurnFlag], risk: Double) {
        let (reasons, risk) = raised(inputs, asOfDay: day, thresholds: t)
        let flags = reasons.reasons.map { reason in
            ChurnFlag(reason: reason, evidence: evidence(of: reason, inputs, asOfDay: day, thresholds: t))
        }
        return (flags, risk)
    }

    /// The days after `lastDay` on which ``raised(_:asOfDay:thresholds:)`` may change for these
    /// inputs, given that they stay as they are (no event after `lastDay`, the customer's latest
    /// event day) and leaving `probabilityAlive` aside (it depends on the day through the model;
    /// the caller finds where it crosses the threshold). Between two of these days, and from the
    /// last one on, the raised flags and the risk stay the same. Unsorted, possibly repeated.
    ///
    /// - overdue turns on at the last purchase day + ⌊limit⌋ + 1 and stays on;
    /// - detractor turns off at the NPS day + `detractorWithinDays` + 1;
    /// - open_complaint turns on at the oldest opening day + `openComplaintDays` + 1;
    /// - declining's windows change when a purchase day leaves the last window (day + window) and
    ///   the one before (day + 2 × window);
    /// - negative_sentiment depends on no day.
    public static func changeDays(_ inputs: ChurnInputs, after lastDay: Int, thresholds t: ChurnThresholds) -> [Int] {
        var days: [Int] = []
        func add(_ a: Int, _ b: Int, _ c: Int) {
            let (sum, overflow) = a.addingReportingOverflow(b)
            let (day, overflowAgain) = sum.addingReportingOverflow(c)
            if !overflow, !overflowAgain, day > lastDay { days.append(day) }
        }
        if let overdue = overdue(inputs, asOfDay: lastDay, thresholds: t), let last = inputs.purchaseDays.last,
           let whole = Int(exactly: overdue.limit.rounded(.down)) {
            add(last, whole, 1)
        }
        if let nps = inputs.latestNPS { add(nps.day, t.detractorWithinDays, 1) }
        if let oldest = inputs.openComplaintDays.min() { add(oldest, t.openComplaintDays, 1) }
        let window = t.decliningWindowDays
        // Days that left both windows before `lastDay` change nothing.
        let first = window >= 0 ? firstIndex(in: inputs.purchaseDays, after: lastDay - 2 * window) : 0
        for purchaseDay in inputs.purchaseDays[first...] {
            add(purchaseDay, window, 0)
            add(purchaseDay, window, window)
        }
        return days
    }

    /// Days since the last purchase, the customer's own cycle and the overdue limit in days.
    private static func overdue(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> (since: Int, cycle: Double?, limit: Double)? {
        let days = inputs.purchaseDays
        guard let last = days.last else { return nil }
        let cycle = days.count >= 2 ? Double(last - days[0]) / Double(days.count - 1) : nil
        return (day - last, cycle, max(Double(t.overdueFloorDays), (cycle ?? 0) * t.overdueFactor))
    }

    /// Purchase days and spend in the last `decliningWindowDays` up to `day` and in the window before.
    private static func windows(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> (recentDays: Int, recentSpend: Double, previousDays: Int, previousSpend: Double) {
        let (previous, recent) = windowIndexes(inputs, asOfDay: day, thresholds: t)
        return (recent.count, spend(inputs, recent), previous.count, spend(inputs, previous))
    }

    /// Whether the last window fell below `decliningFraction` of the one before, in purchase days
    /// or in spend; the spend is summed only when the counts do not decide.
    private static func isDeclining(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> Bool {
        let (previous, recent) = windowIndexes(inputs, asOfDay: day, thresholds: t)
        guard previous.count >= t.decliningMinimumPurchaseDays else { return false }
        if Double(recent.count) < t.decliningFraction * Double(previous.count) { return true }
        return spend(inputs, recent) < t.decliningFraction * spend(inputs, previous)
    }

    /// The indexes of the purchase days in the window before the last one and in the last one
    /// (`decliningWindowDays` each, ending on `day`), found by binary search in the ascending
    /// days; both empty for a window of 0 days or less.
    private static func windowIndexes(_ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> (previous: Range<Int>, recent: Range<Int>) {
        let window = max(0, t.decliningWindowDays)
        let previousStart = firstIndex(in: inputs.purchaseDays, after: day - 2 * window)
        let recentStart = firstIndex(in: inputs.purchaseDays, after: day - window)
        return (previousStart..<recentStart, recentStart..<firstIndex(in: inputs.purchaseDays, after: day))
    }

    /// The spend of the purchase days at `indexes`, added in ascending order.
    private static func spend(_ inputs: ChurnInputs, _ indexes: Range<Int>) -> Double {
        indexes.reduce(0) { $0 + inputs.purchaseSpend[$1] }
    }

    /// The index of the first of the ascending `days` after `day` (`days.count` if none is).
    private static func firstIndex(in days: [Int], after day: Int) -> Int {
        var low = 0, high = days.count
        while low < high {
            let middle = (low + high) / 2
            if days[middle] <= day { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The evidence of a raised flag, in words.
    private static func evidence(of reason: ChurnFlag.Reason, _ inputs: ChurnInputs, asOfDay day: Int, thresholds t: ChurnThresholds) -> String {
        switch reason {
        case .overdue:
            guard let overdue = overdue(inputs, asOfDay: day, thresholds: t) else { return "" }
            let basis = overdue.cycle.map { "\(format($0)) days per purchase, × \(format(t.overdueFactor))" } ?? "a single purchase day"
            return "\(overdue.since) days since the last purchase; limit \(format(overdue.limit)) days (\(basis))"
        case .detractor:
            guard let nps = inputs.latestNPS else { return "" }
            return "NPS \(nps.score) given \(day - nps.day) days ago"
        case .openComplaint:
            guard let oldest = inputs.openComplaintDays.min() else { return "" }
            return "\(inputs.openComplaintDays.count) open complaint(s), the oldest open for \(day - oldest) days"
        case .declining:
            let w = windows(inputs, asOfDay: day, thresholds: t)
            let window = t.decliningWindowDays
            return "\(w.recentDays) purchase days and \(format(w.recentSpend)) spent in the last \(window) days, against \(w.previousDays) and \(format(w.previousSpend)) in the \(window) before"
        case .negativeSentiment:
            return "mean mention sentiment \(format(inputs.meanSentiment ?? 0)) below \(format(t.negativeSentimentThreshold))"
        case .lowPAlive:
            return "P(alive) \(format(inputs.probabilityAlive ?? 0)) below \(format(t.lowPAliveThreshold)) (BG/NBD)"
        }
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
