/// The behavioural model: how a customer signs up, buys, lapses, visits, complains, answers
/// surveys, posts and updates their profile, as timers on ``Customer`` fired in time order.
///
/// The model in brief (BG/NBD-like, so "buy till you die" fits are meaningful):
/// - each customer has a latent purchase rate λ ~ Gamma(1.3, mean 1/24 per day) and a dropout
///   probability p ~ Beta(1.3, 16); after each purchase they lapse for good with probability p
///   (raised while a complaint is open or after a slow resolution);
/// - purchases and visits are Poisson processes whose intensity follows the calendar (November-
///   December high, summer low, Black Friday, weekdays); times of day follow per-channel profiles;
/// - satisfaction is latent, lower for customers likely to lapse, and drops with open complaints,
///   slow resolutions, lapsing and a delivery incident; NPS, CSAT, CES and social sentiment are
///   drawn from it, so they correlate with behaviour;
/// - lapsed customers stop buying at once and their other touches fade out within weeks.
struct Simulator {
    let timeline: Timeline
    let catalog: Catalog
    let seed: UInt64

    /// Purchase channel (online, store, app, phone, partner) → visit channel (web, store, app, call).
    static let visitChannelOfPurchaseChannel: [Int] = [0, 1, 2, 3, 0]
    static let channelOnline = 0
    static let channelStore = 1
    static let channelApp = 2
    static let channelPhone = 3
    static let channelPartner = 4

    static let day = Timeline.secondsPerDay

    init(timeline: Timeline, catalog: Catalog, seed: UInt64) {
        self.timeline = timeline
        self.catalog = catalog
        self.seed = seed
    }

    // MARK: Creating customers

    /// A new customer (number = index + 1) who signs up at `signup`.
    func makeCustomer(number: Int, signup: Int64) -> Customer {
        var c = Customer(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(number) &* 0x2545_F491_4F6C_DD1D)))
        c.signupAt = signup
        c[timer: .signup] = signup

        c.isBusiness = c.rng.chance(0.12)
        let region = c.rng.pick(Catalog.regionWeights)
        c.region = Int8(region)
        c.city = Int8(c.rng.pick(Catalog.cityWeights))
        c.storeNumber = Int8(Catalog.storeNumber(region: region, store: c.rng.below(Catalog.storesPerRegion)))
        c.device = c.rng.chance(0.45) ? 0 : 1
        if c.isBusiness {
            c.industry = Int8(c.rng.below(Catalog.industries.count))
            c.size = Int8(c.rng.pick(Catalog.sizeWeights))
        } else {
            c.ageBand = Int8(c.rng.pick(Catalog.ageBandWeights))
            if c.rng.chance(0.85) { c.gender = Int8(c.rng.pick(Catalog.genderWeights)) }
            if c.rng.chance(0.55) { c.incomeBand = Int8(c.rng.pick(Catalog.incomeWeights)) }
        }
        c.acquisition = Int8(c.rng.pick(Catalog.acquisitionWeights))
        c.platform = Int8(c.rng.pick(Catalog.platformWeights))

        var channel = c.rng.pick(Catalog.purchaseChannelMix[region])
        if c.ageBand >= 4 && channel == Simulator.channelApp && c.rng.chance(0.5) {
            channel = c.rng.chance(0.6) ? Simulator.channelStore : Simulator.channelPhone
        } else if c.ageBand >= 0 && c.ageBand <= 1 && channel == Simulator.channelStore && c.rng.chance(0.35) {
            channel = Simulator.channelApp
        }
        if c.isBusiness && c.rng.chance(0.3) { channel = Simulator.channelPhone }
        c.primaryChannel = Int8(channel)

        let categoryTable = Catalog.categoryTable
        let first = c.rng.pick(categoryTable)
        var second = c.rng.pick(categoryTable)
        if second == first { second = (first + 1 + c.rng.below(Catalog.categories.count - 1)) % Catalog.categories.count }
        c.favouriteCategories = (Int8(first), Int8(second))

        let meanRate = c.isBusiness ? 1.0 / 13.0 : 1.0 / 17.0
        c.purchaseRate = c.rng.gamma(shape: 1.3, scale: meanRate / 1.3)
        c.dropout = min(0.9, c.rng.beta(1.2, 20))
        c.satisfaction = c.rng.normal(mean: 0.5, sd: 0.85) - 5 * (c.dropout - 0.057)
        c.visitRate = 0.4 * c.purchaseRate + c.rng.gamma(shape: 2, scale: 0.003)
        let socialShare = c.ageBand >= 0 && c.ageBand <= 2 ? 0.42 : 0.25
        if c.rng.chance(socialShare) {
            c.socialRate = c.rng.gamma(shape: 1.2, scale: 1.0 / 35.0 / 1.2)
        }
        c.complaintProneness = min(0.5, 0.075 * c.rng.logNormal(median: 1, sigma: 0.6))
        return c
    }

    // MARK: Running a customer

    /// Fires the customer's timers, in time order, until the next one is at or after `dayEnd`.
    func advance(_ c: inout Customer, number: Int, until dayEnd: Int64, sink: inout EventSink) {
        while true {
            let (time, kindIndex) = c.nextTimer
            if time >= dayEnd { return }
            c.timers[kindIndex] = Customer.never
            switch TimerKind(rawValue: kindIndex)! {
            case .signup: signUp(&c, number: number, at: time, sink: &sink)
            case .purchase: firePurchase(&c, number: number, at: time, sink: &sink)
            case .visit: fireVisit(&c, number: number, at: time, sink: &sink)
            case .social: fireSocial(&c, number: number, at: time, sink: &sink)
            case .socialReaction: socialReaction(&c, number: number, at: time, sink: &sink)
            case .profile: profileChange(&c, number: number, at: time, sink: &sink)
            case .npsCheck: npsCampaign(&c, at: time)
            case .npsResponse: npsResponse(&c, number: number, at: time, sink: &sink)
            case .csat: csatResponse(&c, number: number, at: time, sink: &sink)
            case .ces: cesResponse(&c, number: number, at: time, sink: &sink)
            case .complaintOpen: openComplaint(&c, number: number, at: time, sink: &sink)
            case .complaintResolve: resolveComplaint(&c, number: number, at: time, sink: &sink)
            }
        }
    }

    private func signUp(_ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        c.status = .active
        emitSignupProfile(&c, number: number, at: time, sink: &sink)

        if c.rng.chance(0.55) {
            // Many sign up while buying: the first purchase follows within minutes.
            c.forcedPurchase = true
            c[timer: .purchase] = time + 60 + Int64(c.rng.below(40 * 60))
        } else {
            c[timer: .purchase] = timeline.purchases.next(after: time, rate: c.purchaseRate, rng: &c.rng)
        }
        c[timer: .visit] = timeline.visits.next(after: time, rate: c.visitRate, rng: &c.rng)
        if c.socialRate > 0 {
            c[timer: .social] = time + nextGap(rate: c.socialRate, rng: &c.rng)
        }
        c[timer: .profile] = time + nextGap(rate: 1.0 / 360.0, rng: &c.rng)
        if let campaign = timeline.campaign(atOrAfter: time + 30 * Simulator.day) {
            c.npsCampaign = Int16(campaign)
            c[timer: .npsCheck] = Int64(timeline.campaigns[campaign].day) * Simulator.day
        }
    }

    /// Makes the customer lapse for good: no more purchases; other touches fade out.
    func lapse(_ c: inout Customer, at time: Int64) {
        c.status = .lapsed
        c.lapsedAt = time
        c[timer: .purchase] = Customer.never
        c[timer: .profile] = Customer.never
    }

    // MARK: Helpers

    /// Seconds to the next event of a Poisson process with `rate` events per day.
    @inline(__always)
    func nextGap(rate: Double, rng: inout Xoshiro256) -> Int64 {
        guard rate > 0 else { return Customer.never / 2 }
        let gap = rng.exponential(mean: 86_400 / rate)
        return gap > 1e12 ? Customer.never / 2 : max(1, Int64(gap))
    }

    /// A time on `day` at an hour drawn from `hours`, never before the customer signed up.
    @inline(__always)
    func time(onDay day: Int, hours: WeightTable, customer c: inout Customer) -> Int64 {
        let dayStart = Int64(day) * Simulator.day
        var attempts = 0
        while true {
            let time = dayStart + Int64(c.rng.pick(hours) * 3600 + c.rng.below(3600))
            if time > c.signupAt { return time }
            attempts += 1
            if attempts == 6 {
                // Signed up late in the day: shortly after sign-up.
                return min(dayStart + Simulator.day - 1, c.signupAt + 30 + Int64(c.rng.below(2 * 3600)))
            }
        }
    }

    /// Stores open 9-20 h and the phone line 8-18 h; outside them the customer goes online.
    @inline(__always)
    static func channelOpen(_ purchaseChannel: Int, at time: Int64) -> Int {
        let hour = Int(time % Timeline.secondsPerDay / 3600)
        switch purchaseChannel {
        case channelStore where !(9..<20).contains(hour): return channelOnline
        case channelPhone where !(8..<18).contains(hour): return channelOnline
        default: return purchaseChannel
        }
    }

    /// The customer's satisfaction now: latent level, open (or given-up) and recently resolved
    /// complaints, lapsing, and the delivery incident.
    func mood(_ c: Customer, at time: Int64) -> Double {
        var s = c.satisfaction
        if c.hasActiveComplaint(at: time) {
            s -= 1.1 + 0.4 * Double(c.complaintSeverity)
        } else if c.hasOpenComplaint {
            s -= 0.6  // given up on, still remembered
        } else if c.lastResolvedAt != Customer.never && time - c.lastResolvedAt < 60 * Simulator.day {
            s += c.lastResolutionSlow ? -0.5 : 0.2
        }
        if c.status == .lapsed { s -= 0.8 }
        let day = timeline.day(of: time)
        if day < timeline.dayCount && timeline.incident[day] { s -= 0.3 }
        return s
    }

    /// Starts an event of this customer (see ``EventSink/begin``).
    @inline(__always)
    func begin(_ type: EventType, source: [UInt8], _ c: inout Customer, number: Int, at time: Int64, sink: inout EventSink) {
        c.eventSeq += 1
        sink.begin(type, source: source, customer: number, seq: c.eventSeq, time: time)
    }
}
