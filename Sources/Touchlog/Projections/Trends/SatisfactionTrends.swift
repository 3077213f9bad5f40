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
    /// Empty for overall rows; the channel otherwise.
    public let group: String
    public let counters: TrendCounters
    /// The NPS change against the previous period of the same group that had NPS answers
    /// (`nil` when there is none, or when this period has no NPS answer).
    public let npsChange: Double?

    /// % promoters − % detractors, or `nil` without NPS answers.
    public var nps: Double? {
        counters.npsAnswers == 0 ? nil : Double(counters.promoters - counters.detractors) * 100 / Double(counters.npsAnswers)
    }
    public var csatMean: Double? { counters.csatAnswers == 0 ? nil : Double(counters.csatSum) / Double(counters.csatAnswers) }
    /// Share of CSAT answers of 4 or 5, in %.
    public var csatSatisfiedShare: Double? {
        counters.csatAnswers == 0 ? nil : Double(counters.csatSatisfied) * 100 / Double(counters.csatAnswers)
    }
    public var cesMean: Double? { counters.cesAnswers == 0 ? nil : Double(counters.cesSum) / Double(counters.cesAnswers) }
    public var meanSentiment: Double? {
        counters.sentimentCount == 0 ? nil : Double(counters.sentimentMicros) / 1e6 / Double(counters.sentimentCount)
    }
}

extension EventLog {
    /// Satisfaction trends between `from` (inclusive) and `to` (exclusive) by event time, bucketed
    /// by day, ISO week or month, overall or by channel, each period with its NPS change against
    /// the previous one.
    public func satisfactionTrends(
        bucket: TrendBucket, by dimension: TrendDimension = .overall, from: Timestamp? = nil, to: Timestamp? = nil
    ) throws(TouchlogError) -> [TrendRow] {
        let firstDay = from.map { Timestamp.day(of: $0) } ?? Int(Int32.min)
        let endDay = to.map { Timestamp.day(of: $0) } ?? Int(Int32.max)
        var totals: [String: [Int: TrendCounters]] = [:]
        try withView("trends") { txn, database in
            try txn.withCursor(database) { cursor in
                let start = TrendKey.encode(day: Int32(clamping: firstDay), dimension: .overall, value: "")
                var entry = try start.withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
                while let current = entry, let key = TrendKey.decode(current.key), Int(key.day) < endDay {
                    entry = try cursor.next()
                    guard key.dimension == dimension else { continue }
                    let counters = try TrendCounters(bytes: current.value)
                    totals[key.value, default: [:]][bucket.start(of: Int(key.day)), default: TrendCounters()].add(counters)
                }
            }
        }
        var rows: [TrendRow] = []
        for group in totals.keys.sorted() {
            var previousNPS: Double?
            for start in totals[group]!.keys.sorted() {
                let counters = totals[group]![start]!
                let row = TrendRow(period: bucket.label(ofStart: start), group: group, counters: counters, npsChange: nil)
                let nps = row.nps
                rows.append(TrendRow(
                    period: row.period, group: group, counters: counters,
                    npsChange: nps.flatMap { current in previousNPS.map { current - $0 } }
                ))
                if nps != nil { previousNPS = nps }
            }
        }
        return rows
    }
}
