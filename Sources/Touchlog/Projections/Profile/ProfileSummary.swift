/// The figures of a customer's profile that are single numbers: counts, exact sums, first and last
/// times, the latest NPS answer. What it leaves out are the keyed parts (attributes, channels,
/// categories, complaint ids) and the spend per purchase day.
///
/// The profile's stored form keeps these figures at its head, under a checksum of their own (see
/// `CustomerProfile+Codec.swift`). `EventLog.profileSummary(of:)` therefore reads them without
/// decoding the rest or allocating anything: it is the read for a service that needs a customer's
/// numbers. Every figure equals the one of the same name on `CustomerProfile`
/// (`profile.summary == summary`).
public struct ProfileSummary: Sendable, Equatable {
    var seen: CustomerProfile.TimeRange?
    var typeCounts = CustomerProfile.TypeCounts()
    var purchases = PurchaseFigures()
    var surveys = CustomerProfile.SurveyTotals()
    var complaints = ComplaintFigures()
    var mentions = CustomerProfile.MentionTotals()
    var visits = CustomerProfile.VisitTotals()

    /// Whether no event has been folded.
    public var isEmpty: Bool { seen == nil }
    /// The number of events folded.
    public var eventCount: Int { Int(clamping: typeCounts.total) }
    /// The number of events of `type`.
    public func count(of type: EventType) -> Int { Int(clamping: typeCounts[type]) }
    /// The earliest event time.
    public var firstSeen: Timestamp? { seen.map { Timestamp(microseconds: $0.first) } }
    /// The latest event time.
    public var lastSeen: Timestamp? { seen.map { Timestamp(microseconds: $0.last) } }

    /// The number of purchases.
    public var orders: Int { Int(clamping: purchases.orders) }
    /// The sum of purchase amounts, in major currency units.
    public var spend: Double { CustomerProfile.Micros.double(purchases.amount) }
    /// The sum of purchase discounts, in major currency units.
    public var discountTotal: Double { CustomerProfile.Micros.double(purchases.discount) }
    /// Spend per order, or `nil` without orders.
    public var averageOrderValue: Double? { purchases.averageOrderValue }
    /// The event time of the earliest purchase.
    public var firstPurchase: Timestamp? { purchases.times.map { Timestamp(microseconds: $0.first) } }
    /// The event time of the latest purchase.
    public var lastPurchase: Timestamp? { purchases.times.map { Timestamp(microseconds: $0.last) } }
    /// The number of distinct UTC days with a purchase.
    public var purchaseDayCount: Int { Int(clamping: purchases.dayCount) }
    /// The spend of the first purchase day, in major currency units (0 without purchases): with
    /// `spend` and `purchaseDayCount`, the monetary value of the repeat purchase days.
    public var firstPurchaseDaySpend: Double { CustomerProfile.Micros.double(purchases.firstDayAmount) }
    /// Mean days between distinct purchase days, or `nil` with fewer than two.
    public var purchaseCycleDays: Double? { purchases.cycleDays }
    /// Discount / (amount + discount) over all purchases, or `nil` if both are 0.
    public var discountShare: Double? { purchases.discountShare }

    /// The number of survey answers of any metric.
    public var surveyCount: Int { count(of: .survey) }
    /// The latest NPS answer by event time.
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
    public var complaintsTotal: Int { Int(clamping: complaints.total) }
    /// Complaints with no `resolved` event.
    public var complaintsOpen: Int { Int(clamping: complaints.open) }
    /// Mean hours from opening to resolution over complaints with both, or `nil` if there are none.
    public var meanResolutionHours: Double? { complaints.meanResolutionHours }

    /// The number of social mentions.
    public var mentionCount: Int { Int(clamping: mentions.count) }
    /// The mean sentiment of the mentions that carry one, or `nil` if none does.
    public var meanSentiment: Double? { mentions.meanSentiment }
    /// The sum of the mentions' reach.
    public var totalReach: Int { Int(clamping: mentions.reach) }

    /// The number of visits.
    public var visitCount: Int { Int(clamping: visits.count) }
    /// The sum of visit durations, in seconds.
    public var visitDurationSeconds: Double { CustomerProfile.Micros.double(visits.duration) }
}

extension ProfileSummary {
    /// The purchase figures: the totals and, of the purchase days, their number and the first one's spend.
    struct PurchaseFigures: Equatable, Sendable {
        var orders: UInt64 = 0
        /// Σ amount, µ-units.
        var amount: Int128 = 0
        /// Σ discount, µ-units.
        var discount: Int128 = 0
        var times: CustomerProfile.TimeRange?
        /// Distinct UTC purchase days.
        var dayCount: UInt64 = 0
        /// Σ amount of the first purchase day, µ-units (0 without purchases).
        var firstDayAmount: Int128 = 0

        var averageOrderValue: Double? {
            orders == 0 ? nil : CustomerProfile.Micros.exactDouble(amount) / Double(orders) / 1e6
        }

        /// (last day − first day) / (distinct days − 1); the days are those of the purchase times.
        var cycleDays: Double? {
            guard dayCount >= 2, let times else { return nil }
            let first = CustomerProfile.PurchaseTotals.day(of: times.first), last = CustomerProfile.PurchaseTotals.day(of: times.last)
            return Double(Int64(last) - Int64(first)) / Double(dayCount - 1)
        }

        var discountShare: Double? {
            let whole = amount + discount
            return whole == 0 ? nil : CustomerProfile.Micros.exactDouble(discount) / CustomerProfile.Micros.exactDouble(whole)
        }
    }

    /// The complaint figures: how many, how many open, and the time the resolved ones took.
    struct ComplaintFigures: Equatable, Sendable {
        var total: UInt64 = 0
        /// Complaints with no `resolved` event.
        var open: UInt64 = 0
        /// Complaints with both an `opened` and a `resolved` event.
        var resolved: UInt64 = 0
        /// Σ over those of max(0, resolved − opened), µs.
        var resolutionMicros: Int128 = 0

        init() {}

        init<Times: Sequence<CustomerProfile.ComplaintTimes>>(_ complaints: Times) {
            for times in complaints {
                total &+= 1
                guard let resolved = times.resolved else { open &+= 1; continue }
                guard let opened = times.opened else { continue }
                self.resolved &+= 1
                resolutionMicros += max(0, Int128(resolved) - Int128(opened))
            }
        }

        var meanResolutionHours: Double? {
            resolved == 0 ? nil : Double(resolutionMicros) / Double(resolved) / 3_600_000_000
        }
    }
}

extension CustomerProfile {
    /// The single-number figures of this profile (see `ProfileSummary`). O(complaints).
    public var summary: ProfileSummary {
        ProfileSummary(
            seen: seen, typeCounts: typeCounts, purchases: purchases.figures, surveys: surveys,
            complaints: ProfileSummary.ComplaintFigures(complaints.values), mentions: mentions, visits: visits
        )
    }
}
