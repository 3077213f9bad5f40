import LMDB
import TouchlogAnalytics

extension EventLog {
    /// The `meta` key of the kept churn thresholds (absent: the defaults).
    static let churnThresholdsKey = Array("churn.thresholds".utf8)

    /// The churn thresholds the kept churn list is computed with: the defaults until
    /// ``keepChurnThresholds(_:)`` stores others. `churnList` at the present answers from the kept
    /// list only when it is asked with these thresholds.
    public func keptChurnThresholds() throws(TouchlogError) -> ChurnThresholds {
        try withSnapshot("reading the kept churn thresholds") { txn in try Self.keptChurnThresholds(txn, meta: meta) }
    }

    static func keptChurnThresholds(_ txn: Transaction, meta: Database) throws -> ChurnThresholds {
        try txn.get(meta, key: churnThresholdsKey).map { bytes throws(TouchlogError) in try ChurnThresholds(watchEncoded: bytes) } ?? ChurnThresholds()
    }

    /// Keeps the churn list for `thresholds`: stores them as the kept thresholds and recomputes
    /// every customer's entries of the kept list, in one write transaction (one pass over the
    /// profiles). Appends keep the list up to date from then on.
    public func keepChurnThresholds(_ thresholds: ChurnThresholds) throws(TouchlogError) {
        try storeChurnSetting(thresholds.watchEncoded, under: Self.churnThresholdsKey, while: "keeping the churn thresholds")
    }

    /// Stores one of the settings the kept churn list is computed with (the thresholds, the
    /// model) in `meta` and recomputes the list with it, in one write transaction.
    func storeChurnSetting(_ value: [UInt8], under key: [UInt8], while activity: String) throws(TouchlogError) {
        do {
            try environment.write { txn in
                try txn.put(meta, key: key, value: value)
                try recomputeChurnWatch(txn)
            }
        } catch {
            throw TouchlogError.storage(error, while: activity)
        }
    }

    /// Recomputes the kept churn list of the live profile view with the kept thresholds and the
    /// stored model, after either changed. Does nothing when the profile view is out of date: its
    /// rebuild computes the list with the settings of then.
    func recomputeChurnWatch(_ txn: Transaction) throws {
        guard let view = views.first(where: { $0.projector.name == "profile" }), let checkpoint = try checkpoint(of: view, in: txn),
              checkpoint.version == view.projector.version, checkpoint.position == (try readMetadata(txn).head)
        else { return }
        let store = ViewStore(txn: txn, database: view.slots[Int(checkpoint.liveSlot)], meta: meta)
        // The customers' entries, then the settings: not the history snapshots between them.
        var stale: [[UInt8]] = []
        try txn.withCursor(store.database) { cursor in
            var entry = try ChurnWatch.customerPrefix.withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry, ChurnWatch.subject(ofKey: current.key) != nil {
                stale.append(Array(current.key))
                entry = try cursor.next()
            }
        }
        stale.append(ChurnWatch.settingsKey)
        for key in stale { try store.delete(key) }
        let settings = try ChurnWatch.settings(of: store)
        var entries: [(key: [UInt8], value: [UInt8])] = []
        try Self.forEachProfile(in: txn, store.database) { subject, profile in
            if let watch = ChurnWatch(profile, settings: settings) { entries.append(watch.entry(of: subject)) }
        }
        for entry in entries { try store.put(entry.key, entry.value) }
    }

    /// Every entry of the kept churn list in the profile view, in key order (for tests).
    package func keptChurnListEntries() throws(TouchlogError) -> [(key: [UInt8], value: [UInt8])] {
        try viewEntries("profile").filter { entry in entry.key.withUnsafeBytes(ChurnWatch.isWatchKey) }
    }

    /// Why `churnList` at the present would evaluate every customer instead of reading the kept
    /// list for `thresholds`, in words a person can act on; `nil` when it reads the kept list.
    public func churnListFallbackReason(thresholds: ChurnThresholds) throws(TouchlogError) -> String? {
        try withView("profile") { txn, database in
            try keptListMismatch(txn, database, thresholds: thresholds, model: try storedModel(in: txn))
        }
    }

    private func keptListMismatch(_ txn: Transaction, _ database: Database, thresholds: ChurnThresholds, model: FittedModel?) throws -> String? {
        guard let stored = try txn.get(database, key: ChurnWatch.settingsKey) else {
            return "the profile view keeps no churn list; run `touchlog churn keep`"
        }
        let kept = try ChurnWatch.settingsKey.withUnsafeBytes { key throws(TouchlogError) in try ChurnWatch.decodeSettings(key: key, value: stored) }
        if kept.thresholds.watchEncoded != thresholds.watchEncoded {
            return "the churn thresholds differ from the kept ones; to keep these, run `touchlog churn keep` with the same --config or TOUCHLOG_CHURN_CONFIG"
        }
        if kept.model?.encoded != model?.encoded {
            return "the kept churn list was computed with another stored model; run `touchlog churn keep` to recompute it"
        }
        return nil
    }

    /// Where `churnList` at the present takes its answer from.
    package enum ChurnListSource {
        /// The kept list when it was computed with the thresholds asked for and the stored model,
        /// else (or when a listed customer's evaluation disagrees with their entry) every profile.
        case kept
        /// The kept list, and an error when a listed customer's evaluation disagrees with their
        /// entry (for tests: a wrong entry must not hide behind the fallback).
        case keptStrictly
        /// Every profile.
        case everyone
    }

    /// `churnList` at the present, evaluated at `asOf` (the present is `.now`; tests pass any
    /// time), from `source`.
    package func churnList(
        presentAt asOf: Timestamp, thresholds: ChurnThresholds, flag: ChurnFlag.Reason?, minimumRisk: Double, limit: Int,
        source: ChurnListSource = .kept
    ) throws(TouchlogError) -> [CustomerChurn] {
        try withView("profile") { txn, database in
            let model = try storedModel(in: txn)
            if source != .everyone, try keptListMismatch(txn, database, thresholds: thresholds, model: model) == nil {
                if let list = try keptChurnList(
                    txn, database, asOf: asOf, thresholds: thresholds, model: model, flag: flag, minimumRisk: minimumRisk, limit: limit)
                {
                    return list
                }
                if source == .keptStrictly {
                    throw TouchlogError(.corruption, "the kept churn list disagrees with a listed customer's evaluation")
                }
            }
            var flagged: [CustomerChurn] = []
            try Self.forEachProfile(in: txn, database) { subject, profile in
                let churn = Self.churn(of: subject, profile, asOf: asOf, thresholds: thresholds, model: model)
                if churn.isListed(flag: flag, minimumRisk: minimumRisk) { flagged.append(churn) }
            }
            flagged.sort { CustomerChurn.listOrder(($0.risk, $0.customer), ($1.risk, $1.customer)) }
            return Array(flagged.prefix(limit))
        }
    }

    /// The churn list from the kept list: the customers with an interval that holds `asOf`'s
    /// day, plus those with events on or after that day (evaluated in full); only the first
    /// `limit` are evaluated with their evidence. `nil` when one of those evaluations disagrees
    /// with the kept entry (the caller then evaluates everyone): the entries are sealed, so a
    /// disagreement is not damage but a computation that differs in the last bit, such as a
    /// P(alive) right at its threshold, and the full evaluation is the answer.
    private func keptChurnList(
        _ txn: Transaction, _ database: Database, asOf: Timestamp, thresholds: ChurnThresholds, model: FittedModel?,
        flag: ChurnFlag.Reason?, minimumRisk: Double, limit: Int
    ) throws -> [CustomerChurn]? {
        guard limit > 0 else { return [] }
        struct Candidate {
            var risk: Double
            var reasons: ChurnReasons
            var subject: [UInt8]
            var churn: CustomerChurn?
        }
        func profile(_ subject: [UInt8]) throws -> CustomerProfile {
            guard let bytes = try txn.get(database, key: subject) else { throw ChurnWatch.damaged }
            return try CustomerProfile(encoded: bytes)
        }
        let day = Timestamp.day(of: asOf)
        var candidates: [Candidate] = []
        try txn.withCursor(database) { cursor in
            var entry = try ChurnWatch.customerPrefix.withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry, let subjectBytes = ChurnWatch.subject(ofKey: current.key) {
                let watch = try ChurnWatch(key: current.key, value: current.value)
                let subject = Array(subjectBytes)
                if Int(watch.ruleDay) >= day {
                    // The intervals start after the rule day: evaluate the customer in full.
                    let churn = Self.churn(
                        of: String(decoding: subject, as: UTF8.self), try profile(subject), asOf: asOf, thresholds: thresholds, model: model)
                    if churn.isListed(flag: flag, minimumRisk: minimumRisk) {
                        candidates.append(Candidate(risk: churn.risk, reasons: churn.reasons, subject: subject, churn: churn))
                    }
                } else if let interval = watch.interval(holding: day),
                          CustomerChurn.isListed(interval.reasons, risk: interval.risk, flag: flag, minimumRisk: minimumRisk) {
                    candidates.append(Candidate(risk: interval.risk, reasons: interval.reasons, subject: subject))
                }
                entry = try cursor.next()
            }
        }
        if candidates.count > limit {
            // Only those at least as risky as the limit-th can be in the list.
            let cutoff = candidates.map(\.risk).sorted(by: >)[limit - 1]
            candidates.removeAll { $0.risk < cutoff }
        }
        var named = candidates.map { ($0, String(decoding: $0.subject, as: UTF8.self)) }
        named.sort { CustomerChurn.listOrder(($0.0.risk, $0.1), ($1.0.risk, $1.1)) }
        var list: [CustomerChurn] = []
        for (candidate, customer) in named.prefix(limit) {
            if let churn = candidate.churn {
                list.append(churn)
                continue
            }
            let churn = Self.churn(of: customer, try profile(candidate.subject), asOf: asOf, thresholds: thresholds, model: model)
            guard churn.risk.bitPattern == candidate.risk.bitPattern, churn.reasons == candidate.reasons else { return nil }
            list.append(churn)
        }
        return list
    }
}

extension CustomerChurn {
    /// The raised flags' reasons.
    var reasons: ChurnReasons { ChurnReasons(flags.map { ChurnReasons($0.reason) }) }

    /// Whether the churn list shows a customer with these flags: at least one flag, at least
    /// `minimumRisk`, and `flag` among them when given.
    func isListed(flag: ChurnFlag.Reason?, minimumRisk: Double) -> Bool {
        Self.isListed(reasons, risk: risk, flag: flag, minimumRisk: minimumRisk)
    }

    static func isListed(_ reasons: ChurnReasons, risk: Double, flag: ChurnFlag.Reason?, minimumRisk: Double) -> Bool {
        !reasons.isEmpty && risk >= minimumRisk && (flag.map { reasons.contains($0) } ?? true)
    }

    /// The churn list's order: riskiest first, then by customer (`String` order, then UTF-8 bytes,
    /// so that the order is total).
    static func listOrder(_ a: (risk: Double, customer: String), _ b: (risk: Double, customer: String)) -> Bool {
        if a.risk != b.risk { return a.risk > b.risk }
        if a.customer != b.customer { return a.customer < b.customer }
        return a.customer.utf8.lexicographicallyPrecedes(b.customer.utf8)
    }
}
