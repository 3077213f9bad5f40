import TouchlogAnalytics

/// Every view as it was at a horizon, folded in memory from the log's events that count then.
public struct Replay: Sendable {
    /// The horizon replayed.
    public let horizon: Horizon
    /// The last position read: the log's prefix at the horizon's recorded time or position.
    public let lastPosition: UInt64
    /// The events of that prefix that counted (the others happened after the as-of time).
    public let eventsFolded: Int
    /// Every customer's profile, by subject.
    public let profiles: [String: CustomerProfile]
    let trends: TrendsFold

    /// The satisfaction trends, overall or by channel, as `EventLog.satisfactionTrends` gives them.
    public func satisfactionTrends(
        bucket: TrendBucket, by dimension: TrendDimension = .overall, from: Timestamp? = nil, to: Timestamp? = nil
    ) -> [TrendRow] {
        TrendTable(trends, dimension: dimension).rows(bucket: bucket, from: from, to: to)
    }

    /// Every customer's loyalty at the horizon's evaluation time, ordered by customer.
    public func loyalty() -> [CustomerLoyalty] {
        let asOf = horizon.evaluationTime
        let asOfDay = Timestamp.day(of: asOf)
        let scorer = EventLog.scorer(of: profiles.values, asOfDay: asOfDay)
        return profiles.keys.sorted().map { subject in
            let profile = profiles[subject]!
            return EventLog.loyalty(subject, profile, EventLog.summary(of: profile, asOfDay: asOfDay), scorer: scorer, asOf: asOf)
        }
    }

    /// Every customer's churn evaluation at the horizon's evaluation time, flagged or not, ordered by customer.
    public func churn(thresholds: ChurnThresholds = ChurnThresholds()) -> [CustomerChurn] {
        profiles.keys.sorted().map { EventLog.churn(of: $0, profiles[$0]!, asOf: horizon.evaluationTime, thresholds: thresholds) }
    }
}

extension EventLog {
    /// Replays the log at `horizon`: reads its prefix at the horizon's recorded time or position
    /// (in short read transactions, so appends go on), folds every event that had happened by the
    /// as-of time into every view in memory, and returns them. Needs no view: works on any log.
    ///
    /// - Parameter progress: called after each chunk with the position reached and the last position.
    public func replay(
        at horizon: Horizon, chunkSize: Int = 200_000, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws(TouchlogError) -> Replay {
        var profiles: [String: CustomerProfile] = [:]
        var trends = TrendsFold()
        var folded = 0
        let last = try foldLog(at: horizon, chunkSize: chunkSize, progress: progress) { stored in
            profiles[stored.event.subject, default: CustomerProfile()].apply(stored.event, position: stored.position)
            try trends.fold(stored.event)
            folded += 1
        }
        return Replay(horizon: horizon, lastPosition: last, eventsFolded: folded, profiles: profiles, trends: trends)
    }
}

extension EventLog {
    /// Calls `body` with every event of the log's prefix at `horizon` that had happened by its
    /// as-of time, in position order, reading in short read transactions of `chunkSize` events
    /// (the prefix never changes, so they all see the same events). Returns the prefix's last position.
    @discardableResult
    func foldLog(
        at horizon: Horizon, chunkSize: Int = 200_000, progress: ((UInt64, UInt64) -> Void)? = nil,
        _ body: (StoredEvent) throws -> Void
    ) throws(TouchlogError) -> UInt64 {
        let last = try lastPosition(at: horizon)
        var reached: UInt64 = 0
        while reached < last {
            let target = min(last, reached + UInt64(chunkSize))
            try withSnapshot("replaying the log") { txn in
                try forEachEventForProjection(txn, after: reached, through: target) { stored in
                    if horizon.includes(stored) { try body(stored) }
                }
            }
            reached = target
            releaseMappedPages()
            progress?(reached, last)
        }
        return last
    }
}
