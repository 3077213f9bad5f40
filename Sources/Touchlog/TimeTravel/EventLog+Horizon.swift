import Synchronization
import LMDB
import TouchlogAnalytics

extension EventLog {
    /// The last position the log held at the horizon's recorded time or position (the head when
    /// neither is set). Found by binary search on `recordedAt`, which never decreases.
    public func lastPosition(at horizon: Horizon) throws(TouchlogError) -> UInt64 {
        try withSnapshot("finding the position known at \(horizon)") { txn in try lastPosition(txn, at: horizon) }
    }

    func lastPosition(_ txn: Transaction, at horizon: Horizon) throws -> UInt64 {
        let limit = min(try readMetadata(txn).head, horizon.position ?? .max)
        guard let knownAt = horizon.knownAt else { return limit }
        // The largest position in 0...limit whose recordedAt is at or before knownAt.
        var low: UInt64 = 0
        var high = limit
        while low < high {
            let middle = low + (high - low + 1) / 2
            guard let bytes = try txn.get(events, key: PositionKey.of(middle)) else {
                throw TouchlogError(.corruption, "position \(middle) is missing from the events table; run `touchlog verify`")
            }
            if try header(bytes, position: middle).recordedAt <= knownAt { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// One customer's events that count at `horizon`, in position order, read by walking the
    /// customer's chain in one snapshot: O(the customer's events), whatever the size of the log.
    public func history(of subject: String, at horizon: Horizon) throws(TouchlogError) -> [StoredEvent] {
        try withSnapshot("reading the history of \(subject)") { txn in try history(txn, of: subject, at: horizon) }
    }

    func history(_ txn: Transaction, of subject: String, at horizon: Horizon) throws -> [StoredEvent] {
        let limit = horizon.limitsRecording ? try lastPosition(txn, at: horizon) : .max
        var result: [StoredEvent] = []
        try walkChain(txn, of: subject) { position, bytes, recordHeader in
            // Records after the limit or the as-of time are not decoded.
            guard position <= limit, horizon.asOf.map({ recordHeader.time <= $0 }) ?? true else { return }
            let event = try decodeRecord(bytes, position: position, includingJSON: false, header: recordHeader)
            if horizon.includes(event) { result.append(event) }
        }
        return result.reversed()
    }

    /// A customer's profile as it was at `horizon`, folded from their own events (never from the
    /// profile view, which only knows the present). `nil` if no event of theirs counts then.
    ///
    /// Starts from the latest history snapshot that lies wholly within the horizon (see
    /// `ProfileHistory`) and folds only the customer's events after it that count, skipping the
    /// blocks of events that all happened after the as-of time; without an up-to-date profile
    /// view, folds every event of the customer's that counts.
    public func profile(of subject: String, at horizon: Horizon) throws(TouchlogError) -> CustomerProfile? {
        try withSnapshot("reading the history of \(subject)") { txn in
            guard let view = views.first(where: { $0.projector.name == "profile" }), let database = try liveDatabase(of: view, in: txn) else {
                let events = try history(txn, of: subject, at: horizon)
                return events.isEmpty ? nil : Self.fold(events)
            }
            return try profile(txn, of: subject, at: horizon, history: database)
        }
    }

    private func profile(_ txn: Transaction, of subject: String, at horizon: Horizon, history database: Database) throws -> CustomerProfile? {
        let limit = horizon.limitsRecording ? try lastPosition(txn, at: horizon) : .max
        let asOf = horizon.asOf?.microseconds ?? .max
        var snapshots: [ProfileHistory.Snapshot] = []
        let prefix = ProfileHistory.snapshotPrefix(subject)
        try txn.withCursor(database) { cursor in
            var entry = try prefix.withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry, current.key.count == prefix.count + 8, current.key.starts(with: prefix) {
                snapshots.append(try ProfileHistory.decodeSnapshot(key: current.key, value: current.value))
                entry = try cursor.next()
            }
        }
        // Snapshots only grow, so those wholly within the horizon come first.
        let base = snapshots.lastIndex { $0.position <= limit && $0.latest <= asOf }
        var profile = try base.map { try CustomerProfile(encoded: snapshots[$0].profile) } ?? CustomerProfile()
        var counted = base != nil
        func fold(from start: UInt64?, after end: UInt64) throws {
            try walkChain(txn, of: subject, from: start, after: end) { position, bytes, recordHeader in
                guard position <= limit, recordHeader.time.microseconds <= asOf else { return }
                let event = try decodeRecord(bytes, position: position, includingJSON: false, header: recordHeader)
                guard horizon.includes(event) else { return }
                profile.apply(event.event, position: position)
                counted = true
            }
        }
        // The blocks after the base snapshot (skipping those that all happened later), then the
        // events after the last snapshot.
        for index in snapshots.indices.dropFirst((base ?? -1) + 1) {
            let blockStart = index == 0 ? 0 : snapshots[index - 1].position
            guard blockStart < limit else { return counted ? profile : nil }
            if snapshots[index].blockEarliest <= asOf { try fold(from: snapshots[index].position, after: blockStart) }
        }
        let lastSnapshot = snapshots.last?.position ?? 0
        if lastSnapshot < limit { try fold(from: nil, after: lastSnapshot) }
        return counted ? profile : nil
    }

    static func fold(_ events: [StoredEvent]) -> CustomerProfile {
        var profile = CustomerProfile()
        for event in events { profile.apply(event.event, position: event.position) }
        return profile
    }

    /// A customer's loyalty at `horizon`, evaluated at its evaluation time, with RFM scores against
    /// the population of that horizon. Without a recorded-time limit the population comes from the
    /// profile view (one pass over the profiles, kept for later questions about the same day until
    /// the log moves on); with one, from a replay of the log up to it.
    ///
    /// - Returns: `nil` if no event of the customer counts at the horizon.
    public func loyalty(of subject: String, at horizon: Horizon) throws(TouchlogError) -> CustomerLoyalty? {
        guard let profile = try profile(of: subject, at: horizon) else { return nil }
        let asOf = horizon.evaluationTime
        let asOfDay = Timestamp.day(of: asOf)
        let summary = Self.summary(of: profile, asOfDay: asOfDay)
        let model = try storedModel()
        guard summary != nil else { return Self.loyalty(subject, profile, nil, scorer: nil, asOf: asOf, model: model) }
        let scorer: RFMScorer
        if horizon.limitsRecording {
            scorer = Self.scorer(of: try replay(at: horizon).profiles.values, asOfDay: asOfDay)
        } else {
            scorer = try withView("profile") { txn, database in
                let key = ScorerKey(head: try readMetadata(txn).head, day: asOfDay)
                if let cached = scorerCache.withLock({ $0[key] }) { return cached }
                let scorer = try populationScorer(txn, database, asOfDay: asOfDay)
                scorerCache.withLock { cache in
                    if cache.count >= 16 { cache.removeAll() }
                    cache[key] = scorer
                }
                return scorer
            }
        }
        return Self.loyalty(subject, profile, summary, scorer: scorer, asOf: asOf, model: model)
    }

    /// A customer's churn flags at `horizon`, evaluated at its evaluation time, from their own
    /// events at that horizon (and the stored model, for `low_p_alive`). `nil` if no event of the customer counts then.
    public func churn(
        of subject: String, at horizon: Horizon, thresholds: ChurnThresholds = ChurnThresholds()
    ) throws(TouchlogError) -> CustomerChurn? {
        guard let profile = try profile(of: subject, at: horizon) else { return nil }
        return Self.churn(of: subject, profile, asOf: horizon.evaluationTime, thresholds: thresholds, model: try storedModel())
    }
}
