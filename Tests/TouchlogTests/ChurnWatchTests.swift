import Foundation
import Testing
import Touchlog
import TouchlogAnalytics

/// The kept churn list answers `churnList` at the present exactly as evaluating every customer
/// does — for random streams appended in random batches, on days before, among and long after
/// the events, with and without a stored model, with the default and with other kept thresholds.
struct ChurnWatchTests {
    static let day0 = 20_000  // 2024-10-04

    /// Thresholds with short windows, so that flags turn on and off often in a short stream.
    static let custom: ChurnThresholds = {
        var t = ChurnThresholds()
        t.overdueFactor = 1.5
        t.overdueFloorDays = 30
        t.detractorWithinDays = 20
        t.openComplaintDays = 5
        t.decliningWindowDays = 25
        t.decliningFraction = 0.6
        t.decliningMinimumPurchaseDays = 1
        t.negativeSentimentThreshold = 0.1
        t.lowPAliveThreshold = 0.6
        t.weights["declining"] = 0.5
        t.weights["low_p_alive"] = 0.45
        return t
    }()

    static func model(period: PurchasePeriod) throws -> FittedModel {
        FittedModel(
            asOf: Timestamp(microseconds: Int64(day0) * 86_400_000_000), fittedAt: Timestamp(microseconds: 1), period: period,
            purchases: try BetaGeoModel(r: 0.24, alpha: 4.4, a: 0.79, b: 2.43), purchaseCustomers: 2, purchaseLogLikelihood: 0,
            spend: try GammaGammaModel(p: 6.1, q: 3.4, v: 15), spendCustomers: 1, spendLogLikelihood: 0)
    }

    /// Random events of `customers` customers over about 300 days: purchases, NPS answers,
    /// complaints opened and resolved, mentions with a sentiment, and events the rules do not read
    /// (visits, CSAT answers, profile updates, which leave the kept entries alone); a few re-sent.
    static func stream(seed: UInt64, count: Int, customers: Int) -> [String] {
        var rng = SeededRandom(seed: seed)
        var lines: [String] = (0..<count).map { index in
            let subject = "cust-\(Int.random(in: 1...customers, using: &rng))"
            let day = day0 + Int.random(in: 0...300, using: &rng)
            let time = Timestamp(microseconds: Int64(day) * 86_400_000_000 + Int64.random(in: 0..<86_400_000_000, using: &rng)).rfc3339
            let envelope = #""specversion":"1.0","id":"w-\#(index)","source":"test/watch","subject":"\#(subject)","time":"\#(time)""#
            switch Int.random(in: 0..<12, using: &rng) {
            case 0..<4:
                let amount = Double(Int.random(in: 1...40_000, using: &rng)) / 100
                return #"{\#(envelope),"type":"touch.purchase","data":{"orderId":"o\#(index)","amount":\#(amount),"currency":"EUR"}}"#
            case 4, 5:
                return #"{\#(envelope),"type":"touch.survey","data":{"surveyId":"q\#(index)","metric":"nps","score":\#(Int.random(in: 0...10, using: &rng))}}"#
            case 6, 7:
                let status = Bool.random(using: &rng) ? "opened" : "resolved"
                return #"{\#(envelope),"type":"touch.complaint","data":{"complaintId":"k\#(index % 3)","status":"\#(status)"}}"#
            case 8:
                let sentiment = Double(Int.random(in: -100...100, using: &rng)) / 100
                return #"{\#(envelope),"type":"touch.social_mention","data":{"platform":"reddit","sentiment":\#(sentiment),"reach":5}}"#
            default:
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: return #"{\#(envelope),"type":"touch.visit","data":{"channel":"store","durationSeconds":60}}"#
                case 1: return #"{\#(envelope),"type":"touch.survey","data":{"surveyId":"c\#(index)","metric":"csat","score":\#(Int.random(in: 1...5, using: &rng))}}"#
                default: return #"{\#(envelope),"type":"customer.profile_updated","data":{"attributes":{"tier":"t\#(index % 4)"}}}"#
                }
            }
        }
        for _ in 0..<(count / 25) { lines.insert(lines.randomElement(using: &rng)!, at: Int.random(in: 0...lines.count, using: &rng)) }
        return lines
    }

    /// A list as comparable text: customer, exact risk, flags with their evidence.
    static func described(_ list: [CustomerChurn]) -> [String] {
        list.map { churn in
            "\(churn.customer) \(churn.risk.bitPattern) " + churn.flags.map { "\($0.reason.rawValue): \($0.evidence)" }.joined(separator: "; ")
        }
    }

    /// On random days (and the days right around each customer's latest event), the kept list
    /// equals the full evaluation, unfiltered and with a flag, a minimum risk and a limit.
    /// - Returns: the reasons seen in the lists, to check that the stream raised them all.
    @discardableResult
    static func expectKeptListMatches(
        _ log: EventLog, thresholds: ChurnThresholds, seed: UInt64, days count: Int, _ context: String
    ) throws -> Set<ChurnFlag.Reason> {
        #expect(try log.churnListFallbackReason(thresholds: thresholds) == nil, "\(context): the kept list is not used")
        var rng = SeededRandom(seed: seed)
        var latestDays: [Int] = []
        try log.forEachProfile { _, profile in
            if let last = profile.lastSeen { latestDays.append(Int(last.microseconds / 86_400_000_000)) }
            if let purchase = profile.lastPurchase { latestDays.append(Int(purchase.microseconds / 86_400_000_000)) }
        }
        var days = (0..<count).map { _ in day0 + Int.random(in: -20...900, using: &rng) }
        for day in latestDays.shuffled(using: &rng).prefix(6) { days += [day - 1, day, day + 1] }
        days += [day0 + 5_000, day0 + 40_000]
        let reasons: [ChurnFlag.Reason?] = [nil] + ChurnFlag.Reason.allCases
        var seen = Set<ChurnFlag.Reason>()
        for day in days {
            let asOf = Timestamp(microseconds: Int64(day) * 86_400_000_000 + Int64.random(in: 0..<86_400_000_000, using: &rng))
            let queries: [(ChurnFlag.Reason?, Double, Int)] = [
                (nil, 0, .max), (reasons.randomElement(using: &rng)!, 0, .max), (nil, [0.2, 0.3, 0.5].randomElement(using: &rng)!, 4),
                (nil, 0, Int.random(in: 0...6, using: &rng)),
            ]
            for (flag, minimumRisk, limit) in queries {
                let kept = try log.churnList(
                    presentAt: asOf, thresholds: thresholds, flag: flag, minimumRisk: minimumRisk, limit: limit, source: .keptStrictly)
                let full = try log.churnList(
                    presentAt: asOf, thresholds: thresholds, flag: flag, minimumRisk: minimumRisk, limit: limit, source: .everyone)
                #expect(
                    Self.described(kept) == Self.described(full),
                    "\(context), seed \(seed), as of \(asOf), flag \(flag?.rawValue ?? "any"), min \(minimumRisk), limit \(limit)")
                for churn in kept { seen.formUnion(churn.flags.map(\.reason)) }
            }
        }
        return seen
    }

    enum Setup: String, CaseIterable, Sendable {
        case defaults, dailyModel, customThresholds, customWithWeeklyModel
    }

    @Test(arguments: Setup.allCases)
    func keptListEqualsTheFullEvaluation(setup: Setup) throws {
        let seed = testSeed()
        let lines = Self.stream(seed: seed, count: 600, customers: 14)
        try withTemporaryDirectory { directory in
            // History snapshots every 4th event of a customer: their region (0x00 'h') sorts
            // between the kept list's entries (0x00 'c') and its settings (0x00 's').
            let log = try EventLog(
                path: directory + "/a.db", options: .init(create: true, durable: false),
                projectors: [ProfileProjector(snapshotInterval: 4), TrendsProjector()])
            let half = lines.count / 2
            var thresholds = ChurnThresholds()
            // Half the events, then the settings (recomputing the list), then the rest (kept up to date inline).
            try ProjectionTests.append(Array(lines[..<half]), to: log, seed: seed &+ 1)
            switch setup {
            case .defaults: break
            case .dailyModel: try log.storeModel(try Self.model(period: .day))
            case .customThresholds:
                thresholds = Self.custom
                try log.keepChurnThresholds(thresholds)
            case .customWithWeeklyModel:
                thresholds = Self.custom
                try log.keepChurnThresholds(thresholds)
                try log.storeModel(try Self.model(period: .calendarWeek))
            }
            try Self.expectKeptListMatches(log, thresholds: thresholds, seed: seed &+ 2, days: 40, "\(setup), half appended")
            try ProjectionTests.append(Array(lines[half...]), to: log, seed: seed &+ 3)
            let seen = try Self.expectKeptListMatches(log, thresholds: thresholds, seed: seed &+ 4, days: 120, "\(setup), all appended")
            var expected: Set<ChurnFlag.Reason> = [.overdue, .detractor, .openComplaint, .declining]
            if setup == .dailyModel || setup == .customWithWeeklyModel { expected.insert(.lowPAlive) }
            #expect(expected.isSubset(of: seen), "seed \(seed): the stream raised only \(seen.map(\.rawValue).sorted())")

            // A rebuild leaves the kept list the appends left, byte for byte.
            let appended = try log.keptChurnListEntries()
            #expect(appended.count == 15, "seed \(seed): not one kept entry per customer and the settings")
            try log.rebuild(chunkSize: 53)
            let rebuilt = try log.keptChurnListEntries()
            #expect(rebuilt.map(\.key) == appended.map(\.key) && rebuilt.map(\.value) == appended.map(\.value),
                    "seed \(seed): the rebuild's kept list differs")
        }
    }

    @Test func otherThresholdsFallBackToTheFullEvaluation() throws {
        let seed = testSeed()
        try withTemporaryLog { log, _ in
            try ProjectionTests.append(Self.stream(seed: seed, count: 300, customers: 10), to: log, seed: seed &+ 1)
            let reason = try #require(try log.churnListFallbackReason(thresholds: Self.custom))
            #expect(reason.contains("touchlog churn keep"))
            #expect(try log.churnListFallbackReason(thresholds: ChurnThresholds()) == nil)
            let asOf = Timestamp(microseconds: Int64(Self.day0 + 400) * 86_400_000_000)
            let other = try log.churnList(presentAt: asOf, thresholds: Self.custom, flag: nil, minimumRisk: 0, limit: .max)
            #expect(!other.isEmpty)
            // The same answer as the replay of the whole log at that time, which never reads the view.
            let replayed = try log.churnList(at: Horizon(asOf: asOf), thresholds: Self.custom, limit: .max)
            #expect(Self.described(other) == Self.described(replayed), "seed \(seed)")
            // Once kept, the kept list answers, and the same.
            try log.keepChurnThresholds(Self.custom)
            #expect(try log.keptChurnThresholds() == Self.custom)
            #expect(try log.churnListFallbackReason(thresholds: Self.custom) == nil)
            #expect(try log.churnListFallbackReason(thresholds: ChurnThresholds()) != nil)
            let kept = try log.churnList(presentAt: asOf, thresholds: Self.custom, flag: nil, minimumRisk: 0, limit: .max)
            #expect(Self.described(kept) == Self.described(other), "seed \(seed)")
        }
    }
}
