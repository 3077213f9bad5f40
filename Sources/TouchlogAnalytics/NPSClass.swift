/// The Net Promoter class of one 0–10 answer to "how likely are you to recommend us?".
public enum NPSClass: String, Sendable, CaseIterable {
    /// 9–10.
    case promoter
    /// 7–8.
    case passive
    /// 0–6.
    case detractor

    /// Classes an NPS answer: 9–10 promoter, 7–8 passive, 0–6 detractor. Scores outside 0–10
    /// (which the survey schema rejects) follow the same thresholds: above 10 is a promoter,
    /// below 0 a detractor.
    public init(score: Int) {
        switch score {
        case 9...: self = .promoter
        case 7...8: self = .passive
        default: self = .detractor
        }
    }

    /// The Net Promoter Score of a set of answers: the percentage of promoters minus the
    /// percentage of detractors, from −100 to 100.
    /// - Returns: `nil` when there are no answers.
    public static func netPromoterScore(of scores: some Sequence<Int>) -> Double? {
        var promoters = 0, detractors = 0, count = 0
        for score in scores {
            count += 1
            switch NPSClass(score: score) {
            case .promoter: promoters += 1
            case .detractor: detractors += 1
            case .passive: break
            }
        }
        guard count > 0 else { return nil }
        return Double(promoters - detractors) * 100 / Double(count)
    }
}
