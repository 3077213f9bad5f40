/// What a customer's next pending happening is. Each kind has one timer slot in ``Customer``.
enum TimerKind: Int, CaseIterable {
    case signup
    case purchase
    case visit
    case social
    case profile
    case npsCheck
    case npsResponse
    case csat
    case complaintOpen
    case complaintResolve
    case ces
    case socialReaction
}

/// The simulated state of one customer: latent traits (purchase rate, dropout probability,
/// satisfaction), attributes, and the timers of everything that will happen to them next.
///
/// Each customer owns a random generator seeded from the run seed and the customer number, so a
/// customer's history does not depend on anyone else's.
struct Customer {
    static let never = Int64.max
    static let timerCount = 12

    enum Status: UInt8 {
        case prospect  // not signed up yet
        case active
        case lapsed  // dropped out (BG/NBD "death"): no more purchases, touches fade
    }

    var rng: Xoshiro256
    var status: Status = .prospect
    /// Events emitted so far; with the customer index it makes event ids unique.
    var eventSeq: UInt32 = 0

    // Attributes (index into Catalog lists; -1 when absent).
    var isBusiness = false
    var region: Int8 = 0
    var city: Int8 = 0
    var storeNumber: Int8 = 1
    var device: Int8 = 0  // 0 iOS, 1 Android
    var ageBand: Int8 = -1
    var gender: Int8 = -1
    var incomeBand: Int8 = -1
    var industry: Int8 = -1
    var size: Int8 = -1
    var acquisition: Int8 = 0
    var platform: Int8 = 0

    // Behaviour.
    var primaryChannel: Int8 = 0  // purchase channel index: online, store, app, phone, partner
    var favouriteCategories: (Int8, Int8) = (0, 1)
    var purchaseRate = 0.0  // purchases per day while active (before seasonality)
    var dropout = 0.0  // P(lapse) after each purchase
    var visitRate = 0.0  // browsing visits per day
    var socialRate = 0.0  // mentions per day (0 for most)
    var complaintProneness = 0.0
    var satisfaction = 0.0  // latent, ~N(0.5, 0.9), lower for likely dropouts
    var forcedPurchase = false  // the next purchase timer is an exact first purchase

    // History.
    var purchases: Int32 = 0
    var complaints: Int16 = 0
    var lapsedAt: Int64 = Customer.never
    var complaintOpenSince: Int64 = Customer.never
    var complaintSeverity: Int8 = 0
    var complaintCategory: Int8 = 0
    var complaintChannel: Int8 = 0
    var pendingComplaintCategory: Int8 = 0
    var pendingComplaintChannel: Int8 = 0
    var lastResolvedAt: Int64 = Customer.never
    var lastResolutionSlow = false
    var signupAt: Int64 = Customer.never
    var npsCampaign: Int16 = -1  // campaign index of the next check
    var npsResponseCampaign: Int16 = -1  // campaign of the pending response
    var csatChannel: Int8 = 0
    var socialReactionMood = 0.0  // sentiment shift of the pending reaction

    /// One slot per ``TimerKind``: the time (seconds since window start) it fires, or `never`.
    var timers = InlineArray<12, Int64>(repeating: Customer.never)

    init(seed: UInt64) {
        rng = Xoshiro256(seed: seed)
    }

    /// The earliest pending timer.
    @inline(__always)
    var nextTimer: (time: Int64, kind: Int) {
        var best = timers[0]
        var kind = 0
        for i in 1..<Customer.timerCount where timers[i] < best {
            best = timers[i]
            kind = i
        }
        return (best, kind)
    }

    @inline(__always)
    subscript(timer kind: TimerKind) -> Int64 {
        get { timers[kind.rawValue] }
        set { timers[kind.rawValue] = newValue }
    }

    var hasOpenComplaint: Bool { complaintOpenSince != Customer.never }

    /// Complaints that stay unresolved this long are given up on: they stay open in the data,
    /// weigh less on the mood, and no longer stop a new complaint.
    static let abandonedAfter: Int64 = 60 * 86_400

    /// A complaint is open and still fresh (not given up on).
    func hasActiveComplaint(at time: Int64) -> Bool {
        complaintOpenSince != Customer.never && time - complaintOpenSince < Customer.abandonedAfter
    }

    /// No complaint is pending, and none is open unless given up on.
    func canOpenComplaint(at time: Int64) -> Bool {
        timers[TimerKind.complaintOpen.rawValue] == Customer.never && !hasActiveComplaint(at: time)
            && timers[TimerKind.complaintResolve.rawValue] == Customer.never
    }
}
