import LMDB
import TouchlogAnalytics

/// One customer's entry in the kept churn list: on which days after the latest event the churn
/// rules depend on they have churn flags, with which reasons and risk.
///
/// The churn rules look only at the customer's profile and the evaluation day, and of the events
/// with a time only at purchases, the latest NPS answer and complaint openings and resolutions
/// (`CustomerProfile.latestChurnRuleTime`; mention sentiment counts whatever its time). After the
/// day of the latest of those nothing the rules read changes with the day except the day itself,
/// so the raised flags and the risk change only on days that follow from the profile
/// (`ChurnRules.changeDays`) and, with a stored model, on the day P(alive) falls below its
/// threshold (P(alive) of the BG/NBD model only falls as T grows with frequency and recency
/// fixed, so that day is found by bisection). The watch evaluates the rules on each of those days
/// and keeps the stretches of days with at least one flag. Days up to that day (the rule day) are
/// not covered: the kept list evaluates those customers in full. Visits, profile updates and
/// other survey metrics change neither the rule day nor the entry, so appends skip them.
///
/// Stored in the profile view beside the profiles, one entry per customer with a profile, under
/// keys that start with a 0x00 byte (a subject never does; see `Docs/Storage.md`):
/// ```
/// 00 'c' subject   customer: u8 format (2), i32 rule day, u32 n, n × (i32 from, i32 until, f64 risk, u8 reasons), u32 check
/// 00 's'           settings: u8 format (1), the thresholds, u8 has model, the model, u32 check
/// ```
/// An append rewrites only the entries of the customers it changed, in place: the entries sit in
/// subject order in a region of their own, so a batch dirties few pages for them. Days are UTC days
/// since 1970-01-01, little-endian. An interval covers the days `from..<until`; `until` is
/// `Int32.max` when it has no end. The checks are `SealedEntry`'s.
struct ChurnWatch: Equatable {
    /// Days `from..<until` on which a customer has the same flags (at least one) and risk.
    struct Interval: Equatable {
        var from: Int32
        var until: Int32
        var reasons: ChurnReasons
        var risk: Double
    }

    /// What the watch is computed with: the kept thresholds and the stored model, if any.
    struct Settings: Equatable {
        var thresholds: ChurnThresholds
        var model: FittedModel?

        static func == (a: Settings, b: Settings) -> Bool {
            a.thresholds.watchEncoded == b.thresholds.watchEncoded && a.model?.encoded == b.model?.encoded
        }
    }

    /// The `until` of an interval without end.
    static let forever = Int32.max
    /// The last day the watch looks at (P(alive) is searched up to it).
    static let lastWatchedDay = Int(Int32.max) - 1

    /// The day of the latest event the rules depend on (`Int32.min` without one): days up to it
    /// are evaluated in full.
    let ruleDay: Int32
    /// The stretches of days after `ruleDay` with at least one flag, ascending and disjoint.
    let intervals: [Interval]

    /// The watch of a customer with this profile, or `nil` for an empty profile.
    init?(_ profile: CustomerProfile, settings: Settings) {
        guard let latest = profile.lastSeen else { return nil }
        let ruleDay = Self.ruleDay(of: profile)
        self.ruleDay = Int32(ruleDay)
        guard ruleDay < Self.lastWatchedDay else {
            intervals = []
            return
        }
        let spend = profile.spendByDay
        // Any as-of time from the latest event on gives the same inputs.
        var inputs = EventLog.churnInputs(of: profile, asOf: latest, purchases: spend, probabilityAlive: nil)
        let thresholds = settings.thresholds
        func raised(on day: Int) -> (reasons: ChurnReasons, risk: Double) {
            inputs.probabilityAlive = settings.model?.probabilityAlive(spend, asOfDay: day)
            return ChurnRules.raised(inputs, asOfDay: day, thresholds: thresholds)
        }
        let start = ruleDay + 1
        var days = ChurnRules.changeDays(inputs, after: ruleDay, thresholds: thresholds)
        days.append(start)
        if settings.model != nil, !spend.isEmpty, let low = Self.firstDay(from: start, where: { raised(on: $0).reasons.contains(.lowPAlive) }) {
            days.append(low)
        }
        days.sort()
        days = days.enumerated().compactMap { index, day in
            day <= Self.lastWatchedDay && (index == 0 || days[index - 1] != day) ? day : nil
        }
        var intervals: [Interval] = []
        for (index, day) in days.enumerated() {
            let (reasons, risk) = raised(on: day)
            let until = index + 1 < days.count ? Int32(days[index + 1]) : Self.forever
            if let last = intervals.last, last.until == Int32(day), last.reasons == reasons, last.risk.bitPattern == risk.bitPattern {
                intervals[intervals.count - 1].until = until
            } else if !reasons.isEmpty {
                intervals.append(Interval(from: Int32(day), until: until, reasons: reasons, risk: risk))
            }
        }
        self.intervals = intervals
    }

    /// The day of a profile's latest event the rules depend on, `Int32.min` without one.
    static func ruleDay(of profile: CustomerProfile) -> Int {
        profile.latestChurnRuleTime.map { Int(Int32(clamping: Timestamp.day(of: Timestamp(microseconds: $0)))) } ?? Int(Int32.min)
    }

    /// The first day from `start` through `lastWatchedDay` on which `holds` is true, for a
    /// `holds` that stays true once it is; `nil` if there is none.
    static func firstDay(from start: Int, where holds: (Int) -> Bool) -> Int? {
        if holds(start) { return start }
        var below = start, step = 1
        var above: Int
        while true {  // doubling steps: the day is usually near
            above = min(lastWatchedDay, below + step)
            if holds(above) { break }
            if above == lastWatchedDay { return nil }
            below = above
            step *= 2
        }
        while above - below > 1 {
            let middle = below + (above - below) / 2
            if holds(middle) { above = middle } else { below = middle }
        }
        return above
    }
}

// MARK: - Stored form

extension ChurnWatch {
    static let format: UInt8 = 2
    static let settingsFormat: UInt8 = 1
    static let customerTag = UInt8(ascii: "c")
    static let settingsKey: [UInt8] = [0, UInt8(ascii: "s")]
    /// The start of the customers' entries.
    static let customerPrefix: [UInt8] = [0, customerTag]

    /// Whether a key of the profile view is one of the kept churn list's (a customer's entry or
    /// the settings; the history snapshots' region also starts with 0x00).
    static func isWatchKey(_ key: UnsafeRawBufferPointer) -> Bool {
        key.count >= 2 && key[0] == 0 && (key[1] == customerTag || key[1] == settingsKey[1])
    }

    /// `00 'c' subject`.
    static func key(of subject: String) -> [UInt8] { customerPrefix + Array(subject.utf8) }

    /// The subject bytes of a customer's entry key, or `nil` if the key is not one.
    static func subject(ofKey key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard key.count > 2, key[0] == 0, key[1] == customerTag else { return nil }
        return UnsafeRawBufferPointer(rebasing: key[2...])
    }

    /// A watch as stored.
    private init(ruleDay: Int32, intervals: [Interval]) {
        self.ruleDay = ruleDay
        self.intervals = intervals
    }

    /// The customer's entry.
    func entry(of subject: String) -> (key: [UInt8], value: [UInt8]) {
        let key = Self.key(of: subject)
        var writer = ByteWriter(capacity: 16 + 17 * intervals.count)
        writer.write(Self.format)
        writer.write(ruleDay)
        writer.write(UInt32(intervals.count))
        for interval in intervals {
            writer.write(interval.from)
            writer.write(interval.until)
            writer.write(interval.risk)
            writer.write(interval.reasons.rawValue)
        }
        return (key, SealedEntry.seal(writer.bytes, key: key))
    }

    /// A customer's entry.
    init(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(TouchlogError) {
        guard let payload = SealedEntry.open(value, key: key) else { throw Self.damaged }
        var reader = ByteReader(payload)
        guard (try? reader.read(UInt8.self)) == Self.format, let ruleDay = try? reader.read(Int32.self),
              let count = try? reader.read(UInt32.self), Int(count) <= payload.count / 17
        else { throw Self.damaged }
        var intervals: [Interval] = []
        intervals.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let from = try? reader.read(Int32.self), let until = try? reader.read(Int32.self), let risk = try? reader.readDouble(),
                  let reasons = try? reader.read(UInt8.self)
            else { throw Self.damaged }
            intervals.append(Interval(from: from, until: until, reasons: ChurnReasons(rawValue: reasons), risk: risk))
        }
        guard reader.isAtEnd else { throw Self.damaged }
        self.init(ruleDay: ruleDay, intervals: intervals)
    }

    /// The interval that holds `day`, if any.
    func interval(holding day: Int) -> Interval? {
        intervals.first { Int($0.from) <= day && day < Int($0.until) }
    }

    static var damaged: TouchlogError {
        TouchlogError(.corruption, "the kept churn list in the profile view is damaged; run `touchlog rebuild profile`")
    }
}

// MARK: - Upkeep

extension ChurnWatch {
    /// Stores a customer's entry for `profile`, in place of their previous one. Leaves it as it is
    /// when the new one is the same (an event that changed nothing the rules look at, on the same
    /// day as the customer's latest): reading it costs much less than writing it again.
    static func replace(of subject: String, with profile: CustomerProfile, settings: Settings, in view: ViewStore) throws {
        guard let entry = ChurnWatch(profile, settings: settings)?.entry(of: subject) else { return }
        if let stored = try view.get(entry.key), stored.elementsEqual(entry.value) { return }
        try view.put(entry.key, entry.value)
    }

    /// The settings a view's entries were computed with; for a view without entries yet, the
    /// kept ones (from the log's `meta`), which are then recorded in the view.
    static func settings(of view: ViewStore) throws -> Settings {
        if let stored = try view.get(settingsKey) {
            return try settingsKey.withUnsafeBytes { key throws(TouchlogError) in try decodeSettings(key: key, value: stored) }
        }
        let settings = Settings(
            thresholds: try EventLog.keptChurnThresholds(view.txn, meta: view.meta),
            model: try view.txn.get(view.meta, key: FittedModel.key).map { bytes throws in try FittedModel(encoded: bytes) }
        )
        try view.put(settingsKey, encodeSettings(settings))
        return settings
    }

    static func encodeSettings(_ settings: Settings) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(settingsFormat)
        let thresholds = settings.thresholds.watchEncoded
        thresholds.withUnsafeBytes { writer.write(block: $0) }
        writer.write(UInt8(settings.model == nil ? 0 : 1))
        if let model = settings.model?.encoded { model.withUnsafeBytes { writer.write(block: $0) } }
        return SealedEntry.seal(writer.bytes, key: settingsKey)
    }

    static func decodeSettings(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(TouchlogError) -> Settings {
        guard let payload = SealedEntry.open(value, key: key) else { throw damaged }
        var reader = ByteReader(payload)
        guard (try? reader.read(UInt8.self)) == settingsFormat, let thresholds = try? reader.readBlock(), let hasModel = try? reader.read(UInt8.self) else {
            throw damaged
        }
        let model = hasModel == 1 ? try? reader.readBlock() : nil
        guard reader.isAtEnd, hasModel == 0 || model != nil else { throw damaged }
        return Settings(thresholds: try ChurnThresholds(watchEncoded: thresholds), model: try model.map { bytes throws(TouchlogError) in try FittedModel(encoded: bytes) })
    }
}
