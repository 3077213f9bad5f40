/// The profile of one customer, folded from their events in any order.
///
/// A pure value: `apply` folds one event, `encoded` / `init(encoded:)` store it (see
/// `CustomerProfile+Codec.swift`), `jsonText` and `textLines` render it (`CustomerProfile+JSON.swift`).
///
/// **Order independence.** Folding the same set of events in any order gives an `==` value (and
/// the same encoding and rendering). Every piece of state is therefore a commutative, associative
/// merge: counts and exact sums, minima and maxima, sets, and "latest by event time" values that
/// keep the maximum of a total order (event time, then a tie key derived from the event's content,
/// see ``tieKey(source:id:)``, then the value itself). Sums of amounts, durations and sentiments
/// are kept as exact integers in micro-units (value × 1,000,000 rounded to nearest, 128-bit so
/// that no input can overflow them), never as floating-point sums, whose result would depend on
/// the order of addition. Strings used as keys (attribute names, channels, categories, complaint
/// ids) compare by their exact UTF-8 bytes.
///
/// **Not idempotent.** Folding the same event twice counts it twice; the log's idempotency key
/// makes sure each event is folded once.
public struct CustomerProfile: Sendable, Equatable {
    /// Event time range over all events, in µs since the epoch.
    var seen: TimeRange?
    /// Events per type.
    var typeCounts = TypeCounts()
    /// Events per channel (purchase, visit and complaint channels together).
    var channelCounts = KeyedValues<UInt64>()
    var purchases = PurchaseTotals()
    var surveys = SurveyTotals()
    /// Per complaint id, the earliest `opened` and `resolved` event times.
    var complaints = KeyedValues<ComplaintTimes>()
    var mentions = MentionTotals()
    var visits = VisitTotals()
    /// Per attribute name, the winning update (a removal is kept as a tombstone).
    var attributeEntries = KeyedValues<AttributeEntry>()

    /// An empty profile (no events).
    public init() {}

    /// Folds one event of this customer.
    ///
    /// Order-independent: folding the same set of events in any order gives an `==` result. The
    /// caller routes events by `subject`; this method does not check it.
    /// - Parameters:
    ///   - event: the event; its `time` (event time) is what "first", "last" and "latest" refer to.
    ///   - position: the log position. Not used by this view (it would make the result depend on
    ///     arrival order); accepted so that every view folds with the same signature.
    /// - Complexity: O(1) amortised, plus O(d) for a purchase on a new day (d = distinct purchase
    ///   days so far) and O(k) for a profile update of k attributes.
    public mutating func apply(_ event: TouchEvent, position: UInt64) {
        let time = event.time.microseconds
        seen = seen.map { $0.including(time) } ?? TimeRange(first: time, last: time)
        typeCounts[event.type] &+= 1
        switch event.payload {
        case .purchase(let purchase):
            purchases.add(purchase, at: time)
            if let channel = purchase.channel { countChannel(channel.jsonName) }
        case .survey(let survey):
            surveys.add(survey, stamp: Stamp(time: time, tie: Self.tieKey(of: event)))
        case .complaint(let complaint):
            complaints[Key(complaint.complaintId), default: ComplaintTimes()].add(complaint.status, at: time)
            if let channel = complaint.channel { countChannel(channel) }
        case .socialMention(let mention):
            mentions.add(mention)
        case .visit(let visit):
            visits.add(visit)
            countChannel(visit.channel.jsonName)
        case .profileUpdated(let update):
            applyAttributes(update, stamp: Stamp(time: time, tie: Self.tieKey(of: event)))
        }
    }

    /// The latest event time the churn rules depend on, in µs: the latest purchase, the latest NPS
    /// answer, a complaint's opening or resolution; `nil` without any of them. The rules read
    /// nothing else with a time (mention sentiment counts whatever its time).
    var latestChurnRuleTime: Int64? {
        var latest = purchases.times?.last
        func include(_ time: Int64?) {
            if let time { latest = max(latest ?? time, time) }
        }
        include(surveys.latestNPS?.stamp.time)
        for entry in complaints.entries {
            include(entry.value.opened)
            include(entry.value.resolved)
        }
        return latest
    }

    /// Whether folding `event` can change what the churn rules read: purchases, complaints,
    /// mentions (their sentiment) and NPS answers can; visits, profile updates and other survey
    /// metrics cannot.
    static func concernsChurnRules(_ event: TouchEvent) -> Bool {
        switch event.payload {
        case .purchase, .complaint, .socialMention: true
        case .survey(let survey): survey.metric == .nps
        case .visit, .profileUpdated: false
        }
    }

    /// The tie key of an event: breaks ties between "latest" values of equal event time by content,
    /// never by arrival. The XXH64 of the UTF-8 of `source`, a 0xFF byte (which UTF-8 never
    /// contains) and the UTF-8 of `id` (the low half of the event's idempotency key); the larger
    /// key wins a tie.
    public static func tieKey(source: String, id: String) -> UInt64 {
        IdempotencyKey.withMaterial(source: source, id: id) { XXHash64.hash($0) }
    }

    private static func tieKey(of event: TouchEvent) -> UInt64 { tieKey(source: event.source, id: event.id) }

    private mutating func countChannel(_ name: String) {
        channelCounts[Key(name), default: 0] &+= 1
    }

    private mutating func applyAttributes(_ update: ProfileUpdate, stamp: Stamp) {
        // Within one event a repeated name means its last occurrence, whatever the merge order.
        let attributes = update.attributes
        for index in attributes.indices {
            let (name, value) = attributes[index]
            let key = Key(name)
            // An update names a handful of attributes (at most 100, see `EventValidator`): a scan
            // of the later ones costs less than building a set.
            if attributes[(index + 1)...].contains(where: { Key($0.name) == key }) { continue }
            let entry = AttributeEntry(stamp: stamp, value: value)
            if let current = attributeEntries[key], !(current < entry) { continue }
            attributeEntries[key] = entry
        }
    }
}

// MARK: - Reading

extension CustomerProfile {
    /// Whether no event has been folded.
    public var isEmpty: Bool { seen == nil }

    /// The number of events folded.
    public var eventCount: Int { Int(clamping: typeCounts.total) }

    /// The number of events of `type`.
    public func count(of type: EventType) -> Int { Int(clamping: typeCounts[type]) }

    /// Events per channel (purchase, visit and complaint channels), sorted by channel name.
    public var channels: [(channel: String, count: Int)] {
        channelCounts.map { ($0.key.text, Int(clamping: $0.value)) }
    }

    /// The current attributes (removed ones omitted), sorted by name (UTF-8 byte order).
    public var attributes: [(name: String, value: AttributeValue)] {
        attributeEntries.compactMap { entry in entry.value.value.map { (entry.key.text, $0) } }
    }

    /// The current value of the attribute `name`, or `nil` if it was never set or was removed.
    public func attribute(_ name: String) -> AttributeValue? { attributeEntries[Key(name)]?.value }

    /// The earliest event time.
    public var firstSeen: Timestamp? { seen.map { Timestamp(microseconds: $0.first) } }
    /// The latest event time.
    public var lastSeen: Timestamp? { seen.map { Timestamp(microseconds: $0.last) } }

    /// The number of purchases.
    public var orders: Int { Int(clamping: purchases.orders) }
    /// The sum of purchase amounts, in major currency units (currencies are not converted).
    public var spend: Double { Micros.double(purchases.amount) }
    /// The sum of purchase discounts, in major currency units.
    public var discountTotal: Double { Micros.double(purchases.discount) }
    /// Spend per order, or `nil` without orders.
    public var averageOrderValue: Double? { purchases.figures.averageOrderValue }
    /// The event time of the earliest purchase.
    public var firstPurchase: Timestamp? { purchases.times.map { Timestamp(microseconds: $0.first) } }
    /// The event time of the latest purchase.
    public var lastPurchase: Timestamp? { purchases.times.map { Timestamp(microseconds: $0.last) } }
    /// The distinct UTC days with a purchase (days since 1970-01-01), ascending.
    public var purchaseDays: [Int32] { purchases.days.map(\.day) }
    /// Spend per distinct UTC purchase day (days since 1970-01-01), ascending by day: the sum of
    /// the amounts of that day's purchases (kept exactly, in µ-units), in major currency units.
    /// Frequency, recency, age and monetary value as of any day follow from it.
    public var dailySpend: [(day: Int32, spend: Double)] {
        purchases.days.map { ($0.day, Micros.double($0.amount)) }
    }
    /// Mean days between distinct purchase days: (last day − first day) / (distinct days − 1), or
    /// `nil` with fewer than two distinct days.
    public var purchaseCycleDays: Double? { purchases.figures.cycleDays }
    /// Discount / (amount + discount) over all purchases, or `nil` if both are 0.
    public var discountShare: Double? { purchases.figures.discountShare }
    /// Spend per category (Σ quantity × unitPrice over line items), largest first, ties by name.
    public func topCategories(limit: Int = 5) -> [(category: String, spend: Double)] {
        let ranked = purchases.categories.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
        return ranked.prefix(max(0, limit)).map { ($0.key.text, Micros.double($0.value)) }
    }
    /// The number of distinct categories bought.
    public var categoryCount: Int { purchases.categories.count }

    /// The number of survey answers of any metric.
    public var surveyCount: Int { count(of: .survey) }
    /// The latest NPS answer by event time (ties by ``tieKey(source:id:)``).
    public var latestNPS: (score: Int, time: Timestamp)? { surveys.latest }
    /// The number of NPS answers.
    public var npsCount: Int { Int(clamping: surveys.npsCount) }
    /// The mean CSAT score, or `nil` without answers.
    public var csatMean: Double? { surveys.csat.mean }
    /// The number of CSAT answers.
    public var csatCount: Int { Int(clamping: surveys.csat.count) }
    /// The mean CES score, or `nil` without answers.
    public var cesMean: Double? { surveys.ces.mean }
    /// The number of CES answers.
    public var cesCount: Int { Int(clamping: surveys.ces.count) }

    /// Distinct complaint ids seen (opened or resolved).
    public var complaintsTotal: Int { complaints.count }
    /// Complaints with no `resolved` event.
    public var complaintsOpen: Int { Int(clamping: complaintFigures.open) }
    /// Mean hours from the earliest `opened` to the earliest `resolved` event, over complaints with
    /// both (a resolution dated before the opening counts as 0); `nil` if there are none.
    public var meanResolutionHours: Double? { complaintFigures.meanResolutionHours }

    private var complaintFigures: ProfileSummary.ComplaintFigures { ProfileSummary.ComplaintFigures(complaints.values) }

    /// The complaints open at `time`: opened by then and not resolved by then, as their opening times.
    public func complaintsOpen(at time: Timestamp) -> [Timestamp] {
        var open: [Timestamp] = []
        for entry in complaints.entries {
            guard let opened = entry.value.opened, opened <= time.microseconds else { continue }
            if let resolved = entry.value.resolved, resolved <= time.microseconds { continue }
            open.append(Timestamp(microseconds: opened))
        }
        return open.sorted()
    }

    /// The number of social mentions.
    public var mentionCount: Int { Int(clamping: mentions.count) }
    /// The mean sentiment of the mentions that carry one, or `nil` if none does.
    public var meanSentiment: Double? { mentions.meanSentiment }
    /// The sum of the mentions' reach.
    public var totalReach: Int { Int(clamping: mentions.reach) }

    /// The number of visits.
    public var visitCount: Int { Int(clamping: visits.count) }
    /// The sum of visit durations, in seconds.
    public var visitDurationSeconds: Double { Micros.double(visits.duration) }
}

// MARK: - State pieces

extension CustomerProfile {
    /// A string compared, hashed and ordered by its exact UTF-8 bytes, so that canonically
    /// equivalent but different spellings stay apart and the first one folded never wins by arrival.
    struct Key: Hashable, Comparable, Sendable {
        let text: String

        init(_ text: String) { self.text = text }

        static func == (a: Key, b: Key) -> Bool { JSONObject.sameUTF8(a.text, b.text) }
        static func < (a: Key, b: Key) -> Bool { order(a, b) < 0 }

        func hash(into hasher: inout Hasher) { JSONObject.hashUTF8(text, into: &hasher) }
    }

    /// A count per event type, held inline (a profile read allocates no array for it).
    struct TypeCounts: Equatable, Sendable {
        private var counts = InlineArray<6, UInt64>(repeating: 0)

        subscript(type: EventType) -> UInt64 {
            get { counts[Int(type.rawValue) - 1] }
            set { counts[Int(type.rawValue) - 1] = newValue }
        }

        /// The sum over all types (wrapping, like the counts themselves).
        var total: UInt64 {
            var sum: UInt64 = 0
            for index in counts.indices { sum &+= counts[index] }
            return sum
        }

        static func == (a: TypeCounts, b: TypeCounts) -> Bool {
            a.counts.indices.allSatisfy { a.counts[$0] == b.counts[$0] }
        }
    }

    /// The smallest and largest of a set of event times.
    struct TimeRange: Equatable, Sendable {
        var first: Int64
        var last: Int64

        func including(_ time: Int64) -> TimeRange { TimeRange(first: min(first, time), last: max(last, time)) }
    }

    /// What orders "latest" values: event time, then the content-derived tie key.
    struct Stamp: Comparable, Sendable {
        var time: Int64
        var tie: UInt64

        static func < (a: Stamp, b: Stamp) -> Bool { (a.time, a.tie) < (b.time, b.tie) }
    }

    /// The purchases of one UTC day.
    struct DaySpend: Equatable, Sendable {
        /// Days since 1970-01-01 (floor division of the event time).
        var day: Int32
        /// Σ amount of the day's purchases, µ-units.
        var amount: Int128
    }

    struct PurchaseTotals: Equatable, Sendable {
        var orders: UInt64 = 0
        /// Σ amount, µ-units; always the sum of `days`' amounts (not stored, recomputed on decoding).
        var amount: Int128 = 0
        /// Σ discount, µ-units.
        var discount: Int128 = 0
        var times: TimeRange?
        /// Per distinct UTC purchase day, Σ amount; strictly ascending by day.
        var days: [DaySpend] = []
        /// Σ quantity × unitPrice per category, µ-units.
        var categories = KeyedValues<Int128>()

        /// The totals with the number of purchase days and the first one's spend.
        var figures: ProfileSummary.PurchaseFigures {
            ProfileSummary.PurchaseFigures(
                orders: orders, amount: amount, discount: discount, times: times,
                dayCount: UInt64(days.count), firstDayAmount: days.first?.amount ?? 0
            )
        }

        /// The UTC day (days since 1970-01-01) of an event time in µs.
        static func day(of time: Int64) -> Int32 {
            Int32(truncatingIfNeeded: time.floorDivided(by: 86_400_000_000).quotient)
        }

        mutating func add(_ purchase: Purchase, at time: Int64) {
            orders &+= 1
            let micros = Int128(Micros.of(purchase.amount))
            amount += micros
            discount += Int128(Micros.of(purchase.discount ?? 0))
            times = times.map { $0.including(time) } ?? TimeRange(first: time, last: time)
            let day = Self.day(of: time)
            let index = if let last = days.last, last.day <= day {
                last.day == day ? days.count - 1 : days.count  // events mostly come in time order
            } else {
                Self.firstIndex(notBefore: day, in: days)
            }
            if index < days.count, days[index].day == day {
                days[index].amount += micros
            } else {
                days.insert(DaySpend(day: day, amount: micros), at: index)
            }
            // Items of one category mostly come together: each run of them is one search of
            // `categories` (the sums are exact integers, so grouping them changes nothing).
            var run: (category: Key, micros: Int128)?
            for item in purchase.items {
                let micros = Int128(Micros.of(Double(item.quantity) * item.unitPrice))
                let category = Key(item.category)
                if let current = run, current.category == category {
                    run = (category, current.micros + micros)
                } else {
                    if let current = run { categories[current.category, default: 0] += current.micros }
                    run = (category, micros)
                }
            }
            if let run { categories[run.category, default: 0] += run.micros }
        }

        /// The index of the first of `days` on or after `day` (binary search).
        private static func firstIndex(notBefore day: Int32, in days: [DaySpend]) -> Int {
            var low = 0
            var high = days.count
            while low < high {
                let middle = (low + high) / 2
                if days[middle].day < day { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// A count and an exact sum of integer scores.
    struct ScoreSum: Equatable, Sendable {
        var count: UInt64 = 0
        var sum: Int128 = 0

        mutating func add(_ score: Int) {
            count &+= 1
            sum += Int128(score)
        }

        var mean: Double? { count == 0 ? nil : Double(sum) / Double(count) }
    }

    struct StampedScore: Equatable, Sendable {
        var stamp: Stamp
        var score: Int64

        /// A total order: stamp, then score (only equal for the same event folded twice).
        static func < (a: StampedScore, b: StampedScore) -> Bool { (a.stamp, a.score) < (b.stamp, b.score) }
    }

    struct SurveyTotals: Equatable, Sendable {
        var latestNPS: StampedScore?
        var npsCount: UInt64 = 0
        var csat = ScoreSum()
        var ces = ScoreSum()

        /// The latest NPS answer's score and event time.
        var latest: (score: Int, time: Timestamp)? {
            latestNPS.map { (Int(clamping: $0.score), Timestamp(microseconds: $0.stamp.time)) }
        }

        mutating func add(_ survey: Survey, stamp: Stamp) {
            switch survey.metric {
            case .nps:
                npsCount &+= 1
                let answer = StampedScore(stamp: stamp, score: Int64(survey.score))
                if latestNPS.map({ $0 < answer }) ?? true { latestNPS = answer }
            case .csat: csat.add(survey.score)
            case .ces: ces.add(survey.score)
            }
        }
    }

    struct ComplaintTimes: Equatable, Sendable {
        /// The earliest `opened` event time.
        var opened: Int64?
        /// The earliest `resolved` event time.
        var resolved: Int64?

        mutating func add(_ status: Complaint.Status, at time: Int64) {
            switch status {
            case .opened: opened = min(opened ?? time, time)
            case .resolved: resolved = min(resolved ?? time, time)
            }
        }
    }

    struct MentionTotals: Equatable, Sendable {
        var count: UInt64 = 0
        /// Σ sentiment, µ-units.
        var sentiment: Int128 = 0
        var sentimentCount: UInt64 = 0
        var reach: Int128 = 0

        var meanSentiment: Double? { sentimentCount == 0 ? nil : Double(sentiment) / Double(sentimentCount) / 1e6 }

        mutating func add(_ mention: SocialMention) {
            count &+= 1
            if let value = mention.sentiment {
                sentiment += Int128(Micros.of(value))
                sentimentCount &+= 1
            }
            reach += Int128(mention.reach ?? 0)
        }
    }

    struct VisitTotals: Equatable, Sendable {
        var count: UInt64 = 0
        /// Σ durationSeconds, µs.
        var duration: Int128 = 0

        mutating func add(_ visit: Visit) {
            count &+= 1
            duration += Int128(Micros.of(visit.durationSeconds ?? 0))
        }
    }

    /// The winning update of one attribute; `value == nil` is a removal (a tombstone, kept so that
    /// an older set folded later cannot resurrect the attribute).
    struct AttributeEntry: Equatable, Sendable {
        var stamp: Stamp
        var value: AttributeValue?

        /// A total order: stamp, then the value (only reached by the same event folded twice, or
        /// a tie-key collision).
        static func < (a: AttributeEntry, b: AttributeEntry) -> Bool {
            if a.stamp != b.stamp { return a.stamp < b.stamp }
            return Self.precedes(a.value, b.value)
        }

        private static func rank(_ value: AttributeValue?) -> Int {
            switch value {
            case nil: 0
            case .bool?: 1
            case .number?: 2
            case .string?: 3
            }
        }

        private static func precedes(_ a: AttributeValue?, _ b: AttributeValue?) -> Bool {
            switch (a, b) {
            case let (.bool(x)?, .bool(y)?): return !x && y
            case let (.number(x)?, .number(y)?): return x.isTotallyOrdered(belowOrEqualTo: y) && x.bitPattern != y.bitPattern
            case let (.string(x)?, .string(y)?): return x.utf8.lexicographicallyPrecedes(y.utf8)
            default: return rank(a) < rank(b)
            }
        }
    }
}

extension CustomerProfile {
    /// Conversions between values and exact integer micro-units.
    enum Micros {
        /// `value` × 1,000,000 rounded to nearest, clamped to the Int64 range (NaN → 0).
        static func of(_ value: Double) -> Int64 {
            let scaled = (value * 1_000_000).rounded()
            guard scaled.isFinite else { return scaled.isNaN ? 0 : (scaled > 0 ? .max : .min) }
            if scaled >= 0x1p63 { return .max }
            if scaled < -0x1p63 { return .min }
            return Int64(scaled)
        }

        static func double(_ micros: Int128) -> Double { exactDouble(micros) / 1e6 }

        /// `Double(value)` (rounded to nearest), through Int64 when it fits: the same result,
        /// without the generic 128-bit conversion, which costs more than the rest of a fold.
        static func exactDouble(_ value: Int128) -> Double {
            if let small = Int64(exactly: value) { return Double(small) }
            return Double(value)
        }
    }
}
