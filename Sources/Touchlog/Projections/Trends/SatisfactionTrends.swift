import TouchlogAnalytics
import LMDB

/// How trend rows are bucketed.
public enum TrendBucket: String, Sendable, CaseIterable {
    case day, week, month

    /// The first day of the bucket holding `day` (ISO weeks start on Monday).
    func start(of day: Int) -> Int {
        switch self {
        case .day: return day
        case .week: return day - ((day + 3) % 7 + 7) % 7
        case .month:
            let (year, month, _) = Timestamp.civil(fromDays: Int64(day))
            return Timestamp.daysFromCivil(year: year, month: month, day: 1)
        }
    }

    /// The bucket's label: `2025-03-01`, `2025-W09`, `2025-03`.
    func label(ofStart day: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        switch self {
        case .day:
            let (year, month, dayOfMonth) = Timestamp.civil(fromDays: Int64(day))
            return "\(year)-\(two(month))-\(two(dayOfMonth))"
        case .week:
            let thursday = day + 3
            let year = Timestamp.civil(fromDays: Int64(thursday)).year
            let week = (thursday - Timestamp.daysFromCivil(year: year, month: 1, day: 1)) / 7 + 1
            return "\(year)-W\(two(week))"
        case .month:
            let (year, month, _) = Timestamp.civil(fromDays: Int64(day))
            return "\(year)-\(two(month))"
        }
    }
}

/// One period of the satisfaction trends, for one dimension value.
public struct TrendRow: Sendable, Equatable {
    /// `2025-03-01`, `2025-W09` or `2025-03`.
    public let period: String
    /// Empty for overall rows; the channel, region or segment otherwise.
    public let group: String
    public let counters: TrendCounters
    /// The NPS change against the previous period of the same group that had NPS answers
    /// (`nil` when there is none, or when this period has no NPS answer).
    public let npsChange: Double?
    /// The CSAT mean's change against the previous period of the group with CSAT answers.
    public let csatChange: Double?
    /// The change in complaints opened against the previous period of the group.
    public let complaintsOpenedChange: Int64?

    init(period: String, group: String, counters: TrendCounters, previous: TrendRow?) {
        self.period = period
        self.group = group
        self.counters = counters
        let nps = Self.nps(counters)
        let csat = Self.csatMean(counters)
        npsChange = nps.flatMap { current in (previous?.lastNPS).map { current - $0 } }
        csatChange = csat.flatMap { current in (previous?.lastCSAT).map { current - $0 } }
        complaintsOpenedChange = previous.map { counters.complaintsOpened - $0.counters.complaintsOpened }
        lastNPS = nps ?? previous?.lastNPS
        lastCSAT = csat ?? previous?.lastCSAT
    }

    /// The NPS and CSAT of the latest period up to this one that had answers, for the next change.
    private let lastNPS: Double?
    private let lastCSAT: Double?

    private static func nps(_ c: TrendCounters) -> Double? {
        c.npsAnswers == 0 ? nil : Double(c.promoters - c.detractors) * 100 / Double(c.npsAnswers)
    }

    private static func csatMean(_ c: TrendCounters) -> Double? {
        c.csatAnswers == 0 ? nil : Double(c.csatSum) / Double(c.csatAnswers)
    }

    /// % promoters − % detractors, or `nil` without NPS answers.
    public var nps: Double? { Self.nps(counters) }
    public var csatMean: Double? { Self.csatMean(counters) }
    /// Share of CSAT answers of 4 or 5, in %.
    public var csatSatisfiedShare: Double? {
        counters.csatAnswers == 0 ? nil : Double(counters.csatSatisfied) * 100 / Double(counters.csatAnswers)
    }
    public var cesMean: Double? { counters.cesAnswers == 0 ? nil : Double(counters.cesSum) / Double(counters.cesAnswers) }
    /// The row as one JSON object.
    public func jsonText() -> String {
        func number(_ value: Double?, _ digits: Int) -> String {
            guard let value else { return "null" }
            let scale = pow10(digits)
            return JSONValue.number((value * scale).rounded() / scale).serialized()
        }
        let c = counters
        return "{\"period\":\"\(period)\",\"group\":\(JSONValue.string(group).serialized()),\"surveys\":\(c.surveys),"
            + "\"npsAnswers\":\(c.npsAnswers),\"nps\":\(number(nps, 1)),\"npsChange\":\(number(npsChange, 1)),"
            + "\"csatAnswers\":\(c.csatAnswers),\"csatMean\":\(number(csatMean, 3)),\"csatChange\":\(number(csatChange, 3)),"
            + "\"csatSatisfiedPercent\":\(number(csatSatisfiedShare, 1)),\"cesAnswers\":\(c.cesAnswers),\"cesMean\":\(number(cesMean, 3)),"
            + "\"complaintsOpened\":\(c.complaintsOpened),\"complaintsOpenedChange\":\(complaintsOpenedChange.map(String.init) ?? "null"),"
            + "\"complaintsResolved\":\(c.complaintsResolved),\"meanResolutionHours\":\(number(meanResolutionHours, 2)),"
            + "\"mentions\":\(c.mentions),\"meanSentiment\":\(number(meanSentiment, 3))}"
    }

    private func pow10(_ digits: Int) -> Double { (0..<digits).reduce(1.0) { value, _ in value * 10 } }

    /// Mean hours from opening to resolution of the complaints resolved in the period.
    public var meanResolutionHours: Double? {
        counters.resolutions == 0 ? nil : Double(counters.resolutionMicros) / 3_600_000_000 / Double(counters.resolutions)
    }
    public var meanSentiment: Double? {
        counters.sentimentCount == 0 ? nil : Double(counters.sentimentMicros) / 1e6 / Double(counters.sentimentCount)
    }
}

/// Daily trend counters by group (a channel, region or segment; "" overall), rolled up into rows.
struct TrendTable {
    var days: [String: [Int: TrendCounters]] = [:]

    init() {}

    /// The rows of one dimension among a fold's deltas.
    init(_ fold: TrendsFold, dimension: TrendDimension) {
        for (cell, counters) in fold.deltas where cell.dimension == dimension && counters != TrendCounters() {
            days[cell.value, default: [:]][Int(cell.day), default: TrendCounters()].add(counters)
        }
    }

    /// Rows per bucket and group, in group then period order, for days in [from, to).
    func rows(bucket: TrendBucket, from: Timestamp?, to: Timestamp?, throughDay lastDay: Int? = nil) -> [TrendRow] {
        let firstDay = from.map { Timestamp.day(of: $0) } ?? Int.min
        let endDay = min(to.map { Timestamp.day(of: $0) } ?? Int.max, lastDay.map { $0 + 1 } ?? Int.max)
        var rows: [TrendRow] = []
        for group in days.keys.sorted() {
            var buckets: [Int: TrendCounters] = [:]
            for (day, counters) in days[group]! where day >= firstDay && day < endDay {
                buckets[bucket.start(of: day), default: TrendCounters()].add(counters)
            }
            var previous: TrendRow?
            for start in buckets.keys.sorted() {
                let row = TrendRow(period: bucket.label(ofStart: start), group: group, counters: buckets[start]!, previous: previous)
                rows.append(row)
                previous = row
            }
        }
        return rows
    }
}

extension EventLog {
    /// Satisfaction trends between `from` (inclusive) and `to` (exclusive) by event time, bucketed
    /// by day, ISO week or month, overall or by channel, region or RFM segment, each period with
    /// its change against the previous one, at `horizon`.
    ///
    /// Overall and channel rows come from the trends view (days up to the as-of day; trends are
    /// kept per day, so an as-of time counts its whole day); with a recorded-time limit they come
    /// from a pass over the log's prefix. Region and segment rows need each customer's region
    /// attribute or RFM segment at the horizon (from the views at the present, else a replay),
    /// then a pass over the log, on all cores, that counts each event in its customer's row. Customers with no region count under "(unknown)",
    /// customers with no purchase under "(no purchase)".
    public func satisfactionTrends(
        bucket: TrendBucket, by dimension: TrendDimension = .overall, from: Timestamp? = nil, to: Timestamp? = nil,
        at horizon: Horizon = .present
    ) throws(TouchlogError) -> [TrendRow] {
        let lastDay = horizon.asOf.map { Timestamp.day(of: $0) }
        switch dimension {
        case .overall, .channel:
            guard horizon.limitsRecording else {
                return try trendTableFromView(dimension).rows(bucket: bucket, from: from, to: to, throughDay: lastDay)
            }
            var fold = TrendsFold()
            try foldLog(at: horizon) { try fold.fold($0.event) }
            return TrendTable(fold, dimension: dimension).rows(bucket: bucket, from: from, to: to)
        case .region, .segment:
            return try satisfactionTrends(
                bucket: bucket, by: dimension, groups: try customerGroups(dimension, at: horizon), from: from, to: to, at: horizon
            )
        }
    }

    /// Trend rows that count each event under its customer's group in `groups` (customers not in
    /// it are left out), from one pass over the log at `horizon`, on all cores.
    func satisfactionTrends(
        bucket: TrendBucket, by dimension: TrendDimension, groups: [String: String], from: Timestamp?, to: Timestamp?, at horizon: Horizon
    ) throws(TouchlogError) -> [TrendRow] {
        let grouping: (dimension: TrendDimension, group: @Sendable (String) -> String?) = (dimension, { groups[$0] })
        let (folds, _) = try foldLogByCustomer(at: horizon, makeState: { TrendsFold(grouping: grouping) }) { fold, event in
            try fold.fold(event.event)
        }
        var fold = folds[0]
        for other in folds.dropFirst() { fold.merge(other) }
        return TrendTable(fold, dimension: dimension).rows(bucket: bucket, from: from, to: to)
    }

    /// Each customer's region attribute or RFM segment at `horizon`: from the views at the
    /// present, from a replay otherwise.
    private func customerGroups(_ dimension: TrendDimension, at horizon: Horizon) throws(TouchlogError) -> [String: String] {
        if dimension == .segment {
            return Dictionary(uniqueKeysWithValues: try loyaltyOfAll(at: horizon).map { ($0.customer, $0.rfm?.segment.rawValue ?? "(no purchase)") })
        }
        var groups: [String: String] = [:]
        try forEachProfile(at: horizon) { subject, profile in
            groups[subject] = profile.attribute("region")?.label ?? Distribution.unknownKey
        }
        return groups
    }

    /// The trends view's rows of one dimension.
    private func trendTableFromView(_ dimension: TrendDimension) throws(TouchlogError) -> TrendTable {
        var table = TrendTable()
        try withView("trends") { txn, database in
            try txn.withCursor(database) { cursor in
                var entry = try cursor.first()
                // Day rows, then the complaint states (which sort after every day).
                while let current = entry, !ComplaintState.isKey(current.key) {
                    entry = try cursor.next()
                    guard let key = TrendKey.decode(current.key) else {
                        throw TouchlogError(.corruption, "a trends entry has a damaged key; run `touchlog rebuild trends`")
                    }
                    guard key.dimension == dimension else { continue }
                    table.days[key.value, default: [:]][Int(key.day), default: TrendCounters()].add(try TrendCounters(bytes: current.value, key: current.key))
                }
            }
        }
        return table
    }
}
